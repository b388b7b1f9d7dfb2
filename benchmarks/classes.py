"""`python -m benchmarks.classes` (part of `make bench`): more than two classes, timed.

- digits: a 64-32-10 tanh network, softmax cross-entropy, Adam (lr 0.01), mini-batches of 32,
  20 epochs, compiled, on the 80/20 stratified split of seed 0; the same run eager, and the
  same network, batches and optimizer in PyTorch (float64, batched) where torch is installed;
- iris: a 4-8-3 tanh network, cross-entropy, Adam (lr 0.05), full batch, 100 epochs, compiled;
- compile_graph of the digits loss (one example's graph).

Each figure is the median of ``--repeats`` runs in this process, each from the same seed (so
every repeat trains the same model to the same accuracy); the results go to
build/bench/classes.json. Timings are of `nn.fit`, which also computes the training accuracy
after every epoch, as the command shows it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from deltagrad import nn
from deltagrad.autograd import topological_sort

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"digits_seconds": 15.0, "digits_accuracy": 0.95, "iris_seconds": 2.0, "iris_accuracy": 0.95,
         "compile_seconds": 0.2}


def _digits() -> tuple[list[list[float]], list[int], list[list[float]], list[int]]:
    X, Y, _ = nn.datasets.digits()
    return nn.datasets.train_test_split(X, Y, test=0.2, rng=0)  # type: ignore[return-value]


def digits_model() -> nn.MLP:
    """The benchmark's 64-32-10 network, Xavier start of seed 0."""
    return nn.MLP(64, [32, 10], activation="tanh", output_activation="linear", init="xavier", rng=0)


def run_digits(compiled: bool, epochs: int = 20) -> dict[str, Any]:
    """Train the digits network; seconds of `nn.fit` and the held-out accuracy."""
    X_train, Y_train, X_test, Y_test = _digits()
    model = digits_model()
    started, cpu = time.perf_counter(), time.process_time()
    history = nn.fit(model, X_train, Y_train, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.01),
                     epochs=epochs, batch_size=32, compiled=compiled, progress=False, rng=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "epochs": epochs, "train_accuracy": history.accuracy[-1],
            "test_accuracy": nn.accuracy(model, X_test, Y_test), "loss": history.loss[-1]}


def run_digits_torch(epochs: int = 20) -> dict[str, Any] | None:
    """The same network, start, batches and Adam in PyTorch, float64, a batch per step."""
    try:
        import torch
    except ImportError:
        return None
    import random

    torch.set_num_threads(1)  # one core, as the pure-Python runs use
    X_train, Y_train, X_test, Y_test = _digits()
    seq = digits_model().to_torch()
    optimizer = torch.optim.Adam(seq.parameters(), lr=0.01)
    X = torch.tensor(X_train, dtype=torch.float64)
    Y = torch.tensor(Y_train)
    order = list(range(len(X_train)))
    generator = random.Random(0)  # nn.fit's shuffle: the same batches in the same order
    started, cpu = time.perf_counter(), time.process_time()
    for _epoch in range(epochs):
        generator.shuffle(order)
        for start in range(0, len(order), 32):
            idx = torch.tensor(order[start:start + 32])
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(seq(X[idx]), Y[idx])
            loss.backward()
            optimizer.step()
        with torch.no_grad():  # the training accuracy per epoch, as nn.fit computes it
            (seq(X).argmax(dim=1) == Y).double().mean().item()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with torch.no_grad():
        test = (seq(torch.tensor(X_test, dtype=torch.float64)).argmax(dim=1) == torch.tensor(Y_test)).double()
    return {"seconds": seconds, "cpu_seconds": cpu, "epochs": epochs, "test_accuracy": test.mean().item()}


def run_iris() -> dict[str, Any]:
    X, Y, _ = nn.datasets.iris()
    X_train, Y_train, X_test, Y_test = nn.datasets.train_test_split(X, Y, test=0.2, rng=0)
    model = nn.MLP(4, [8, 3], activation="tanh", output_activation="linear", rng=0)
    started, cpu = time.perf_counter(), time.process_time()
    nn.fit(model, X_train, Y_train, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
           epochs=100, compiled=True, progress=False, rng=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "test_accuracy": nn.accuracy(model, X_test, Y_test)}


def run_compile() -> dict[str, Any]:
    model = digits_model()
    started, cpu = time.perf_counter(), time.process_time()
    compiled = nn.compile_loss(model, nn.cross_entropy)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert compiled.graph is not None
    return {"seconds": seconds, "cpu_seconds": cpu}


