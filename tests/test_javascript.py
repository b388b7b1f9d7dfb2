"""The JavaScript backend: `CompiledGraph.javascript`, `javascript_with` and the runtime.

Python writes the expected numbers (every runtime helper on 10,000+ values, and random
graphs of every op replayed by Python's compiled code) to a JSON file; ``node --test
tests/js/engine.test.js`` reads it and holds the JavaScript to it. Without node the test
skips with one line (and fails under CI=true).
"""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path

import pytest

from deltagrad.autograd import OPS, Value, compile_graph, grad, javascript_runtime, topological_sort
from deltagrad.autograd.ops import HELPERS, _pow
from tests.jsrun import run_node

N_CASES = 10_000
EXACT = {"_div", "_relu", "_step", "_sqrt", "_abs", "_sign", "_log_times_grad"}  # IEEE operations: the same bits
ULP = {"_exp", "_log", "_sin", "_cos", "_pow"}  # one Math call: within 1 ulp
# the others compose several operations, and V8's Math.tanh (fdlibm's) is off by 2 ulp at
# times: within 1e-15 relative (or 1 ulp)
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324,
           1e-310, -1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 709.78,
           710.0, -745.1, -746.0, 30.0, -30.0, 25.0, 36.7, -36.7, 1e-8, 1e16, 0.1]


def text(x: float) -> str:
    """A float as text JavaScript's Number() reads back exactly (JSON has no nan or inf)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    return repr(x)


def some_float(rng: random.Random) -> float:
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(SPECIAL)
    if kind < 0.35:
        return rng.uniform(-50.0, 50.0)
    if kind < 0.5:
        return rng.uniform(-1000.0, 1000.0)
    if kind < 0.7:
        return rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-320.0, 308.0)
    if kind < 0.85:
        return rng.uniform(-1.0, 1.0)
    return float(rng.randint(-6, 6)) + rng.choice((0.0, 0.5))


def helper_cases(name: str, rng: random.Random) -> list[list[object]]:
    """``N_CASES`` argument lists for the helper ``name`` and Python's result for each."""
    fn = HELPERS[name]
    cases: list[list[object]] = []
    arity = {"_div": 2, "_pow": 2, "_power_rule": 2, "_exponent_grad": 3, "_log_times": 2,
             "_log_times_grad": 2}.get(name, 1)
    specials = [[a] for a in SPECIAL] if arity == 1 else [[a, b] for a in SPECIAL for b in SPECIAL]
    for k in range(max(N_CASES, len(specials))):
        if name == "_logsumexp":
            args: list[object] = [[some_float(rng) if rng.random() < 0.2 else rng.uniform(-800, 800)
                                   for _ in range(rng.randint(1, 6))]]
            result = fn(*args)
            cases.append([[[text(v) for v in args[0]]], text(result)])  # type: ignore[union-attr]
            continue
        xs = specials[k] if k < len(specials) else [some_float(rng) for _ in range(min(arity, 2))]
        if name in ("_pow", "_power_rule", "_exponent_grad") and k >= len(specials) and rng.random() < 0.5:
            xs[1] = float(rng.randint(-5, 5)) + rng.choice((0.0, 0.5, 0.25))  # exponents as written
        if arity == 3:
            xs = [xs[0], xs[1], _pow(xs[0], xs[1])]  # out = base ** exponent, as the rule passes it
        cases.append([[text(v) for v in xs], text(fn(*xs))])
    return cases


def tolerance(name: str) -> object:
    if name in EXACT:
        return "exact"
    if name in ULP:
        return "ulp"
    return 1e-15


def apply(name: str, rng: random.Random, nodes: list[Value]) -> Value:
    """Op ``name`` on operands drawn from ``nodes`` (a number as a second operand at times)."""
    op = OPS[name]
    a, b, c = (rng.choice(nodes) for _ in range(3))
    if op.arity == 0:
        return op.apply(a, b, c)  # type: ignore[no-any-return]
    if op.arity == 1:
        return op.apply(a)  # type: ignore[no-any-return]
    if rng.random() < 0.4:
        return op.apply(a, rng.choice([0.5, -1.0, 2.0, 3.0, -0.25]))  # type: ignore[no-any-return]
    return op.apply(a, b)  # type: ignore[no-any-return]


