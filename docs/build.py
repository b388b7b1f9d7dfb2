"""`make docs`, the pictures that are not a command's own output.

- docs/stepper.png: the demo's backprop.html in headless Chromium, mid-backward;
- docs/playground.png: ``deltagrad play --data moons --hidden 8,8 --test-split 0.2``'s page
  after 300 epochs, the gradient of W1[0][1] written out;
- docs/tanh_derivatives.png: tanh and its first 6 derivatives, by grad(create_graph=True);
- docs/cube_gradient.svg: the graph of d/dx (x*x*x): a gradient is itself a computation;
- docs/tutorial.ipynb and docs/tutorial.ru.ipynb: run top to bottom, their outputs saved
  (tests/test_notebook.py and tests/test_notebook_ru.py check that they are what a fresh run prints).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deltagrad import viz  # noqa: E402
from deltagrad.autograd import Value, derivatives, grad, topological_sort  # noqa: E402

DOCS = ROOT / "docs"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_page(target: Path, width: int, height: int) -> Iterator[Any]:
    """A headless Chromium page of ``width`` x ``height`` px, for the picture ``target``."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit(f"docs/{target.name} needs chromium (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def stepper_screenshot(page_path: Path, target: Path) -> None:
    with chromium_page(target, 1100, 860) as page:
        page.goto(page_path.as_uri())
        page.wait_for_function("window.deltagrad !== undefined")
        steps = page.evaluate("window.deltagrad.steps")
        # mid-backward: the step where z1[0] sends its δ to W1[0][0]·x[0] and b1[0]
        for k in range(1, steps + 1):
            page.evaluate(f"window.deltagrad.go({k})")
            if page.inner_text("#explanation").startswith("Backward: δ = dL/dz1[0]"):
                break
        page.screenshot(path=str(target))


def playground_screenshot(target: Path) -> None:
    from deltagrad.cli import main

    folder = ROOT / "build" / "play"
    if main(["play", "--data", "moons", "--hidden", "8,8", "--test-split", "0.2", "--out", str(folder)]) != 0:
        raise SystemExit("deltagrad play failed")
    with chromium_page(target, 1440, 900) as page:
        page.goto((folder / "play.html").as_uri())
        page.wait_for_function("window.deltagrad_play !== undefined")
        page.evaluate("window.deltagrad_play.train(300)")
        page.evaluate("window.deltagrad_play.drawHeatmap()")
        page.screenshot(path=str(target), full_page=True)


def tanh_plot(target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [-4 + 8 * k / 400 for k in range(401)]
    curves = [derivatives(lambda v: v.tanh(), x, 6) for x in xs]
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    names = ["tanh", "1st", "2nd", "3rd", "4th", "5th", "6th"]
    for order in range(7):
        ax.plot(xs, [c[order] for c in curves], linewidth=2.2 if order == 0 else 1.3,
                label=f"{names[order]} derivative" if order else "tanh(x)")
    ax.set_ylim(-5, 5)
    ax.axhline(0, color="#999999", linewidth=0.6)
    ax.set_xlabel("x")
    ax.set_title("tanh and its first 6 derivatives, each the gradient of the one before (create_graph=True)",
                 fontsize=9)
    ax.legend(fontsize=8, ncol=2, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(target)
    plt.close(fig)


def cube_gradient(target: Path) -> None:
    x = Value(2.0, label="x")
    y = x * x * x
    y.label = "y"
    (dy,) = grad(y, [x], create_graph=True)
    dy.label = "dy/dx"
    dy.backward()
    viz.render(dy, target, inputs=[x])
    target.with_suffix(".dot").unlink()  # the DOT source is not a doc
    print(f"{target}: {len(topological_sort(dy))} values; dy/dx = {dy.data}, d2y/dx2 = {x.grad}")


def run_notebook(path: Path) -> None:
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as work:  # the cells write their plots under build/
        NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": work}}).execute()
    for cell in nb.cells:  # object addresses change from run to run: keep the file stable
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = re.sub(r" at 0x[0-9a-f]+", "", data["text/plain"])
    nbformat.write(nb, path)


if __name__ == "__main__":
    demo_page = ROOT / "build" / "demo" / "backprop.html"
    stepper_screenshot(demo_page, DOCS / "stepper.png")
    playground_screenshot(DOCS / "playground.png")
    tanh_plot(DOCS / "tanh_derivatives.png")
    cube_gradient(DOCS / "cube_gradient.svg")
    run_notebook(DOCS / "tutorial.ipynb")
    run_notebook(DOCS / "tutorial.ru.ipynb")
    print("docs/stepper.png, docs/playground.png, docs/tanh_derivatives.png, docs/cube_gradient.svg, "
          "docs/tutorial.ipynb and docs/tutorial.ru.ipynb written")
