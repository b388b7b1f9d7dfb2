"""One measurement of one engine on one workload, in this process; prints one JSON line.

Run by `benchmarks.run` in a fresh process per measurement:
``python -m benchmarks.workloads ENGINE WORKLOAD``. Engines: ``deltagrad``, ``micrograd``,
``torch`` (0-dim tensors), ``floats`` (plain Python floats, no graph); ``compiled``
(deltagrad's compiled graphs) where the workload has it.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from deltagrad import nn
from deltagrad.autograd import Value
from deltagrad.nn import datasets

SIZES = [16, 16, 1]
N_POINTS = 100
LR = 0.1
SEED = 0
CHAIN_FACTOR, CHAIN_SHIFT = 1.0001, 0.5  # y = y * 1.0001 + 0.5: two ops per step
TIMED_STEPS = 3


# -- the shared problem: same data, same weights for every engine ---------------------------
def problem() -> tuple[list[list[float]], list[float], nn.MLP]:
    """The moons data with labels in {-1, +1}, and deltagrad's relu MLP with a linear output."""
    X, labels = datasets.moons(N_POINTS, noise=0.1, rng=SEED)
    model = nn.MLP(2, SIZES, activation="relu", output_activation="linear", rng=SEED)
    return X, datasets.signed(labels), model


def deltagrad_step_fn() -> tuple[Callable[[], float], nn.MLP]:
    X, Y, model = problem()
    opt = nn.SGD(model.parameters(), lr=LR)

    def step() -> float:
        scores = [model(x) for x in X]
        # mean hinge loss: (1/n) sum max(0, 1 - y s)
        loss = Value.sum([(1.0 - y * s).relu() for y, s in zip(Y, scores)]) * (1.0 / len(X))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data

    return step, model


def micrograd_model() -> Any:
    """micrograd's MLP with deltagrad's weights copied in."""
    from micrograd import nn as mnn

    _, _, model = problem()
    mg = mnn.MLP(2, list(SIZES))  # relu hidden layers, linear output, as deltagrad's here
    for layer, mlayer in zip(model.layers, mg.layers):
        for neuron, mneuron in zip(layer.neurons, mlayer.neurons):
            for w, mw in zip(neuron.w, mneuron.w):
                mw.data = w.data
            mneuron.b.data = neuron.b.data
    return mg


def micrograd_step_fn() -> tuple[Callable[[], float], Any]:
    X, Y, _ = problem()
    model = micrograd_model()

    def step() -> float:
        scores = list(map(model, X))
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores)]
        loss = sum(losses) * (1.0 / len(losses))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return float(loss.data)

    return step, model


def torch_step_fn() -> tuple[Callable[[], float], Any]:
    import torch

    X, Y, model = problem()
    params = [[[torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in row] for row in layer]
              for layer in model.weights()]
    biases = [[torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in layer]
              for layer in model.biases()]
    flat = [w for layer in params for row in layer for w in row] + [b for layer in biases for b in layer]

    def forward(x: list[float]) -> Any:
        acts: list[Any] = [torch.tensor(v, dtype=torch.float64) for v in x]
        for k, (rows, bs) in enumerate(zip(params, biases)):
            zs = [sum((w * a for w, a in zip(row, acts)), b) for row, b in zip(rows, bs)]
            acts = zs if k == len(params) - 1 else [torch.relu(z) for z in zs]
        return acts[0]

    def step() -> float:
        loss = sum(torch.relu(1 - y * forward(x)) for x, y in zip(X, Y)) * (1.0 / len(X))
        for p in flat:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in flat:
                p -= LR * p.grad
        return float(loss.item())

    return step, flat


