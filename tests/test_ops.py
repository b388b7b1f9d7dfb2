"""The op table: every entry is checked the same way, so a new op is tested by being added.

For each op: eager gradients against central differences, compiled replay bit-identical to
eager, the picture draws it, and its derivative text is there.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import viz
from deltagrad.autograd import Value, compile_graph, gradcheck
from deltagrad.autograd.ops import OPS, UNARY, Op, float_function, register

# Points where each op is smooth: a base > 0 for powers and logs, away from relu's kink.
DOMAINS = {
    "log": st.floats(min_value=0.05, max_value=20.0),
    "**": st.floats(min_value=0.1, max_value=3.0),
    "relu": st.floats(min_value=-5.0, max_value=5.0).filter(lambda v: abs(v) > 1e-3),
    "exp": st.floats(min_value=-10.0, max_value=10.0),
}
DEFAULT = st.floats(min_value=-8.0, max_value=8.0)
SECOND = st.floats(min_value=-2.0, max_value=2.0)


def apply(op: Op, x: Value, y: Value | float | None = None) -> Value:
    """``op`` applied through the Value method the engine made from its entry."""
    method = getattr(Value, op.method_name)
    return method(x) if op.arity == 1 else method(x, y)


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_has_its_method_and_derivative_text(name: str) -> None:
    op = OPS[name]
    assert op.text.strip() and op.symbol and op.formula and op.doc
    method = getattr(Value, op.method_name)
    assert op.text in method.__doc__
    assert len(op.local) == op.arity


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_op_matches_central_differences(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    x = data.draw(DOMAINS.get(name, DEFAULT))
    if op.arity == 1:
        assert gradcheck(lambda a: apply(op, a), [x], rtol=1e-4, atol=1e-6)
        return
    y = data.draw(SECOND)
    assert gradcheck(lambda a, b: apply(op, a, b), [x, y], rtol=1e-4, atol=1e-6)  # two Values
    assert gradcheck(lambda a: apply(op, a, y), [x], rtol=1e-4, atol=1e-6)  # a folded number


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_op_compiles_bit_identical_to_eager(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    x = data.draw(st.floats(min_value=-50.0, max_value=50.0, allow_nan=False))
    y = data.draw(SECOND)
    a, b = Value(x), Value(y)
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
        a.grad = b.grad = 0.0


def root_leaves(root: Value) -> list[Value]:
    from deltagrad.autograd import topological_sort

    return [n for n in topological_sort(root) if not n.op]


def same(u: float, v: float) -> bool:
    """Equal to the bit (nan equals nan)."""
    return (math.isnan(u) and math.isnan(v)) or (u == v and math.copysign(1, u) == math.copysign(1, v))


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_is_drawn(name: str) -> None:
    op = OPS[name]
    a = Value(0.7, "a")
    out = apply(op, a) if op.arity == 1 else apply(op, a, Value(1.3, "b"))
    out.backward()
    source = viz.draw_dot(out).source
    assert op.text.split(",")[0] in source.replace("\\\\", "\\")  # the tooltip
    circles = viz.draw_dot(out, op_nodes=True).source
    node = 2 if op.arity == 2 else 1
    assert f'n{node}op [label="{op.symbol}"' in circles or f"n{node}op [label={op.symbol} " in circles


def test_float_functions_are_the_table_formulas() -> None:
    for name in UNARY:
        op = OPS[name]
        for x in (-3.0, -0.5, 0.0, 0.25, 4.0):
            assert same(float_function(name)(x), apply(op, Value(x)).data)
            assert op.local_grads(x) == apply(op, Value(x)).local_grads
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