def random_graph(seed: int, xs: list[float], ps: list[float]) -> tuple[Value, list[Value], list[Value], list[Value]]:
    """The same graph for the same seed: inputs and params at ``xs`` and ``ps``; every op of
    the table once, then random ones; returns root, inputs, params and a few inner nodes."""
    rng = random.Random(seed)
    inputs = [Value(v, f"x{k}") for k, v in enumerate(xs)]
    params = [Value(v, f"p{k}") for k, v in enumerate(ps)]
    nodes: list[Value] = [*inputs, *params]
    names = list(OPS)
    rng.shuffle(names)
    for name in names + [rng.choice(names) for _ in range(10)]:
        out = apply(name, rng, nodes[-6:] + nodes[:4])
        nodes.append(out)
    root = Value.sum(nodes[-4:]) * 0.5
    in_graph = {id(n) for n in topological_sort(root)}
    inner = [n for n in nodes[4:] if id(n) in in_graph][::3]
    return root, inputs, params, inner


def graph_case(seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    xs, ps = [rng.uniform(0.3, 1.5) for _ in range(2)], [rng.uniform(0.3, 1.5) for _ in range(2)]
    root, inputs, params, inner = random_graph(seed, xs, ps)
    g = compile_graph(root, inputs, params, allow_unused=True)
    rows = []
    points = [(xs, ps), ([rng.uniform(-2, 2) for _ in xs], [rng.uniform(-2, 2) for _ in ps]),
              ([30.0, -30.0], [25.0, -0.0])]
    for x, p in points:
        for v, value in zip(params, p):
            v.data, v.grad = value, 0.0
        value = g(x)
        fresh_root, _, fresh_params, fresh_inner = random_graph(seed, x, p)
        raw = grad(fresh_root, fresh_params + fresh_inner)  # the pass's own numbers: -0.0 kept
        assert [0.0 + r for r in raw[:len(params)]] == [v.grad for v in params] or any(map(math.isnan, raw))
        rows.append({"x": [text(v) for v in x], "p": [text(v) for v in p], "value": text(value),
                     "params": [text(r) for r in raw[:len(params)]], "inputs": [text(v) for v in g.grad_inputs],
                     "values": [text(n.data) for n in fresh_inner], "grads": [text(r) for r in raw[len(params):]]})
    return {"name": f"graph {seed}", "source": g.javascript, "source_with": g.javascript_with(inner),
            "ops": sorted({n.op for n in topological_sort(root) if n.op}), "rows": rows}


def test_javascript_backend_matches_python(tmp_path: Path) -> None:
    rng = random.Random(2026)
    fixture = {
        "helpers": {name.lstrip("_"): {"tolerance": tolerance(name), "cases": helper_cases(name, rng)}
                    for name in HELPERS},
        "graphs": [graph_case(seed) for seed in range(12)],
        "all_ops": sorted(OPS),
    }
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    os.environ["DELTAGRAD_JS_FIXTURE"] = str(path)
    try:
        done = run_node("--test", "tests/js/engine.test.js")
    finally:
        del os.environ["DELTAGRAD_JS_FIXTURE"]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# pass 3" in done.stdout and "# skipped 0" in done.stdout


def test_the_runtime_is_a_package_file_defining_the_global() -> None:
    source = javascript_runtime()
    assert "var deltagrad_runtime" in source and "module.exports = deltagrad_runtime" in source
    for name in HELPERS:
        assert f"function {name.lstrip('_')}(" in source


def test_javascript_is_one_function_expression_and_javascript_with_checks_its_nodes() -> None:
    a, w = Value(2.0, "a"), Value(-1.5, "w")
    z = a * w
    out = z.tanh()
    g = compile_graph(out, [a], [w])
    js = g.javascript
    body = [line for line in js.splitlines() if not line.startswith("//")]
    assert body[0] == "(function (x, p, rt) {" and body[-1] == "})"
    assert "return {value: v3, params: [g1], inputs: [g0]};" in js
    assert "values: [v2], grads: [g2]" in g.javascript_with([z])
    with pytest.raises(ValueError, match="not in the graph"):
        g.javascript_with([Value(1.0)])
    with pytest.raises(TypeError, match="must be a Value"):
        g.javascript_with([1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="list of Values"):
        g.javascript_with(z)  # type: ignore[arg-type]


def test_a_label_never_becomes_javascript() -> None:
    x = Value(1.0, "x\n}); alert(1); //</script><b>")
    y = x * 3.0
    y.label = "y\u2028}); throw 1"
    js = compile_graph(y, [x]).javascript
    for line in js.splitlines():
        code = line.split("//", 1)[0]
        assert "alert" not in code and "throw" not in code
    assert "<" not in js and "\u2028" not in js
