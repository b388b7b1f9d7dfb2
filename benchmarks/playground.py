"""The playground page's speed in headless Chromium (Debian's, through Playwright).

Goals (benchmarks, not tests: the machine is shared), from the playground issue:
- an edit that recomputes everything (forward, loss, every δ and gradient, the mean loss
  and accuracy over the data set, the drawing and the panels) on a 2-8-8-1 network: 5 ms;
- one epoch (a full-batch SGD step) over 100 moons points with a 2-16-16-1 network: 10 ms;
- one redraw of the 60x60 heat map: 16 ms;
- the page ready (navigation start to ``window.deltagrad_play``): 1 s.

``python -m benchmarks.playground``; every figure is the median of several repeats.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from deltagrad import nn, viz

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GOALS = {"edit_ms": 5.0, "epoch_ms": 10.0, "heatmap_ms": 16.0, "ready_ms": 1000.0}


def pages(folder: Path) -> dict[str, Path]:
    """The two pages measured: 2-8-8-1 and 2-16-16-1 tanh networks on 100 moons points."""
    X, labels = nn.datasets.moons(100, rng=0)
    Y = [float(v) for v in labels]
    out = {}
    for name, hidden in (("2-8-8-1", [8, 8]), ("2-16-16-1", [16, 16])):
        model = nn.MLP(2, [*hidden, 1], "tanh", "sigmoid", rng=0)
        out[name] = viz.playground(model, X, Y, lr=0.5).save(folder / f"{name}.html")
    return out


def measure(repeats: int = 7) -> dict[str, Any]:
    """The four figures, in milliseconds: medians over ``repeats`` page loads."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    files = pages(Path(tempfile.mkdtemp()))
    runs: dict[str, list[float]] = {key: [] for key in GOALS}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(files["2-8-8-1"].as_uri())
            page.wait_for_function("window.deltagrad_play !== undefined")
            runs["ready_ms"].append(page.evaluate("window.deltagrad_play_ready"))
            runs["edit_ms"].append(page.evaluate("""() => {
                const play = window.deltagrad_play, n = 50;
                const t0 = performance.now();
                for (let k = 0; k < n; k++) play.setWeight("W2[3][5]", 0.01 * k);
                return (performance.now() - t0) / n;
            }"""))
            runs["heatmap_ms"].append(page.evaluate("""() => {
                const play = window.deltagrad_play, n = 20;
                const t0 = performance.now();
                for (let k = 0; k < n; k++) play.drawHeatmap();
                return (performance.now() - t0) / n;
            }"""))
            page.goto(files["2-16-16-1"].as_uri())
            page.wait_for_function("window.deltagrad_play !== undefined")
            runs["epoch_ms"].append(page.evaluate("""() => {
                const play = window.deltagrad_play, n = 200;
                const t0 = performance.now();
                play.train(n);
                return (performance.now() - t0) / n;
            }"""))
            page.close()
        browser.close()
    return {key: statistics.median(values) for key, values in runs.items()}


WHAT = {
    "edit_ms": "an edit that recomputes everything, 2-8-8-1 on 100 points",
    "epoch_ms": "one epoch over 100 moons points, 2-16-16-1",
    "heatmap_ms": "one 60x60 heat-map redraw, 2-8-8-1",
    "ready_ms": "the page ready, 2-8-8-1 on 100 points",
}

if __name__ == "__main__":
    result = measure()
    print(json.dumps(result))
    for key, goal in GOALS.items():
        verdict = "PASS" if result[key] <= goal else "FAIL"
        print(f"{verdict}  playground: {WHAT[key]} (goal <= {goal:g} ms): {result[key]:.2f} ms")
    sys.exit(0)
