"""autograd.grad with create_graph, hessian, hvp, derivatives: exact against floats, finite
differences, closed forms, and (in tests/test_torch.py) PyTorch."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn, viz
from deltagrad.autograd import Value, compile_graph, derivatives, grad, hessian, hvp, topological_sort
from tests.conftest import X, Y, worked_model


def random_graph(rng: random.Random, at: list[float] | None = None) -> tuple[Value, list[Value]]:
    """A graph that uses every op of the table, with fan-in, Value ** Value and log; its
    three leaves at ``at`` when given (the same graph for the same seed)."""
    values = [rng.uniform(0.3, 1.5) for _ in range(3)]
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(at or values)]
    nodes = list(leaves)
    for _ in range(12):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(10)
        made = [a * b, a + b, a * 0.7 + 0.2, (a * a + 0.5).log(), (a * 0.3).exp(), a.tanh(), a.sigmoid(),
                (a * a + 0.2) ** (b.sigmoid()), (a - 0.4).relu() + a * 0.1, a.softplus()][kind]
        nodes.append(made)
    return Value.sum(nodes[-3:]) * 0.5, leaves


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_create_graph_data_equals_the_float_gradient_bit_for_bit(seed: int) -> None:
    root, leaves = random_graph(random.Random(seed))
    floats = grad(root, leaves)
    values = grad(root, leaves, create_graph=True)
    assert [v.data for v in values] == floats
    root.backward()
    assert [leaf.grad for leaf in leaves] == [0.0 + g for g in floats]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6))
def test_second_derivatives_match_central_differences_of_the_first(seed: int) -> None:
    root, leaves = random_graph(random.Random(seed))
    point = [leaf.data for leaf in leaves]
    first = grad(root, leaves, create_graph=True)
    eps = 1e-5
    for j in range(3):
        plus, minus = list(point), list(point)
        plus[j] += eps
        minus[j] -= eps
        g_plus = grad(*random_graph(random.Random(seed), plus))
        g_minus = grad(*random_graph(random.Random(seed), minus))
        for i, g in enumerate(first):
            analytical = grad(g, leaves)[j]
            assert analytical == pytest.approx((g_plus[i] - g_minus[i]) / (2 * eps), rel=1e-4, abs=1e-6)


def test_third_derivative_of_tanh_is_the_closed_form() -> None:
    for x in (-1.3, -0.2, 0.0, 0.5, 2.0):
        t = math.tanh(x)
        f, d1, d2, d3 = derivatives(lambda v: v.tanh(), x, 3)
        assert f == t
        assert d1 == pytest.approx(1 - t * t, rel=1e-14, abs=1e-15)
        assert d2 == pytest.approx(-2 * t * (1 - t * t), rel=1e-13, abs=1e-15)
        assert d3 == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-12, abs=1e-14)


def test_hessian_of_a_quadratic_form_is_its_matrix_exactly() -> None:
    a = [[2.0, 0.5, -1.0], [0.5, 3.0, 0.25], [-1.0, 0.25, 4.0]]

    def quadratic(v: list[Value]) -> Value:  # 1/2 v^T A v
        return Value.sum([v[i] * v[j] * (0.5 * a[i][j]) for i in range(3) for j in range(3)])

    assert hessian(quadratic, [0.3, -1.2, 2.0]) == a
    assert hvp(quadratic, [0.3, -1.2, 2.0], [1.0, 0.0, 2.0]) == [0.0, 1.0, 7.0]


def test_hessian_of_the_worked_example_matches_finite_differences() -> None:
    template = worked_model()
    names = [n for n, _ in template.named_parameters()]
    start = [p.data for p in template.parameters()]

    def loss_at(params: list[Value]) -> Value:
        model = worked_model()
        for layer in model.layers:  # the parameters become the given Values
            for neuron in layer.neurons:
                neuron.w = [params[names.index(w.label)] for w in neuron.w]
                neuron.b = params[names.index(neuron.b.label)]
        return nn.half_squared_error(model(X), Y)

    h = hessian(loss_at, start)
    eps = 1e-5
    for i in range(9):
        plus, minus = list(start), list(start)
        plus[i] += eps
        minus[i] -= eps
        g_plus = grad(loss_at(leaves := [Value(v) for v in plus]), leaves)
        g_minus = grad(loss_at(leaves := [Value(v) for v in minus]), leaves)
        for j in range(9):
            assert h[i][j] == pytest.approx((g_plus[j] - g_minus[j]) / (2 * eps), abs=1e-6)
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-9, abs=1e-15)


def test_gradient_graphs_compile_draw_and_differentiate_again() -> None:
    x = Value(2.0, label="x")
    (dy,) = grad(x * x * x, [x], create_graph=True)  # 3 x^2
    assert dy.data == 12.0
    compiled = compile_graph(dy, [x])
    assert compiled([3.0]) == 27.0 and compiled.grad_inputs == (18.0,)
    assert "digraph" in viz.draw_dot(dy).source
    dy.backward()
    assert x.grad == 12.0  # d(3 x^2)/dx = 6 x
    assert len(topological_sort(dy)) > 1


def test_unused_inputs_get_zero_and_grad_leaves_dot_grad_alone() -> None:
    a, b = Value(1.5), Value(2.0)
    out = a * a
    assert grad(out, [a, b]) == [3.0, 0.0]
    g = grad(out, [b], create_graph=True)[0]
    assert isinstance(g, Value) and g.data == 0.0
    assert a.grad == 0.0 and b.grad == 0.0


def test_nan_and_inf_propagate() -> None:
    x = Value(0.0)
    (g,) = grad(x.log(), [x], create_graph=True)
    assert g.data == math.inf
    (h,) = grad(g, [x])
    assert h == -math.inf


def test_bad_input() -> None:
    a = Value(1.0)
    with pytest.raises(TypeError, match="output must be a Value, got float"):
        grad(1.0, [a])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a Value, got float"):
        grad(a * 2.0, [a, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one input"):
        grad(a * 2.0, [])
    with pytest.raises(TypeError, match="it returned float"):
        hessian(lambda v: 1.0, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="vector has 1 entries but the point has 2"):
        hvp(lambda v: v[0] * v[1], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="order must be"):
        derivatives(lambda v: v, 1.0, -1)


@pytest.mark.parametrize("build", [
    lambda x, y: x * y,
    lambda x, y: (x * y).tanh() + x.log(),
    lambda x, y: x / y + (x - y).relu(),
    lambda x, y: x ** y + y.sigmoid() * x.softplus(),
    lambda x, y: (x * x).sqrt().sin() + y.abs().cos(),
])
def test_data_changed_after_the_forward_pass_is_seen_by_neither_backward_nor_grad(build) -> None:  # type: ignore[no-untyped-def]
    x, y = Value(1.5, "x"), Value(0.75, "y")
    out = build(x, y)
    x.data, y.data = -2.0, 3.0  # after the forward pass: backward uses the forward's numbers
    floats = grad(out, [x, y])
    values = grad(out, [x, y], create_graph=True)
    assert [v.data for v in values] == floats
    out.backward()
    assert [x.grad, y.grad] == [0.0 + g for g in floats]
    fresh_x, fresh_y = Value(1.5), Value(0.75)
    assert floats == grad(build(fresh_x, fresh_y), [fresh_x, fresh_y])  # the forward pass's gradient