def floats_forward_fn() -> Callable[[], float]:
    """The same forward pass and loss in plain floats: the cost of the arithmetic alone."""
    X, Y, model = problem()
    weights, biases = model.weights(), model.biases()
    last = len(weights) - 1

    def forward() -> float:
        total = 0.0
        for x, y in zip(X, Y):
            acts = x
            for k, (rows, bs) in enumerate(zip(weights, biases)):
                zs = []
                for row, b in zip(rows, bs):
                    z = 0.0
                    for w, a in zip(row, acts):
                        z += w * a
                    zs.append(z + b)
                acts = zs if k == last else [z if z > 0.0 else 0.0 for z in zs]
            margin = 1.0 - y * acts[0]
            total += margin if margin > 0.0 else 0.0
        return total / len(X)

    return forward


# -- measurements ---------------------------------------------------------------------------
def _time_steps(step: Callable[[], float]) -> dict[str, Any]:
    step()  # warm-up: first-call costs are not what a training loop pays
    times = []
    for _ in range(TIMED_STEPS):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return {"ms": statistics.median(times) * 1e3}


def mlp_step(engine: str) -> dict[str, Any]:
    """One SGD step on the MLP: forward over 100 points, mean hinge loss, backward, update."""
    if engine == "deltagrad":
        return _time_steps(deltagrad_step_fn()[0])
    if engine == "micrograd":
        return _time_steps(micrograd_step_fn()[0])
    if engine == "torch":
        return _time_steps(torch_step_fn()[0])
    if engine == "floats":
        return _time_steps(floats_forward_fn())
    if engine == "compiled":
        return _time_steps(compiled_step_fn())
    raise ValueError(f"no mlp_step for engine {engine!r}")


def compiled_step_fn() -> Callable[[], float]:
    """The deltagrad step with the per-example loss compiled once and replayed."""
    X, Y, model = problem()
    opt = nn.SGD(model.parameters(), lr=LR)
    compiled = nn.compile_loss(model, lambda pred, y: (1.0 - y * pred).relu())
    scale = 1.0 / len(X)

    def step() -> float:
        opt.zero_grad()
        total = compiled.accumulate(X, Y, scale=scale)
        opt.step()
        return total

    return step


def value_class(engine: str) -> Any:
    if engine == "deltagrad":
        return Value
    if engine == "micrograd":
        from micrograd.engine import Value as MicrogradValue

        sys.setrecursionlimit(10_000_000)  # its backward recurses once per node
        return MicrogradValue
    if engine == "torch":
        import torch

        def tensor(x: float) -> Any:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        return tensor
    raise ValueError(f"no chain for engine {engine!r}")


def build_chain(cls: Any, n_ops: int) -> tuple[Any, Any]:
    x = cls(1.0)
    y = x
    for _ in range(n_ops // 2):
        y = y * CHAIN_FACTOR + CHAIN_SHIFT
    return x, y


def chain(engine: str, n_ops: int) -> dict[str, Any]:
    """Forward and backward of the chain y = y * 1.0001 + 0.5, per operation."""
    cls = value_class(engine)
    t0 = time.perf_counter()
    x, y = build_chain(cls, n_ops)
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    return {"ns_per_op": (t2 - t0) / n_ops * 1e9, "forward_ns_per_op": (t1 - t0) / n_ops * 1e9,
            "backward_ns_per_op": (t2 - t1) / n_ops * 1e9}


def chain_memory(engine: str, n_ops: int) -> dict[str, Any]:
    """Bytes allocated per operation by the forward pass of the chain (tracemalloc)."""
    cls = value_class(engine)
    tracemalloc.start()
    x, y = build_chain(cls, n_ops)
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"bytes_per_op": current / n_ops}


def deepest_chain(engine: str) -> dict[str, Any]:
    """The longest chain whose backward() works with Python's default recursion limit."""
    if engine == "micrograd":
        from micrograd.engine import Value as cls  # the default recursion limit, not raised
    else:
        cls = value_class(engine)

    def survives(n_ops: int) -> bool:
        x = cls(1.0)
        y = x
        for _ in range(n_ops):
            y = y + 1.0  # one op per step, so the depth is n_ops
        try:
            y.backward()
        except RecursionError:
            return False
        return True

    limit = 1_000_000
    if survives(limit):
        return {"ops": limit, "at_least": True}
    lo, hi = 1, limit  # survives(lo), not survives(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if survives(mid) else (lo, mid)
    return {"ops": lo, "at_least": False}


