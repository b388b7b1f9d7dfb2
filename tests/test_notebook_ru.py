"""docs/tutorial.ru.ipynb, the chapter in Russian: its sections are the tutorial's (the run of
its cells, and their outputs, are tested beside the English notebook's in test_notebook)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ru.ipynb"


def test_the_russian_tutorial_has_the_chapters_sections_in_russian() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    headings = [line for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Инициализация весов и почему не нулями",
        "## 2. Прямой проход: вручную и через `deltagrad.nn`",
        "## 3. Функция потерь",
        "## 4. Обратное распространение ошибки: дельты вручную рядом с autograd",
        "## 5. Шаг обновления: градиентный спуск",
        "## 6. Картинки, пошаговый просмотр и упражнение",
    ]
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []))
    assert "ŷ = 0,6392" in printed and "𝓛 = 0,0651" in printed and "0,100620" in printed
    assert "Пропущен множитель f′(z₁⁽¹⁾)" in printed
