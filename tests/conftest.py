"""Shared fixtures: the worked example's numbers and the Graphviz requirement."""

from __future__ import annotations

import gc
import os
import shutil

import pytest
from hypothesis import settings

# Shared machines are noisy: a slow example is not a failure (speed is measured in benchmarks).
settings.register_profile("deltagrad", deadline=None)
settings.load_profile("deltagrad")

# The command tests start many Python processes: let them reuse compiled bytecode (this
# workplace sets PYTHONDONTWRITEBYTECODE, which makes every process compile every module).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# The tests build millions of small objects (graphs of Values, matplotlib figures) that live
# for one test. With CPython's default first threshold (700 allocations) the cyclic collector
# walks them again and again while they grow (34.8 to 32.3 s of `make test`, alternating
# runs). A larger threshold collects the same garbage less often (it changes no result; the
# engine's own pause of the collector is tested with gc.isenabled, not with thresholds).
# The commands the tests run as subprocesses keep Python's defaults, as a user's do.
gc.set_threshold(20_000, 10, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What exists once the tests are collected (modules, test items) lives for the whole
    run: the collector's full passes need not walk it again (gc.freeze, after a collection
    so that no garbage is kept with it)."""
    gc.collect()
    gc.freeze()


# ../shared/reference/worked_example.md, the 2-2-1 network.
X = [0.5, -0.2]
Y = 1.0
W1 = [[0.1, 0.4], [0.3, -0.5]]
B1 = [0.2, -0.1]
W2 = [[0.6, -0.1]]
B2 = [0.3]
ETA = 0.1
EXPECTED = {
    "z1": [0.16999999999999998, 0.15],
    "a1": [0.542397940774351, 0.5374298453437496],
    "z2": 0.5716957799302356,
    "a2": 0.6391543753700678,
    "L": 0.06510478240728296,
    "delta2": -0.08322401306626225,
    "delta1": [-0.012393840598352489, 0.002068940697999165],
    "W1_after": [[0.10061969202991763, 0.399752123188033], [0.29989655296510004, -0.49995862118604]],
    "b1_after": [0.20123938405983527, -0.10020689406979992],
    "W2_after": [[0.6045140533310118, -0.09552729315289125]],
    "b2_after": [0.3083224013066262],
}


def worked_model():  # type: ignore[no-untyped-def]
    """A fresh 2-2-1 sigmoid network of the worked example (W1, B1, W2, B2 above)."""
    from deltagrad import nn

    return nn.MLP.from_weights([W1, W2], [B1, B2])


def worked_graph():  # type: ignore[no-untyped-def]
    """The worked example's loss graph, after backward: (loss, model, [x[0], x[1], y], and the
    delta rule's gradients by label, the reference the pictures compare with)."""
    from deltagrad import nn
    from deltagrad.autograd import Value

    model = worked_model()
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(X)] + [Value(Y, label="y")]
    loss = nn.half_squared_error(model(data[:2]), data[2])
    loss.backward()
    return loss, model, data, nn.manual_backprop(model, X, Y).reference()


@pytest.fixture
def worked():  # type: ignore[no-untyped-def]
    """The worked example's 2-2-1 network, fresh for each test."""
    return worked_model()


def close(actual: float, expected: float, rel: float = 1e-12) -> bool:
    """True when ``actual`` is within ``rel`` relative of ``expected``."""
    return abs(actual - expected) <= rel * max(abs(expected), 1e-300)


@pytest.fixture
def requires_dot() -> None:
    """Skip when Graphviz's `dot` is missing, except under CI=true where that is a failure."""
    if shutil.which("dot") is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Graphviz 'dot' is required under CI=true but was not found on PATH")
        pytest.skip("Graphviz 'dot' not installed (apt-get install graphviz)")


def require_torch():  # type: ignore[no-untyped-def]
    """``torch``, or skip with one line (a failure under CI=true, where .ci/run installs it)."""
    try:
        import torch
    except ImportError:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("torch is required under CI=true (make torch installs it) but is not installed")
        pytest.skip("PyTorch not installed: the parity tests run in CI (make torch installs the CPU build)")
    return torch


from tests.browser import _shared, browser, fresh_page, page  # noqa: E402, F401  (fixtures for the page tests)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_command(*args: str, env: dict[str, str] | None = None, timeout: float = 300):  # type: ignore[no-untyped-def]
    """``python -m deltagrad ARGS`` in a subprocess, as a user runs it, from the project root."""
    import subprocess
    import sys

    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONPATH"] = ROOT
    return subprocess.run([sys.executable, "-m", "deltagrad", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)


class CliResult:
    """What a run of the command printed and returned."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli(*args: str) -> CliResult:
    """``deltagrad ARGS`` in this process (no interpreter start-up): most runs of the command.
    What only a real process shows (``python -m``, pipes, a full disk, Ctrl-C, the locale of
    the environment, the README's commands) runs it in a subprocess, with `run_command`."""
    import contextlib
    import io

    from deltagrad.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def assert_one_line_error(result: CliResult, message: str) -> None:
    """The command's answer to bad input: exit status 2, one line on stderr that says
    ``message``, and no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr, result.stderr