def _nodes() -> int:
    from deltagrad.autograd import Value

    model = digits_model()
    xs = [Value(0.0) for _ in range(64)]
    return len(topological_sort(nn.cross_entropy(model(xs), 0)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--eager-epochs", type=int, default=20,
                        help="epochs of the eager digits run (default 20, the same run; fewer to save time)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench" / "classes.json")
    args = parser.parse_args(argv)
    repeats = max(1, args.repeats)
    compiled = [run_digits(True) for _ in range(repeats)]
    eager = run_digits(False, args.eager_epochs)
    theirs = run_digits_torch()
    iris = [run_iris() for _ in range(repeats)]
    compiles = [run_compile() for _ in range(repeats)]
    med = statistics.median
    figures = {
        "digits_seconds": med(r["seconds"] for r in compiled),
        "digits_cpu_seconds": med(r["cpu_seconds"] for r in compiled),
        "digits_accuracy": compiled[0]["test_accuracy"],
        "digits_train_accuracy": compiled[0]["train_accuracy"],
        "digits_eager_seconds": eager["seconds"] * 20 / args.eager_epochs,
        "digits_eager_cpu_seconds": eager["cpu_seconds"] * 20 / args.eager_epochs,
        "digits_eager_epochs_measured": args.eager_epochs,
        "digits_eager_accuracy": eager["test_accuracy"] if args.eager_epochs == 20 else None,
        "digits_torch_seconds": theirs["seconds"] if theirs else None,
        "digits_torch_cpu_seconds": theirs["cpu_seconds"] if theirs else None,
        "digits_torch_accuracy": theirs["test_accuracy"] if theirs else None,
        "iris_seconds": med(r["seconds"] for r in iris),
        "iris_cpu_seconds": med(r["cpu_seconds"] for r in iris),
        "iris_accuracy": iris[0]["test_accuracy"],
        "compile_seconds": med(r["seconds"] for r in compiles),
        "compile_cpu_seconds": med(r["cpu_seconds"] for r in compiles),
        "compile_nodes": _nodes(),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    scaled = "" if args.eager_epochs == 20 else f" ({args.eager_epochs} epochs measured, x{20 / args.eager_epochs:g})"
    f = figures
    rows = [
        ("digits 64-32-10, 20 epochs compiled (s)", f"{f['digits_seconds']:.2f}", f"{f['digits_cpu_seconds']:.2f}"),
        ("  test accuracy (359 held-out digits)", f"{f['digits_accuracy']:.1%}", ""),
        (f"  the same run eager (s){scaled}", f"{f['digits_eager_seconds']:.1f}",
         f"{f['digits_eager_cpu_seconds']:.1f}"),
        ("  compiled speed-up over eager", f"{f['digits_eager_seconds'] / f['digits_seconds']:.1f}x",
         f"{f['digits_eager_cpu_seconds'] / f['digits_cpu_seconds']:.1f}x"),
        ("  PyTorch batched, float64, 1 thread (s)", "-" if theirs is None else f"{theirs['seconds']:.2f}",
         "-" if theirs is None else f"{theirs['cpu_seconds']:.2f}"),
        ("  PyTorch test accuracy", "-" if theirs is None else f"{theirs['test_accuracy']:.1%}", ""),
        ("iris 4-8-3, 100 epochs compiled (s)", f"{f['iris_seconds']:.2f}", f"{f['iris_cpu_seconds']:.2f}"),
        ("  test accuracy (30 held-out flowers)", f"{f['iris_accuracy']:.1%}", ""),
        (f"compile_graph of the digits loss, {f['compile_nodes']:,} values (s)", f"{f['compile_seconds']:.3f}",
         f"{f['compile_cpu_seconds']:.3f}"),
    ]
    width = max(len(name) for name, _w, _c in rows)
    print(f"{'workload (median of ' + str(repeats) + ')':<{width}}    wall     cpu")
    print("-" * width + "  ------  ------")
    for name, wall, cpu in rows:
        print(f"{name:<{width}}  {wall:>6}  {cpu:>6}")
    print()
    checks = [
        ("digits compiled, 20 epochs (goal <= 15 s)", figures["digits_seconds"] <= GOALS["digits_seconds"],
         f"{figures['digits_seconds']:.2f}"),
        ("digits test accuracy (goal >= 95%)", figures["digits_accuracy"] >= GOALS["digits_accuracy"],
         f"{figures['digits_accuracy']:.1%}"),
        ("iris compiled (goal <= 2 s)", figures["iris_seconds"] <= GOALS["iris_seconds"],
         f"{figures['iris_seconds']:.2f}"),
        ("iris test accuracy (goal >= 95%)", figures["iris_accuracy"] >= GOALS["iris_accuracy"],
         f"{figures['iris_accuracy']:.1%}"),
        ("compile_graph of the digits loss (goal < 0.2 s)", figures["compile_seconds"] < GOALS["compile_seconds"],
         f"{figures['compile_seconds']:.3f}"),
    ]
    for name, ok, value in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    print("(the goals are read on the wall time; cpu is the process's own time, which a busy machine "
          "inflates less)")
    print(f"(load average {load:.1f} on {os.cpu_count()} cores while measuring)" if load is not None else "")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"figures": figures, "runs": {"compiled": compiled, "eager": eager,
                                     "torch": theirs, "iris": iris, "compile": compiles},
                                     "machine": {"python": platform.python_version(), "system": platform.platform(),
                                                 "cores": os.cpu_count(), "load_average": load}}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
