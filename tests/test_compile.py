"""autograd.compile: replay equals eager backward, for every op; contract and safety."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import CompiledGraph, Value, compile_graph, grad, topological_sort
from tests.conftest import EXPECTED, X, Y, close, worked_model


def worked() -> tuple[nn.MLP, list[Value], Value, Value]:
    model = worked_model()
    xs = [Value(v, f"x[{j}]") for j, v in enumerate(X)]
    y = Value(Y, "y")
    return model, xs, y, nn.half_squared_error(model(xs), y)


def test_worked_example_replays_exactly() -> None:
    model, xs, y, loss = worked()
    g = compile_graph(loss, xs + [y], model.parameters())
    assert isinstance(g, CompiledGraph)
    assert g([*X, Y]) == loss.data and close(loss.data, EXPECTED["L"])
    compiled = [p.grad for p in model.parameters()]
    model.zero_grad()
    loss.backward()
    assert compiled == [p.grad for p in model.parameters()]  # identical, not just close
    assert g.grad_inputs == (xs[0].grad, xs[1].grad, y.grad)


def test_new_inputs_and_updated_params_are_seen() -> None:
    model, xs, y, loss = worked()
    g = compile_graph(loss, xs + [y], model.parameters())
    nn.SGD(model.parameters(), lr=0.5).step()  # grads are 0: nothing moves
    params = model.parameters()
    params[0].data = 0.7  # as an optimizer would
    value = g([0.1, 0.9, 0.0])
    model.zero_grad()
    fresh = nn.half_squared_error(model([0.1, 0.9]), 0.0)
    fresh.backward()
    expected = [p.grad for p in params]
    model.zero_grad()
    assert g([0.1, 0.9, 0.0]) == value == fresh.data
    assert [p.grad for p in params] == expected


def test_gradients_accumulate_across_calls_like_backward() -> None:
    model, xs, y, loss = worked()
    g = compile_graph(loss, xs + [y], model.parameters())
    g([*X, Y])
    once = [p.grad for p in model.parameters()]
    g([*X, Y])
    assert [p.grad for p in model.parameters()] == [2 * v for v in once]


def test_relu_derivative_is_chosen_at_replay_time() -> None:
    x = Value(-1.0, "x")
    g = compile_graph((x * 3.0).relu(), [x])
    assert g([-1.0]) == 0.0 and g.grad_inputs == (0.0,)
    assert g([2.0]) == 6.0 and g.grad_inputs == (3.0,)


def test_pow_with_a_value_exponent() -> None:
    a, b = Value(2.0, "a"), Value(3.0, "b")
    out = a**b
    g = compile_graph(out, [a, b])
    assert g([1.5, 2.5]) == 1.5**2.5
    assert g.grad_inputs == pytest.approx((2.5 * 1.5**1.5, 1.5**2.5 * math.log(1.5)), rel=1e-15)
    g([-2.0, 2.0])
    assert g.grad_inputs[0] == -4.0 and math.isnan(g.grad_inputs[1])


def test_other_leaves_are_frozen_constants() -> None:
    x, c = Value(1.0, "x"), Value(10.0, "c")
    g = compile_graph(x * c + c.exp(), [x])
    c.data = 0.0  # not an input or param: the compiled graph keeps 10.0
    assert g([2.0]) == 20.0 + math.exp(10.0)
    assert g.grad_inputs == (10.0,)
    assert "10.0" in g.source


OPS = ["add", "sub", "mul", "div", "pow_const", "pow_value", "exp", "log", "sigmoid", "tanh", "relu",
       "neg", "rsub", "rdiv", "sum", "reuse"]


def apply(op: str, a: Value, b: Value) -> Value:
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / (b * b + 1.0)
    if op == "pow_const":
        return a**2 + a**3.0
    if op == "pow_value":
        return (a * a + 0.5) ** (b.tanh())
    if op == "exp":
        return (a * 0.3).exp()
    if op == "log":
        return (a * a + 0.1).log()
    if op == "sigmoid":
        return a.sigmoid()
    if op == "tanh":
        return b.tanh()
    if op == "relu":
        return (a - b).relu()
    if op == "neg":
        return -a
    if op == "rsub":
        return 2.0 - a
    if op == "rdiv":
        return 1.0 / (a * a + 1.0)
    if op == "sum":
        return Value.sum([a, b, a, 0.25])
    return a * a + a  # reuse


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 3))
    steps = draw(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 100), st.integers(0, 100)),
                          min_size=1, max_size=12))
    values = [draw(st.floats(-2.0, 2.0)) for _ in range(n_inputs)]
    new_values = [draw(st.floats(-2.0, 2.0)) for _ in range(n_inputs)]
    return n_inputs, steps, values, new_values


def run_program(n_inputs: int, steps, values: list[float]) -> tuple[list[Value], Value]:
    leaves = [Value(v, f"in{k}") for k, v in enumerate(values)]
    nodes = list(leaves)
    for op, i, j in steps:
        nodes.append(apply(op, nodes[i % len(nodes)], nodes[j % len(nodes)]))
    return leaves, nodes[-1]


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@settings(max_examples=200, deadline=None)
@given(programs())
def test_generated_graphs_replay_like_eager(program) -> None:
    n_inputs, steps, values, new_values = program
    leaves, root = run_program(n_inputs, steps, values)
    in_graph = {id(n) for n in topological_sort(root)}
    used = [k for k, leaf in enumerate(leaves) if id(leaf) in in_graph]  # inputs must be in it
    g = compile_graph(root, [leaves[k] for k in used])
    fresh_leaves, fresh_root = run_program(n_inputs, steps, new_values)
    fresh_root.backward()
    out = g([new_values[k] for k in used])
    assert same(out, fresh_root.data)
    for got, leaf in zip(g.grad_inputs, [fresh_leaves[k] for k in used]):
        assert same(got, leaf.grad) or got == pytest.approx(leaf.grad, rel=1e-12), (got, leaf.grad)


def test_accumulate_sums_scaled_gradients() -> None:
    model, xs, y, loss = worked()
    g = compile_graph(loss, xs + [y], model.parameters())
    rows = [[0.5, -0.2, 1.0], [0.1, 0.3, 0.0], [-1.0, 2.0, 1.0]]
    model.zero_grad()
    total = g.accumulate(rows, scale=0.5)
    batch = [p.grad for p in model.parameters()]
    model.zero_grad()
    expected_total = 0.0
    for r in rows:
        expected_total += g(r)
    assert total == pytest.approx(0.5 * expected_total, rel=1e-15)
    for got, single in zip(batch, [p.grad for p in model.parameters()]):
        assert got == pytest.approx(0.5 * single, rel=1e-12, abs=1e-300)


def test_bad_arguments() -> None:
    model, xs, y, loss = worked()
    g = compile_graph(loss, xs + [y], model.parameters())
    before = [p.grad for p in model.parameters()]
    with pytest.raises(ValueError, match=r"needs one value per input \(3\), got 2"):
        g([1.0, 2.0])
    with pytest.raises(TypeError, match=r"values\[1\] must be a real number, got str"):
        g([1.0, "2", 3.0])
    with pytest.raises(TypeError, match="must be a sequence of 3 numbers, got float"):
        g(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"rows\[1\] needs one value per input \(3\)"):
        g.accumulate([[1.0, 2.0, 3.0], [1.0]])
    assert [p.grad for p in model.parameters()] == before  # nothing half-changed
    with pytest.raises(ValueError, match="must be a leaf Value, got the result of"):
        compile_graph(loss, [loss.inputs[0]])
    with pytest.raises(ValueError, match="is not in the graph under root"):
        compile_graph(loss, [Value(1.0)])
    with pytest.raises(ValueError, match="given twice"):
        compile_graph(loss, [xs[0], xs[0]])
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a Value, got float"):
        compile_graph(loss, [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="root must be a Value"):
        compile_graph(1.0, [])  # type: ignore[arg-type]


def test_source_is_readable_with_labels_as_comments() -> None:
    model, xs, y, loss = worked()
    source = compile_graph(loss, xs + [y], model.parameters()).source
    assert "def forward_backward(_x, _P):" in source
    assert "# z1[0]" in source and "# W1[0][0]" in source
    forward, backward = source.split("# backward")
    assert "_sigmoid(" in forward and "(1.0 - v" in backward


def test_a_crafted_label_cannot_inject_code() -> None:
    x = Value(2.0, "x\nimport os; os._exit(3)  # ")
    y = x * 3.0
    y.label = "y\r\n_P = None\n\u2028raise SystemExit"
    g = compile_graph(y, [x])
    assert g([4.0]) == 12.0 and g.grad_inputs == (3.0,)
    assert "\nimport os" not in g.source and "\n_P = None" not in g.source
    for line in g.source.splitlines():
        code = line.split("#", 1)[0]
        assert "os" not in code.split() and "SystemExit" not in code


def test_non_finite_constants_are_literals_by_name() -> None:
    x = Value(1.0, "x")
    g = compile_graph(x * math.inf + Value(math.nan), [x])
    assert math.isnan(g([1.0]))
    assert "_INF" in g.source and "_NAN" in g.source


def test_values_may_be_any_iterable_of_numbers() -> None:
    np = pytest.importorskip("numpy")
    a, b = Value(1.0, "a"), Value(2.0, "b")
    g = compile_graph(a * b, [a, b])
    assert g((3, 4)) == 12.0 and g(np.array([0.5, 4.0])) == 2.0 and g(iter([1.0, 1.0])) == 1.0
    assert all(type(v) is float for v in g.grad_inputs)


# -- saturation: eager and compiled agree bit for bit where sigmoid, tanh and exp saturate ---
SATURATING = st.sampled_from([30.0, -30.0, 25.0, -25.0, 36.8, -36.8, 710.0, -745.0, 0.0, -0.0, 1.0, 1e-310])


def saturating_program(leaves: list[Value], steps: list[tuple[int, int, int]]) -> Value:
    nodes = list(leaves)
    target = leaves[-1]  # a traced target, as nn.compile_loss traces one
    for kind, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if 5 <= kind % 14 <= 8:
            a = leaves[i % (len(leaves) - 1)]  # a probability from an input: never nan
        made = saturating_step(kind % 14, a, b, target)
        nodes.append(made)
    return Value.sum(nodes[len(leaves):])


def saturating_step(kind: int, a: Value, b: Value, target: Value) -> Value:
    """Op ``kind`` of the saturation tests: the saturating ops, the BCE forms, and a few others."""
    from deltagrad import nn

    unary = [Value.sigmoid, Value.tanh, Value.exp, Value.softplus]
    if kind < 4:
        return unary[kind](a)
    half = (a.tanh() + 1.0) / 2.0  # a probability by tanh, as in the report: p = (tanh(z) + 1) / 2
    if kind == 4:
        return half
    if kind in (5, 8):
        return nn.binary_cross_entropy(a.sigmoid(), 1.0 if kind == 5 else target)
    if kind in (6, 7):
        return nn.binary_cross_entropy(half, 1.0 if kind == 6 else 0.0)
    if kind == 9:
        return a * b
    if kind == 10:
        return a + b
    if kind == 11:
        return a / b
    if kind == 12:
        return (a - b).relu()
    return logsumexp_of(a, b)


def logsumexp_of(a: Value, b: Value) -> Value:
    from deltagrad.autograd import logsumexp

    return logsumexp([a, b, a * 2.0])


@settings(max_examples=150, deadline=None)
@given(st.lists(SATURATING, min_size=3, max_size=3), st.lists(SATURATING, min_size=3, max_size=3),
       st.lists(st.tuples(st.integers(0, 13), st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=8),
       st.sampled_from([0.0, 1.0]))
def test_saturated_graphs_replay_bit_identically(first, second, steps, target) -> None:  # type: ignore[no-untyped-def]
    leaves = [Value(v, f"z{k}") for k, v in enumerate(first)] + [Value(target, "y")]
    g = compile_graph(saturating_program(leaves, steps), leaves, allow_unused=True)
    fresh = [Value(v) for v in second] + [Value(target)]
    root = saturating_program(fresh, steps)
    floats = grad(root, fresh)
    value = g([*second, target])
    assert bits(value) == bits(root.data)
    assert [bits(v) for v in g.grad_inputs] == [bits(v) for v in floats]


def bits(x: float) -> object:
    return "nan" if math.isnan(x) else (x, math.copysign(1.0, x))


# -- long sums compile without RecursionError, bit-identical ------------------------------
@pytest.mark.parametrize("n", [3_000, 30_000])  # 3 and 30 times the recursion limit
def test_long_sums_compile_and_replay_bit_identical(n: int) -> None:
    xs = [Value(0.1 * (k % 7) - 0.3, label=f"x{k}") for k in range(n)]
    root = Value.sum([x * 1.0001 for x in xs]) + 0.5
    root.backward()
    params = xs[3:3000]  # live terms; the rest are constants, folded into literals
    g = compile_graph(root, xs[:3], params)
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    assert g([x.data for x in xs[:3]]) == root.data
    assert g.grad_inputs == (1.0001, 1.0001, 1.0001)
    assert [p.grad for p in params] == grads
    chained = xs[0]
    for x in xs[1:]:
        chained = chained + x  # the same sum as one chain of + nodes
    assert Value.sum(xs).data == chained.data


# -- compiled values and optimizer parameters ---------------------------------------------
def test_compiled_graphs_refuse_unordered_collections() -> None:
    a, b = Value(1.0), Value(2.0)
    root = a * b
    for bad in ({a, b}, {a: 1, b: 2}):
        with pytest.raises(TypeError, match="order is arbitrary"):
            compile_graph(root, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("z", [25.0, 30.0, -25.0, -30.0, 19.0, 0.3, 400.0])
@pytest.mark.parametrize("t", [1.0, 0.0, 0.25])
def test_bce_of_a_saturated_tanh_probability_trains_the_same_compiled_as_eager(z: float, t: float) -> None:
    """The report: p = (tanh(z) + 1) / 2 at z = 25, y = 1 gave -0.0 eager and nan compiled.
    The cause: the compiled loss is traced with y as a Value, and BCE wrote the Value target's
    loss as t ln p + (1 - t) ln(1 - p), whose 0 * ln 0 is nan, while a number target left
    the zero term out. Now both are one graph, with log_times (exactly 0 for a 0 weight)."""
    from deltagrad import nn

    model = nn.MLP.from_weights([[[1.0]]], [[0.0]], output_activation="tanh")
    compiled = nn.compile_loss(model, lambda out, y: nn.binary_cross_entropy((out + 1.0) / 2.0, y))
    model.zero_grad()
    eager = nn.binary_cross_entropy((model([z]) + 1.0) / 2.0, t)
    eager.backward()
    want = [eager.data] + [p.grad for p in model.parameters()]
    model.zero_grad()
    got = [compiled([z], t)] + [p.grad for p in model.parameters()]
    assert [bits(v) for v in got] == [bits(v) for v in want]
    if (t == 1.0 and z > 18) or (t == 0.0 and z < -18):  # p saturates to t: loss 0, gradient 0
        assert all(math.isfinite(v) for v in got) and got[0] == 0.0
