"""The built wheel: one top-level package, its data files inside, and no clash with HIPS autograd.

It builds the wheel, installs it into a fresh venv beside PyPI's ``autograd`` package and runs
the command from there. It needs the package index, so it runs under CI=true only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
    reason="the wheel test installs from the package index: it runs in CI (CI=true)",
)


def run(*args: str | Path, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env,
                            timeout=timeout)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, ROOT)
    (built,) = out.glob("deltagrad-*.whl")
    return built


def test_the_wheel_installs_one_top_level_package_with_its_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        assert top == {"deltagrad"}  # no autograd, nn or viz beside it
        for listed in (n for n in names if n.endswith(".dist-info/top_level.txt")):
            assert archive.read(listed).decode().split() == ["deltagrad"]
    for data in ("deltagrad/py.typed", "deltagrad/viz/page/stepper.js", "deltagrad/viz/page/stepper.css",
                 "deltagrad/locale/ru/LC_MESSAGES/deltagrad.mo", "deltagrad/autograd/js/runtime.js"):
        assert data in names, data


def test_deltagrad_and_hips_autograd_live_side_by_side(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel, "autograd")
    probe = run(python, "-c", (
        "import autograd, autograd.numpy, deltagrad\n"
        "from deltagrad import Value\n"
        "print(autograd.__name__, hasattr(autograd, 'elementwise_grad'), deltagrad.__version__)\n"
        "x = Value(3.0); (x * x).backward(); print(x.grad)\n"
    ), cwd=tmp_path)
    import deltagrad

    assert probe.stdout.split() == ["autograd", "True", deltagrad.__version__, "6.0"]
    out = tmp_path / "demo"
    demo = run(venv / "bin" / "deltagrad", "demo", "--out", out, "--format", "dot", cwd=tmp_path)
    assert "deltagrad demo: one step of gradient descent" in demo.stdout
    assert (out / "graph.dot").read_text().startswith("digraph") and (out / "network.dot").is_file()
    russian = run(venv / "bin" / "deltagrad", "--lang", "ru", "demo", "--out", out, "--format", "dot", cwd=tmp_path)
    assert "градиентного спуска" in russian.stdout  # the compiled catalog shipped in the wheel
