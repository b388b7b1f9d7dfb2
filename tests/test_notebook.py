"""docs/tutorial.ipynb and its Russian chapter docs/tutorial.ru.ipynb run top to bottom (their
cells assert the worked example's numbers), and their committed outputs are what a fresh run
prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
NOTEBOOK = DOCS / "tutorial.ipynb"
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def text_outputs(nb: Any) -> list[list[str]]:
    """Per code cell, its printed text and plain-text results (object addresses removed)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts: list[str] = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":  # a stream may arrive in pieces: join them
                head = f"{out.name}: "
                if texts and texts[-1].startswith(head):
                    texts[-1] += out.text
                else:
                    texts.append(head + out.text)
            elif out.output_type in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
                texts.append(_ADDRESS.sub("", out["data"]["text/plain"]))
            elif out.output_type == "error":
                texts.append(f"error: {out.ename}: {out.evalue}")
        cells.append(texts)
    return cells


@pytest.mark.usefixtures("requires_dot")  # its cells draw the graph inline
@pytest.mark.parametrize("name", ["tutorial.ipynb", "tutorial.ru.ipynb"])
def test_the_tutorial_runs_and_its_committed_outputs_are_honest(tmp_path: Path, name: str) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    committed = nbformat.read(DOCS / name, as_version=4)
    fresh = nbformat.read(DOCS / name, as_version=4)
    client = nbclient.NotebookClient(fresh, timeout=180, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell, when any cell fails
    assert text_outputs(fresh) == text_outputs(committed), "re-run it: python docs/build.py"
    # the rich outputs are there: the graph and the network as SVG, the stepper as HTML
    kinds = [set(out.get("data", {})) for cell in fresh.cells if cell.cell_type == "code"
             for out in cell.get("outputs", [])]
    assert sum("image/svg+xml" in k for k in kinds) == 2 and any("text/html" in k for k in kinds)
