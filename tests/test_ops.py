"""The op table: every entry is checked the same way, so a new op is tested by being added.

For each op: its rule is a real method, eager gradients against central differences,
second and mixed partials (create_graph) against central differences of the first,
compiled replay bit-identical to eager, PyTorch's values and gradients, the picture draws
it, and its derivative text is there.
"""

from __future__ import annotations

import inspect
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import viz
from deltagrad.autograd import Value, compile_graph, grad, gradcheck
from deltagrad.autograd.ops import OPS, UNARY, Op, float_function, register
from deltagrad.autograd.trace import rule
from tests.conftest import require_torch

# Points where each op is smooth: a base > 0 for powers and logs, away from kinks.
DOMAINS = {
    "log": st.floats(min_value=0.05, max_value=20.0),
    "**": st.floats(min_value=0.1, max_value=3.0),
    "relu": st.floats(min_value=-5.0, max_value=5.0).filter(lambda v: abs(v) > 1e-3),
    "abs": st.floats(min_value=-5.0, max_value=5.0).filter(lambda v: abs(v) > 1e-3),
    "sqrt": st.floats(min_value=0.05, max_value=20.0),
    "log_times": st.floats(min_value=0.05, max_value=20.0),
    "exp": st.floats(min_value=-10.0, max_value=10.0),
}
DEFAULT = st.floats(min_value=-8.0, max_value=8.0)
SECOND = {"/": st.floats(min_value=0.2, max_value=3.0) | st.floats(min_value=-3.0, max_value=-0.2)}
SECOND_DEFAULT = st.floats(min_value=-2.0, max_value=2.0)
N_ARY = 4  # operands of an n-ary op in these tests


def apply(op: Op, x: Value, y: Value | float | None = None) -> Value:
    """``op`` applied through its rule in the engine (an n-ary op to ``x`` and three more)."""
    if op.arity == 0:
        return op.apply(x, x * 0.5, x.tanh(), Value(-0.3) if y is None else y)  # type: ignore[no-any-return]
    return op.apply(x) if op.arity == 1 else op.apply(x, y)  # type: ignore[no-any-return]


def same(u: float, v: float) -> bool:
    """Equal to the bit (nan equals nan)."""
    return (math.isnan(u) and math.isnan(v)) or (u == v and math.copysign(1, u) == math.copysign(1, v))


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_is_a_method_with_its_derivative_beside_its_value(name: str) -> None:
    op = OPS[name]
    assert op.text.strip() and op.symbol and op.local_text and op.torch
    code = rule(op)
    source = inspect.getsource(code)
    assert f"def {op.method_name}(" in source and "out = " in source and "d_x" in source
    assert f'_node(out, "{name}", ' in source
    assert code.__doc__ and code.__doc__.strip()
    if op.arity:
        assert getattr(Value, op.method_name) is code
        assert code.__qualname__ == f"Value.{op.method_name}"


