"""The README's examples run as written and print what it says; its command examples print
exactly the output shown."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def console_blocks() -> list[tuple[str, str]]:
    """(command, expected stdout) of each ```console block."""
    blocks = re.findall(r"```console\n\$ (.*?)\n(.*?)```", README.read_text(), flags=re.S)
    return [(cmd, out) for cmd, out in blocks]


def test_readme_has_its_examples() -> None:
    assert len(python_blocks()) == 6 and len(console_blocks()) == 4


def test_readme_has_the_two_commands() -> None:
    text = README.read_text()
    quick = text.split("## Quick start")[1].split("##")[0]
    assert "make demo" in quick and "make test" in quick


def test_readme_pictures_exist() -> None:
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text()):
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize("index", range(6))
def test_readme_examples_run(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             request: pytest.FixtureRequest) -> None:
    if index == 2:  # it renders the picture
        request.getfixturevalue("requires_dot")
    monkeypatch.chdir(tmp_path)
    block = python_blocks()[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README block {index}", "exec"), {})
    printed = out.getvalue()
    after = README.read_text().split(block, 1)[1]
    if index == 0:
        assert printed.strip() == "0.07065082485316443 0.14130164970632886"
    if index in (1, 3):  # the output printed in the README, in the block after the code
        shown = after.split("```")[2].split("\n", 1)[1]  # the next block, without its info line
        assert printed.strip() == shown.strip()
    if index == 2:
        assert printed.strip() == "0.10061969202991763"
        assert os.path.exists("build/graph.dot")
    if index == 4:
        assert printed.strip() == "100%"
    if index == 5:  # more than two classes: the output shown in the text block after the code
        shown = after.split("```")[2].split("\n", 1)[1]
        assert printed.strip() == shown.strip()


@pytest.mark.parametrize("index", range(4))
def test_readme_commands_print_what_it_shows(index: int) -> None:
    command, expected = console_blocks()[index]
    args = shlex.split(command)
    assert args[0] == "deltagrad"
    result = subprocess.run([sys.executable, "-m", "deltagrad", *args[1:]], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout == expected