def compile_time(n_ops: int) -> dict[str, Any]:
    """Seconds to compile the chain graph of ``n_ops`` operations (n_ops + 1 nodes)."""
    from deltagrad.autograd import compile_graph

    x, y = build_chain(Value, n_ops)
    t0 = time.perf_counter()
    compiled = compile_graph(y, [x])
    seconds = time.perf_counter() - t0
    if compiled([1.0]) != y.data:
        raise AssertionError("compiled chain does not replay the eager value")
    return {"seconds": seconds, "us_per_node": seconds / (n_ops + 1) * 1e6}


def grad_vs_backward(n_ops: int) -> dict[str, Any]:
    """autograd.grad(create_graph=False) beside backward() on the same chain, per op."""
    from deltagrad.autograd import grad

    x, y = build_chain(Value, n_ops)
    times: dict[str, list[float]] = {"backward": [], "grad": []}
    for r in range(6):
        for name in (("backward", "grad") if r % 2 == 0 else ("grad", "backward")):
            t0 = time.perf_counter()
            if name == "backward":
                y.backward()
            else:
                grad(y, [x])
            times[name].append(time.perf_counter() - t0)
    b, g = statistics.median(times["backward"]), statistics.median(times["grad"])
    return {"backward_ns_per_op": b / n_ops * 1e9, "grad_ns_per_op": g / n_ops * 1e9, "ratio": g / b}


def hvp_cost() -> dict[str, Any]:
    """One Hessian-vector product of the MLP 2 -> 16 -> 16 -> 1 at one example, by double
    backprop, against one forward + backward of the same loss."""
    from deltagrad.autograd import hvp

    X, Y, model = problem()
    params = model.parameters()
    point = [p.data for p in params]
    names = [n for n, _ in model.named_parameters()]
    x, y = X[0], Y[0]

    def loss_of(values: list[Value]) -> Value:
        lookup = dict(zip(names, values))  # the model's parameters, as the given Values
        prev: list[Value | float] = list(x)
        for layer in model.layers:
            outs = []
            for neuron in layer.neurons:
                z = Value.sum([lookup[w.label] * a for w, a in zip(neuron.w, prev)] + [lookup[neuron.b.label]])
                outs.append(z.relu() if layer.activation == "relu" else z)
            prev = outs
        return (1.0 - y * prev[0]).relu()  # type: ignore[operator]

    vector = [1.0] * len(point)
    fb, hv = [], []
    for _ in range(7):
        leaves = [Value(v) for v in point]
        t0 = time.perf_counter()
        loss_of(leaves).backward()
        fb.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hvp(loss_of, point, vector)
        hv.append(time.perf_counter() - t0)
    f, h = statistics.median(fb), statistics.median(hv)
    return {"forward_backward_ms": f * 1e3, "hvp_ms": h * 1e3, "ratio": h / f}


def run(engine: str, workload: str) -> dict[str, Any]:
    """Dispatch one measurement."""
    if workload.startswith("grad_vs_backward_"):
        return grad_vs_backward(int(float(workload.rsplit("_", 1)[1])))
    if workload == "hvp":
        return hvp_cost()
    if workload.startswith("compile_"):
        return compile_time(int(float(workload.rsplit("_", 1)[1])))
    if workload == "mlp_step":
        return mlp_step(engine)
    if workload.startswith("chain_memory_"):
        return chain_memory(engine, int(float(workload.rsplit("_", 1)[1])))
    if workload.startswith("chain_"):
        return chain(engine, int(float(workload.rsplit("_", 1)[1])))
    if workload == "deepest_chain":
        return deepest_chain(engine)
    raise ValueError(f"unknown workload {workload!r}")


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2])))
