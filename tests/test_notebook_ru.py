"""docs/tutorial.ru.ipynb, the chapter in Russian, runs top to bottom (its cells assert the
worked example's numbers) and its committed outputs are what a fresh run prints, as the
English notebook's are."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_notebook import text_outputs

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ru.ipynb"


@pytest.mark.usefixtures("requires_dot")  # its cells draw the graph inline
def test_the_russian_tutorial_runs_and_its_committed_outputs_are_honest(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    committed = nbformat.read(NOTEBOOK, as_version=4)
    fresh = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(fresh, timeout=180, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell, when any cell fails
    assert text_outputs(fresh) == text_outputs(committed), "re-run it: python docs/build.py"
    kinds = [set(out.get("data", {})) for cell in fresh.cells if cell.cell_type == "code"
             for out in cell.get("outputs", [])]
    assert sum("image/svg+xml" in k for k in kinds) == 2 and any("text/html" in k for k in kinds)


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