def test_tanh_reads_as_micrograd() -> None:
    source = inspect.getsource(Value.tanh)
    assert "out = _tanh(x)" in source and "d_x = 1.0 - out * out" in source


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_op_matches_central_differences(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    x = data.draw(DOMAINS.get(name, DEFAULT))
    if op.arity == 1:
        assert gradcheck(lambda a: apply(op, a), [x], rtol=1e-4, atol=1e-6)
        return
    if op.arity == 0:
        others = [data.draw(DEFAULT) for _ in range(N_ARY - 1)]
        assert gradcheck(lambda *vs: op.apply(*vs), [x, *others], rtol=1e-4, atol=1e-6)
        return
    y = data.draw(SECOND.get(name, SECOND_DEFAULT))
    assert gradcheck(lambda a, b: apply(op, a, b), [x, y], rtol=1e-4, atol=1e-6)  # two Values
    assert gradcheck(lambda a: apply(op, a, y), [x], rtol=1e-4, atol=1e-6)  # a folded number


def leaves_of(op: Op, x: float, y: float) -> list[Value]:
    return [Value(x), Value(y)] if op.arity == 2 else [Value(x)] if op.arity == 1 else [
        Value(x), Value(y), Value(0.25), Value(-1.5)]


def build(op: Op, leaves: list[Value]) -> Value:
    return op.apply(*leaves)  # type: ignore[no-any-return]


def first_derivatives(op: Op, point: list[float]) -> list[float]:
    leaves = [Value(v) for v in point]
    return grad(build(op, leaves), leaves)


# Points for the second derivatives, with y = 0, x = 0 and x = 1 among them; a point where
# the central difference is not finite (outside the op's domain) is not one to compare at.
POINTS = [(2.0, 0.0), (0.0, 1.5), (1.0, 0.5), (1.0, 0.0), (0.5, -1.25), (-1.5, 2.0), (0.0, 2.0), (1.7, 3.0)]


@pytest.mark.parametrize("name", list(OPS))
def test_every_ops_second_and_mixed_partials_match_central_differences(name: str) -> None:
    op = OPS[name]
    eps = 1e-6
    compared = 0
    for x, y in POINTS:
        point = [v.data for v in leaves_of(op, x, y)]
        leaves = [Value(v) for v in point]
        first = grad(build(op, leaves), leaves, create_graph=True)
        centre = first_derivatives(op, point)
        assert all(same(f.data, g) for f, g in zip(first, centre)), (name, point)  # the float pass, bit for bit
        for j in range(len(point)):
            plus, minus = list(point), list(point)
            plus[j] += eps
            minus[j] -= eps
            g_plus, g_minus = first_derivatives(op, plus), first_derivatives(op, minus)
            for i, g in enumerate(first):
                numerical = (g_plus[i] - g_minus[i]) / (2 * eps)
                jump = abs(g_plus[i] - g_minus[i]) > 1e-2 * max(1.0, abs(centre[i]))
                if jump or not math.isfinite(numerical * centre[i]):
                    continue  # outside the domain, a singularity, or a jump of the derivative (a kink)
                analytical = grad(g, leaves)[j]
                assert analytical == pytest.approx(numerical, rel=1e-4, abs=1e-5), (name, point, i, j)
                compared += 1
    assert compared >= 3, (name, compared)


def test_mixed_partials_of_a_power_at_exponent_zero() -> None:
    from deltagrad.autograd import hessian

    for x in (2.0, 0.5, 3.0, 1.0):
        h = hessian(lambda v: v[0] ** v[1], [x, 0.0])
        assert h[0][1] == pytest.approx(1.0 / x, rel=1e-15) and h[1][0] == pytest.approx(1.0 / x, rel=1e-15)
        y = 0.0
        assert h[0][0] == pytest.approx(y * (y - 1.0) * x ** (y - 2.0), abs=1e-15)
        assert h[1][1] == pytest.approx(math.log(x) ** 2, rel=1e-12, abs=1e-300)
    for y in (2.0, 0.5, -1.0):  # x^(y-1)(1 + y ln x) off zero too
        x = 1.7
        h = hessian(lambda v: v[0] ** v[1], [x, y])
        expected = x ** (y - 1) * (1 + y * math.log(x))
        assert h[0][1] == pytest.approx(expected, rel=1e-12) and h[1][0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_op_compiles_bit_identical_to_eager(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    x = data.draw(st.floats(min_value=-50.0, max_value=50.0, allow_nan=False) | st.sampled_from(
        [0.0, -0.0, 30.0, -30.0, 1e-310, -1e-310, 710.0, -710.0, 1.0]))
    y = data.draw(SECOND_DEFAULT | st.sampled_from([0.0, -0.0, -1.0, 1e-310, 30.0, -30.0]))
    a, b = Value(x), Value(y)
    if op.arity == 0:
        outs = [op.apply(a, b, a * 2.0, Value(3.0))]
    else:
        outs = [apply(op, a)] if op.arity == 1 else [apply(op, a, b), apply(op, a, y)]
    for out in outs:
        root = out * 1.5 + out  # two paths into the op: its gradient is accumulated
        root.backward()
        leaves = [a, b] if b in root_leaves(root) else [a]
        compiled = compile_graph(root, leaves)
        value = compiled([v.data for v in leaves])
        assert same(value, root.data)
        for leaf, g in zip(leaves, compiled.grad_inputs):
            assert same(0.0 + g, leaf.grad), (name, x, y)  # .grad accumulates onto 0.0
        values = grad(root, leaves, create_graph=True)
        floats = grad(root, leaves)
        assert all(same(v.data, f) for v, f in zip(values, floats)), (name, x, y)
        a.grad = b.grad = 0.0


def root_leaves(root: Value) -> list[Value]:
    from deltagrad.autograd import topological_sort

    return [n for n in topological_sort(root) if not n.op]


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_is_drawn(name: str) -> None:
    op = OPS[name]
    a = Value(0.7, "a")
    out = apply(op, a) if op.arity != 2 else apply(op, a, Value(1.3, "b"))
    out.backward()
    source = viz.draw_dot(out).source
    assert op.text.split(",")[0] in source.replace("\\\\", "\\")  # the tooltip
    circles = viz.draw_dot(out, op_nodes=True).source
    assert f'op [label="{op.symbol}"' in circles or f"op [label={op.symbol} " in circles


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_matches_pytorch(name: str) -> None:
    torch = require_torch()
    from deltagrad.autograd import check_with_torch

    op = OPS[name]
    for x, y in [(0.7, 1.3), (1.9, -0.6), (0.2, 2.5)]:
        a, b = Value(x, "a"), Value(y, "b")
        out = apply(op, a) if op.arity == 1 else apply(op, a, b) if op.arity == 2 else op.apply(a, b, a * 2.0)
        rows = check_with_torch(out)
        assert rows and all(r.abs_diff <= 1e-12 * max(1.0, abs(r.torch)) for r in rows), (name, rows)
        if op.arity == 2:
            rows = check_with_torch(apply(op, Value(x, "a"), y))
            assert all(r.abs_diff <= 1e-12 * max(1.0, abs(r.torch)) for r in rows), (name, rows)
    assert torch.__version__


def test_float_functions_are_the_table_formulas() -> None:
    for name in UNARY:
        op = OPS[name]
        for x in (-3.0, -0.5, 0.0, 0.25, 4.0):
            assert same(float_function(name)(x), apply(op, Value(x)).data)
            assert all(map(same, op.local_grads(x), apply(op, Value(x)).local_grads))
    with pytest.raises(ValueError, match="no unary op 'nope'"):
        float_function("nope")


def test_register_refuses_a_second_entry_of_the_same_name() -> None:
    with pytest.raises(ValueError, match="already in the table"):
        register(OPS["exp"])


# -- softplus: the op added through the table alone -------------------------------------
@given(st.floats(min_value=-30.0, max_value=30.0))
def test_softplus_value_and_gradient(x: float) -> None:
    v = Value(x)
    out = v.softplus()
    out.backward()
    assert out.data == pytest.approx(math.log1p(math.exp(x)), rel=1e-14, abs=1e-300)
    assert v.grad == Value(x).sigmoid().data  # d softplus = sigmoid, to the bit


def test_softplus_is_stable_for_large_inputs() -> None:
    assert Value(1e308).softplus().data == 1e308
    assert Value(-1e308).softplus().data == 0.0
    assert Value(800.0).softplus().data == 800.0
    assert math.isnan(Value(math.nan).softplus().data)
    big = Value(1000.0)
    big.softplus().backward()
    assert big.grad == 1.0


# -- the four ops added by the recipe, at their edges -----------------------------------
def test_sqrt_abs_sin_cos_values_and_edges() -> None:
    for x in (0.0, 0.25, 2.0, 1e-310, 1e308):
        assert Value(x).sqrt().data == math.sqrt(x)
    assert math.isnan(Value(-1.0).sqrt().data) and same(Value(-0.0).sqrt().data, -0.0)
    v = Value(0.0)
    v.sqrt().backward()
    assert v.grad == math.inf  # 1 / (2 sqrt 0), as PyTorch
    for x, sign in ((-2.0, -1.0), (0.0, 0.0), (-0.0, 0.0), (3.0, 1.0)):
        w = Value(x)
        out = w.abs()
        out.backward()
        assert same(out.data, abs(x)) and w.grad == sign  # 0 at 0, as torch.sign
    for x in (-7.0, 0.0, 0.5, 100.0):
        s, c = Value(x), Value(x)
        s.sin().backward()
        c.cos().backward()
        assert (s.grad, c.grad) == (math.cos(x), -math.sin(x))
    assert math.isnan(Value(math.inf).sin().data) and math.isnan(Value(-math.inf).cos().data)


# -- numerics at the edges, as PyTorch -------------------------------------------------
def test_relu_that_is_off_passes_exactly_zero_even_for_an_infinite_gradient() -> None:
    x = Value(-1.0)
    (x.relu() ** 0.5).backward()  # d sqrt(u)/du at u = 0 is inf
    assert x.grad == 0.0
    c = compile_graph(Value(-1.0).relu() ** 0.5, [])
    y = Value(-1.0)
    out = y.relu() ** 0.5
    g = compile_graph(out, [y])
    g([-1.0])
    assert g.grad_inputs == (0.0,) and c([]) == 0.0


def test_zero_to_a_positive_power_has_zero_exponent_gradient() -> None:
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert b.grad == 0.0 and a.grad == 0.0
    a, b = Value(0.0), Value(0.0)
    (a**b).backward()
    assert b.grad == 0.0
