"""README.ru.md: its Python examples run as written, its excerpt of the Russian demo is what
the command prints, and the English README links to it at the top."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from deltagrad import i18n
from deltagrad.autograd import notation
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
README_RU = ROOT / "README.ru.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README_RU.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("index", range(3))
def test_its_python_examples_run(index: int) -> None:
    block = _blocks("python")[index]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, f"README.ru.md python block {index}", "exec"), {})  # noqa: S102
    finally:
        i18n.set_language(None)
        notation.set_notation("code")


def test_its_demo_excerpt_is_what_the_command_prints() -> None:
    (excerpt,) = _blocks("text")
    result = run_cli("--lang", "ru", "demo", "--notation", "textbook", "--out", str(ROOT / "build" / "readme-ru"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(excerpt.rstrip("\n"))


def test_the_english_readme_links_to_it_at_the_top() -> None:
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("## ")[0]
    assert "(README.ru.md)" in top and "(docs/tutorial.ru.ipynb)" in top
    for link in re.findall(r"\]\(([^)#]+)\)", README_RU.read_text(encoding="utf-8")):
        if not link.startswith("http"):
            assert (ROOT / link).exists(), link
