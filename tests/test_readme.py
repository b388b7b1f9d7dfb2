"""The README's Python examples run as written and print what it says."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_four_examples() -> None:
    assert len(python_blocks()) == 4


def test_readme_has_the_two_commands() -> None:
    text = README.read_text()
    quick = text.split("## Quick start")[1].split("##")[0]
    assert "make demo" in quick and "make test" in quick


@pytest.mark.parametrize("index", range(4))
def test_readme_examples_run(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = python_blocks()[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README block {index}", "exec"), {})
    printed = out.getvalue()
    if index == 0:
        assert printed.strip() == "0.07065082485316443 0.14130164970632886"
    if index == 1:  # the comparison table printed in the README
        table = README.read_text().split(block)[1].split("```")[2]  # the block after it
        assert printed.strip() == table.strip()
    if index == 2:
        assert printed.strip() == "0.10061969202991763"
        assert os.path.exists("build/graph.dot")
    if index == 3:
        assert printed.strip() == "100%"
