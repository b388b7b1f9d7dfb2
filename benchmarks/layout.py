"""How long Graphviz takes to lay out the graphs that used to time out, and the network view.

``python -m benchmarks.layout`` prints the layout seconds (the median of ``--repeats`` runs
of ``dot -Tsvg``) of a tower of powers ``x ** x ** …``, a recurrence
``h = tanh(w·h + x)``, a chain of tanh, at two sizes each, and the network view of a
2-64-64-1 MLP. Every graph under the node limit should draw in under 30 s (the render
time limit); a benchmark, not a test: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from deltagrad import nn, viz
from deltagrad.autograd import Value, topological_sort


def tower(n: int) -> Value:
    """``x ** (x ** (… ** x))`` with ``n`` powers: every level uses the same x."""
    x = Value(1.01, label="x")
    t = x
    for _ in range(n):
        t = x ** t
    return t


def recurrence(n: int) -> Value:
    """``n`` steps of ``h = tanh(w·h + x)``, the same w and x at every step."""
    w, x, h = Value(0.5, label="w"), Value(0.1, label="x"), Value(0.0, label="h0")
    for _ in range(n):
        h = (w * h + x).tanh()
    return h


def chain(n: int) -> Value:
    """A chain of ``n`` values: ``x``, then ``tanh`` after ``tanh``."""
    v = Value(0.3, label="x")
    for _ in range(n - 1):
        v = v.tanh()
    return v


def network_source(sizes: list[int]) -> str:
    """The DOT source of the network view of an MLP of ``sizes``."""
    model = nn.MLP(sizes[0], sizes[1:], rng=0)
    return str(viz.draw_network(model, [0.5] * sizes[0], [1.0] * sizes[-1]).source)


def graph_source(root: Value) -> str:
    root.backward()
    return str(viz.draw_dot(root).source)


CASES: dict[str, Callable[[], tuple[str, int]]] = {
    "tower of 100 powers": lambda: (graph_source(r := tower(100)), len(topological_sort(r))),
    "tower of 400 powers": lambda: (graph_source(r := tower(400)), len(topological_sort(r))),
    "recurrence of 100 steps": lambda: (graph_source(r := recurrence(100)), len(topological_sort(r))),
    "recurrence of 400 steps": lambda: (graph_source(r := recurrence(400)), len(topological_sort(r))),
    "chain of 1,000": lambda: (graph_source(chain(1000)), 1000),
    "chain of 5,000": lambda: (graph_source(chain(5000)), 5000),
    "network view 2-64-64-1": lambda: (network_source([2, 64, 64, 1]), 131),
}


def measure(repeats: int, timeout: float) -> list[dict[str, object]]:
    """Each case's layout seconds (median of ``repeats``), or ``None`` past ``timeout``."""
    rows: list[dict[str, object]] = []
    for name, make in CASES.items():
        source, size = make()
        times: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            try:
                viz.dot.pipe(source, "svg", timeout=timeout)
            except viz.RenderTimeoutError:
                times = []
                break
            times.append(time.perf_counter() - started)
        rows.append({"graph": name, "values": size, "seconds": statistics.median(times) if times else None})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true", help="one JSON line instead of the table")
    args = parser.parse_args(argv)
    rows = measure(args.repeats, args.timeout)
    if args.json:
        print(json.dumps(rows))
        return 0
    print(f"{'graph':<26} {'values':>7} {'layout':>10}")
    for row in rows:
        seconds = row["seconds"]
        shown = f"{seconds:8.2f} s" if isinstance(seconds, float) else f"> {args.timeout:g} s"
        print(f"{row['graph']:<26} {row['values']:>7} {shown:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
