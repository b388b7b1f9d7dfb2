"""The stepper page's speed in headless Chromium: a 500-node graph, ready time and per step.

Goals (benchmarks, not tests: the machine is shared): ready in under 3 s, each step under
50 ms. ``python -m benchmarks.stepper`` (make bench runs it when Playwright and chromium
are there).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from deltagrad import viz
from deltagrad.autograd import Value, topological_sort

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def graph(n_target: int = 500) -> Value:
    """A tanh network-like graph of about ``n_target`` values, with fan-in."""
    xs = [Value(0.1 * k - 0.5, label=f"x[{k}]") for k in range(8)]
    layer = xs
    nodes = 8
    depth = 0
    while nodes < n_target:
        depth += 1
        nxt = []
        for i in range(8):
            terms = [w * a for w, a in zip([Value(0.1 * (i - j), label=f"W{depth}[{i}][{j}]")
                                            for j in range(len(layer))], layer)]
            z = Value.sum(terms)
            z.label = f"z{depth}[{i}]"
            nxt.append(z.tanh())
        layer = nxt
        nodes = len(topological_sort(Value.sum(layer)))
    root = Value.sum(layer)
    root.label = "L"
    root.backward()
    return root


def measure(repeats: int = 5) -> dict[str, Any]:
    """Ready time (navigation to window.deltagrad) and milliseconds per step, medians."""
    from playwright.sync_api import sync_playwright

    root = graph()
    n = len(topological_sort(root))
    html_started = time.perf_counter()
    page_file = Path(tempfile.mkdtemp()) / "stepper.html"
    viz.stepper(root).save(page_file)
    build = time.perf_counter() - html_started
    ready, per_step = [], []
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(repeats):
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(page_file.as_uri())
            page.wait_for_function("window.deltagrad !== undefined")
            ready.append(time.perf_counter() - t0)
            steps = page.evaluate("window.deltagrad.steps")
            page.evaluate("window.deltagradNoScroll = false")
            ms = page.evaluate("""(steps) => {
                const t0 = performance.now();
                for (let k = 1; k <= 60; k++) window.deltagrad.go(Math.floor(k * steps / 61));
                return (performance.now() - t0) / 60;
            }""", steps)
            per_step.append(ms)
            page.close()
        browser.close()
    return {"nodes": n, "build_html_s": build, "ready_s": statistics.median(ready),
            "step_ms": statistics.median(per_step)}


if __name__ == "__main__":
    result = measure()
    print(json.dumps(result))
    ok_ready, ok_step = result["ready_s"] < 3.0, result["step_ms"] < 50.0
    print(f"{'PASS' if ok_ready else 'FAIL'}  stepper page of {result['nodes']} values ready (goal < 3 s): "
          f"{result['ready_s']:.2f} s")
    print(f"{'PASS' if ok_step else 'FAIL'}  stepper: one step (goal < 50 ms): {result['step_ms']:.1f} ms")
    sys.exit(0)
