"""`make bench`: deltagrad beside micrograd 0.1.0 (and PyTorch 0-dim tensors when importable).

Before timing, the engines must agree on the loss and every gradient. Each measurement runs
in a fresh process; the engines alternate within each repeat; the table shows medians.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import workloads as wl

ROOT = Path(__file__).resolve().parent.parent


def measure(engine: str, workload: str) -> dict[str, Any]:
    """One measurement in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.workloads", engine, workload],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} {workload} failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def check_agreement(engines: list[str]) -> list[str]:
    """Same loss and gradients on the MLP and the chain in every engine, or SystemExit."""
    notes = []
    step, model = wl.deltagrad_step_fn()
    # micrograd's order: neuron by neuron, its weights then its bias
    params = [p for layer in model.layers for n in layer.neurons for p in [*n.w, n.b]]
    before = [p.data for p in params]
    loss = step()
    grads = [p.grad for p in params]  # the step clears gradients before backward, not after
    if "micrograd" in engines:
        mstep, mmodel = wl.micrograd_step_fn()
        mbefore = [p.data for p in mmodel.parameters()]
        if mbefore != before:
            raise SystemExit("benchmark setup error: micrograd did not get deltagrad's weights")
        mloss = mstep()
        mgrads = [p.grad for p in mmodel.parameters()]
        worst = max(abs(a - b) for a, b in zip(grads, mgrads))
        if not math.isclose(loss, mloss, rel_tol=1e-12) or worst > 1e-9:
            raise SystemExit(f"engines disagree: loss {loss!r} vs {mloss!r}, max grad diff {worst:.2e}")
        notes.append(f"MLP step: deltagrad and micrograd agree (loss {loss:.12f}, "
                     f"largest gradient difference {worst:.1e} over {len(grads)} parameters)")
    if "torch" in engines:
        tstep, _ = wl.torch_step_fn()
        tloss = tstep()
        if not math.isclose(loss, tloss, rel_tol=1e-12):
            raise SystemExit(f"engines disagree: loss {loss!r} vs torch {tloss!r}")
        notes.append(f"MLP step: PyTorch agrees (loss {tloss:.12f})")
    if "compiled" in engines:
        cstep = wl.compiled_step_fn()
        closs = cstep()
        if not math.isclose(loss, closs, rel_tol=1e-12):
            raise SystemExit(f"compiled step disagrees: loss {loss!r} vs {closs!r}")
        notes.append(f"MLP step: compiled replay agrees (loss {closs:.12f})")
    floss = wl.floats_forward_fn()()
    if not math.isclose(loss, floss, rel_tol=1e-12):
        raise SystemExit(f"plain-float forward disagrees: loss {loss!r} vs {floss!r}")
    x, y = wl.build_chain(wl.value_class("deltagrad"), 1000)
    y.backward()
    if "micrograd" in engines:
        mx, my = wl.build_chain(wl.value_class("micrograd"), 1000)
        my.backward()
        if my.data != y.data or not math.isclose(mx.grad, x.grad, rel_tol=1e-12):
            raise SystemExit(f"chain disagrees: {y.data!r}/{x.grad!r} vs {my.data!r}/{mx.grad!r}")
        notes.append(f"chain: same value {y.data:.6f} and dy/dx {x.grad:.9f} in both engines")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5,
                        help="fresh-process repeats per cell (default and minimum 5)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench" / "results.json",
                        help="where to write the figures as JSON (default build/bench/results.json)")
    parser.add_argument("--quick", action="store_true",
                        help="one repeat and smaller chains: a smoke run, not for the record")
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else max(5, args.repeats)

    engines = ["deltagrad"]
    if importlib.util.find_spec("micrograd"):
        engines.append("micrograd")
    else:
        print("micrograd is not installed: pip install -e '.[bench]' (make bench does)", file=sys.stderr)
    if importlib.util.find_spec("torch"):
        engines.append("torch")
    engines.append("compiled")

    print("checking that the engines agree before timing ...", flush=True)
    for note in check_agreement(engines):
        print("  " + note)

    # (workload, engines) cells; each repeat runs every cell once, engines alternating
    big = "2e5" if args.quick else "1e6"
    plan: list[tuple[str, list[str]]] = [
        ("mlp_step", [e for e in engines] + ["floats"]),
        ("chain_1e5", [e for e in engines if e in ("deltagrad", "micrograd", "torch")]),
        (f"chain_{big}", ["deltagrad"]),
        ("chain_memory_1e5", [e for e in engines if e in ("deltagrad", "micrograd")]),
    ]
    plan += [(f"compile_{n}", ["compiled"]) for n in ("1e3", "1e4", "1e5")]
    plan += [("grad_vs_backward_1e5", ["deltagrad"]), ("hvp", ["deltagrad"])]
    results: dict[str, dict[str, list[dict[str, Any]]]] = {w: {e: [] for e in es} for w, es in plan}
    started = time.perf_counter()
    for r in range(repeats):
        for workload, cell_engines in plan:
            order = cell_engines if r % 2 == 0 else list(reversed(cell_engines))  # alternate
            for engine in order:
                results[workload][engine].append(measure(engine, workload))
        print(f"repeat {r + 1}/{repeats} done ({time.perf_counter() - started:.0f} s)", flush=True)
    deepest = {e: measure(e, "deepest_chain") for e in engines if e in ("deltagrad", "micrograd")}

    def med(workload: str, engine: str, key: str) -> float | None:
        runs = results.get(workload, {}).get(engine)
        return statistics.median(r[key] for r in runs) if runs else None

    figures = {
        workload: {engine: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                   for engine, runs in cells.items()}
        for workload, cells in results.items()
    }
    table = render_table(med, deepest, engines, big)
    print()
    print(table)
    goals = check_goals(med, big)
    print()
    for line in goals:
        print(line)
    payload = {
        "machine": machine(),
        "repeats": repeats,
        "medians": figures,
        "raw": results,
        "deepest_chain": deepest,
        "goals": goals,
        "table": table,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")
    return 0


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import os

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def _f(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None or a == 0 else f"{b / a:.1f}x"


def render_table(med: Any, deepest: dict[str, dict[str, Any]], engines: list[str], big: str) -> str:
    """Absolute figures and ratios, one row per workload."""
    from deltagrad.nn import format_table

    rows = []
    dg = med("mlp_step", "deltagrad", "ms")
    mg = med("mlp_step", "micrograd", "ms")
    rows.append(["MLP(2,[16,16,1]) step, 100 points (ms)", _f(dg, 1), _f(mg, 1), _ratio(dg, mg),
                 _f(med("mlp_step", "torch", "ms"), 1), _f(med("mlp_step", "compiled", "ms"), 2),
                 _f(med("mlp_step", "floats", "ms"), 2)])
    c5 = med("chain_1e5", "deltagrad", "ns_per_op")
    cm = med("chain_1e5", "micrograd", "ns_per_op")
    rows.append(["chain fwd+bwd per op, 1e5 ops (ns)", _f(c5), _f(cm), _ratio(c5, cm),
                 _f(med("chain_1e5", "torch", "ns_per_op")), "-", "-"])
    for part in ("forward", "backward"):
        d, m = med("chain_1e5", "deltagrad", f"{part}_ns_per_op"), med("chain_1e5", "micrograd", f"{part}_ns_per_op")
        rows.append([f"  of which {part} (ns)", _f(d), _f(m), _ratio(d, m),
                     _f(med("chain_1e5", "torch", f"{part}_ns_per_op")), "-", "-"])
    cb = med(f"chain_{big}", "deltagrad", "ns_per_op")
    rows.append([f"chain fwd+bwd per op, {big} ops (ns)", _f(cb), "-", "-", "-", "-", "-"])
    m5 = med("chain_memory_1e5", "deltagrad", "bytes_per_op")
    mm = med("chain_memory_1e5", "micrograd", "bytes_per_op")
    rows.append(["memory per op after forward (bytes)", _f(m5), _f(mm), _ratio(m5, mm), "-", "-", "-"])

    def deep(e: str) -> str:
        d = deepest.get(e)
        return "-" if d is None else f"{d['ops']:,}" + ("+" if d["at_least"] else "")

    rows.append(["deepest chain backward() survives (ops)", deep("deltagrad"), deep("micrograd"),
                 "-", "-", "-", "-"])
    for n in ("1e3", "1e4", "1e5"):
        secs = med(f"compile_{n}", "compiled", "seconds")
        if secs is not None:
            per = med(f"compile_{n}", "compiled", "us_per_node")
            rows.append([f"compile a {n}-op chain (ms; us per node)", "-", "-", "-", "-",
                         f"{secs * 1e3:,.1f}; {per:.1f}", "-"])
    gb = med("grad_vs_backward_1e5", "deltagrad", "ratio")
    if gb is not None:
        rows.append(["grad() over backward(), 1e5 chain (ratio)", f"{gb:.2f}", "-", "-", "-", "-", "-"])
    hv = med("hvp", "deltagrad", "ratio")
    if hv is not None:
        rows.append(["HVP over fwd+bwd, MLP(2,[16,16,1]) (ratio)", f"{hv:.2f}", "-", "-", "-", "-", "-"])
    header = ["workload (median)", "deltagrad", "micrograd", "speed-up", "torch", "compiled", "floats fwd"]
    return format_table(header, rows)


def check_goals(med: Any, big: str) -> list[str]:
    """The performance issue's goals, each with its measured figure and PASS or FAIL."""
    lines = []

    def goal(text: str, value: float | None, ok: bool) -> None:
        shown = "n/a" if value is None else f"{value:.2f}"
        lines.append(f"{'PASS' if ok else 'FAIL'}  {text}: {shown}")

    dg, mg = med("mlp_step", "deltagrad", "ms"), med("mlp_step", "micrograd", "ms")
    if mg is not None:
        goal("MLP step speed-up over micrograd (goal >= 25x)", mg / dg, mg / dg >= 25)
    c5, m5 = med("chain_1e5", "deltagrad", "ns_per_op"), med("chain_1e5", "micrograd", "ns_per_op")
    if m5 is not None:
        goal("chain 1e5 fwd+bwd speed-up over micrograd (goal >= 8x)", m5 / c5, m5 / c5 >= 8)
        f5 = med("chain_1e5", "deltagrad", "forward_ns_per_op")
        fm = med("chain_1e5", "micrograd", "forward_ns_per_op")
        goal("chain 1e5 forward speed-up over micrograd (keep, was 12.2x)", fm / f5, fm / f5 >= 10)
        b5 = med("chain_1e5", "deltagrad", "backward_ns_per_op")
        bm = med("chain_1e5", "micrograd", "backward_ns_per_op")
        goal("chain 1e5 backward speed-up over micrograd (goal >= 3x)", bm / b5, bm / b5 >= 3)
    mem = med("chain_memory_1e5", "deltagrad", "bytes_per_op")
    goal("bytes per op (goal <= 170)", mem, mem <= 170)
    if big == "1e6":
        ratio = med("chain_1e6", "deltagrad", "ns_per_op") / c5
        goal("cost per op at 1e6 over 1e5 (goal <= 2x)", ratio, ratio <= 2)
    cs, fl = med("mlp_step", "compiled", "ms"), med("mlp_step", "floats", "ms")
    if mg is not None:
        goal("compiled step speed-up over micrograd (goal >= 200x)", mg / cs, mg / cs >= 200)
    goal("compiled step over plain-float forward (goal <= 2x)", cs / fl, cs / fl <= 2)
    small = med("compile_1e3", "compiled", "us_per_node")
    large = med("compile_1e5", "compiled", "us_per_node")
    goal("compile cost per node at 1e5 over 1e3 (linear: goal <= 1.3x)", large / small, large / small <= 1.3)
    gb = med("grad_vs_backward_1e5", "deltagrad", "ratio")
    if gb is not None:
        goal("grad(create_graph=False) over backward() (goal <= 1x, within noise 1.1x)", gb, gb <= 1.1)
    hv = med("hvp", "deltagrad", "ratio")
    if hv is not None:
        goal("Hessian-vector product over one forward+backward (textbook 2-5x)", hv, hv <= 6)
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
