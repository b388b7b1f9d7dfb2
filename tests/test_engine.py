"""The Value engine: every op against central differences, graph shapes, IEEE edge cases."""

from __future__ import annotations

import gc
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import Value, grad, gradcheck, logsumexp, topological_sort
from tests.conftest import B1, B2, EXPECTED, W1, W2, X, Y, close

finite = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
positive = st.floats(min_value=0.1, max_value=5.0)
away_from_zero = finite.filter(lambda v: abs(v) > 0.1)


def central_difference(f, x: float, eps: float = 1e-6) -> float:
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def grad_of(f, *xs: float) -> list[float]:
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def assert_matches_fd(f, *xs: float, tol: float = 1e-4) -> None:
    analytical = grad_of(f, *xs)
    for i in range(len(xs)):
        def partial(t: float, i: int = i) -> float:
            args = [Value(x) for x in xs]
            args[i] = Value(t)
            return f(*args).data
        numerical = central_difference(partial, xs[i])
        assert analytical[i] == pytest.approx(numerical, rel=tol, abs=tol), (i, xs)


# -- every op and operator against a central difference ---------------------------------
@settings(max_examples=60)
@given(finite, finite)
def test_add_sub_mul_match_finite_differences(a: float, b: float) -> None:
    assert_matches_fd(lambda x, y: x + y, a, b)
    assert_matches_fd(lambda x, y: x - y, a, b)
    assert_matches_fd(lambda x, y: x * y, a, b)
    assert_matches_fd(lambda x: -x, a)
    assert_matches_fd(lambda x: 3.0 + x, a)
    assert_matches_fd(lambda x: 3.0 - x, a)
    assert_matches_fd(lambda x: x - 3.0, a)
    assert_matches_fd(lambda x: 2.5 * x, a)


@settings(max_examples=60)
@given(finite, away_from_zero)
def test_division_matches_finite_differences(a: float, b: float) -> None:
    assert_matches_fd(lambda x, y: x / y, a, b)
    assert_matches_fd(lambda y: 2.0 / y, b)
    assert_matches_fd(lambda x: x / 4.0, a)


@settings(max_examples=60)
@given(positive, st.floats(min_value=-3.0, max_value=3.0))
def test_pow_matches_finite_differences(a: float, b: float) -> None:
    assert_matches_fd(lambda x: x**3, a)
    assert_matches_fd(lambda x: x**-1.5, a)
    assert_matches_fd(lambda x, y: x**y, a, b)  # d/db = a^b ln a
    assert_matches_fd(lambda y: 2.0**y, b)


@settings(max_examples=60)
@given(st.floats(min_value=-20.0, max_value=20.0))
def test_unary_ops_match_finite_differences(a: float) -> None:
    assert_matches_fd(lambda x: x.exp(), a / 4)
    assert_matches_fd(lambda x: x.sigmoid(), a)
    assert_matches_fd(lambda x: x.tanh(), a / 4)
    if abs(a) > 1e-3:  # relu has a kink at 0
        assert_matches_fd(lambda x: x.relu(), a)


@settings(max_examples=60)
@given(positive)
def test_log_matches_finite_differences(a: float) -> None:
    assert_matches_fd(lambda x: x.log(), a)


@settings(max_examples=40)
@given(finite, positive, finite)
def test_composite_expression_passes_gradcheck(a: float, b: float, c: float) -> None:
    def f(x: Value, y: Value, z: Value) -> Value:
        return (x * y + z.tanh()).sigmoid() * (y.log() - x / (1.0 + y)) + (z * 0.5).exp() ** 2

    assert gradcheck(f, [a, b, c])


def test_local_derivatives_are_exact_formulas() -> None:
    a, b = Value(3.0), Value(-2.0)
    assert (a * b).local_grads == (-2.0, 3.0)
    assert (a + b).local_grads == (1.0, 1.0)
    s = a.sigmoid()
    assert s.local_grads == (s.data * (1.0 - s.data),)
    t = b.tanh()
    assert t.local_grads == (1.0 - t.data * t.data,)
    p = a**b
    assert p.local_grads == (-2.0 * 3.0**-3.0, 3.0**-2.0 * math.log(3.0))


# -- algebraic identities -------------------------------------------------------------------
@given(st.floats(min_value=-30.0, max_value=30.0))
def test_sigmoid_symmetry_and_tanh_odd(x: float) -> None:
    assert Value(-x).sigmoid().data == pytest.approx(1.0 - Value(x).sigmoid().data, abs=1e-15)
    assert Value(-x).tanh().data == -Value(x).tanh().data


@given(finite, finite)
def test_subtraction_is_exact(a: float, b: float) -> None:
    assert (Value(a) - Value(b)).data == a - b
    assert (Value(a) - b).data == a - b
    assert (a - Value(b)).data == a - b


# -- structure ------------------------------------------------------------------------------
def test_leaf_attributes() -> None:
    v = Value(2, label="w")
    assert v.data == 2.0 and isinstance(v.data, float)
    assert v.grad == 0.0 and v.label == "w" and v.op == "" and v.inputs == ()
    v.label = "w2"
    assert v.label == "w2"


def test_inputs_keep_operand_order_and_repeats() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a + a).inputs == (a, a)
    assert (b * a).inputs == (b, a)
    assert (a**b).inputs == (a, b)
    assert (a + a).op == "+" and (a * b).op == "*" and a.exp().op == "exp"


def test_numbers_are_folded_into_the_node_as_constants() -> None:
    a = Value(3.0)
    c = a * 2
    assert c.inputs == (a,) and c.const == 2.0 and c.data == 6.0
    assert (2 * a).const == 2.0 and (a + 1).const == 1.0


def test_accepts_numeric_types() -> None:
    np = pytest.importorskip("numpy")
    assert Value(np.float32(0.5)).data == 0.5
    assert Value(np.int64(3)).data == 3.0
    assert Value(Fraction(1, 4)).data == 0.25
    assert (Value(1.0) + np.float64(2.0)).data == 3.0


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1j, Value(1.0)])
def test_constructor_rejects_non_numbers(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["x", None, [1], 1j])
def test_operators_reject_non_numbers(bad: object) -> None:
    v = Value(1.0)
    for op in (lambda: v + bad, lambda: bad + v, lambda: v * bad, lambda: bad * v,
               lambda: v - bad, lambda: bad - v, lambda: v / bad, lambda: bad / v,
               lambda: v**bad, lambda: bad**v):
        with pytest.raises(TypeError):
            op()


def test_repr_shows_label_data_and_grad() -> None:
    v = Value(1.5, label="w")
    v.grad = 0.25
    assert repr(v) == "Value(label='w', data=1.5, grad=0.25)"
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"


# -- graph shapes that broke other engines ----------------------------------------------------
def test_diamond() -> None:
    a = Value(3.0)
    b, c = a * 2.0, a * 5.0
    d = b * c  # d = 10 a^2, dd/da = 20 a
    d.backward()
    assert a.grad == 60.0 and b.grad == 15.0 and c.grad == 6.0


def test_reused_operand() -> None:
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    b = Value(3.0)
    (b + b).backward()
    assert b.grad == 2.0


def test_reused_interior_node() -> None:
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_backward_twice_exactly_doubles_every_gradient() -> None:
    a, b = Value(0.7), Value(-1.3)
    h = (a * b).tanh()
    out = h * h + a.sigmoid() * b
    out.backward()
    first = [n.grad for n in topological_sort(out)]
    out.backward()
    second = [n.grad for n in topological_sort(out)]
    assert second == [2 * g for g in first]
    assert out.grad == 2.0


def test_a_long_chain_has_no_recursion_limit() -> None:
    # 200 times Python's default recursion limit (the benchmark runs 1e6: docs/performance.md)
    x = Value(1.0)
    y = x
    for _ in range(200_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0 and y.data == 200_001.0
    order = topological_sort(y)
    assert len(order) == 200_001 and order[0] is x and order[-1] is y


def test_topological_sort_visits_each_node_once_after_its_inputs() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c + b
    order = topological_sort(e)
    assert len(order) == len({id(n) for n in order}) == 6  # a, b, c, d, d*c, e
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[id(child)] < position[id(node)]
    assert order[-1] is e


def test_topological_sort_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="expects a Value, got float"):
        topological_sort(1.0)  # type: ignore[arg-type]


# -- IEEE edge cases ------------------------------------------------------------------------
def test_ieee_results_instead_of_exceptions() -> None:
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).exp().data == math.inf
    assert Value(0.0).log().data == -math.inf
    assert math.isnan(Value(-1.0).log().data)
    assert (Value(1.0) / 0).data == math.inf
    assert (Value(-1.0) / 0.0).data == -math.inf
    assert math.isnan((Value(0.0) / 0).data)
    assert (Value(2.0) / Value(0.0)).data == math.inf
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (Value(0.0) ** -1).data == math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert math.isnan(Value(math.nan).relu().data)


def test_sigmoid_gradient_is_stable_when_saturated() -> None:
    v = Value(-1000.0)
    v.sigmoid().backward()
    assert v.grad == 0.0


def test_pow_with_value_exponent_gives_nan_gradient_for_non_positive_base() -> None:
    a, b = Value(-2.0), Value(2.0)
    (a**b).backward()
    assert a.grad == -4.0 and math.isnan(b.grad)


# -- the worked example with bare Values ---------------------------------------------------------
def test_worked_example_with_bare_values() -> None:
    x = [Value(v) for v in X]
    w1 = [[Value(w) for w in row] for row in W1]
    b1 = [Value(b) for b in B1]
    w2 = [[Value(w) for w in row] for row in W2]
    b2 = [Value(b) for b in B2]
    z1 = [w1[i][0] * x[0] + w1[i][1] * x[1] + b1[i] for i in range(2)]
    a1 = [z.sigmoid() for z in z1]
    z2 = w2[0][0] * a1[0] + w2[0][1] * a1[1] + b2[0]
    a2 = z2.sigmoid()
    loss = 0.5 * (a2 - Y) ** 2
    loss.backward()

    for i in range(2):
        assert close(z1[i].data, EXPECTED["z1"][i])
        assert close(a1[i].data, EXPECTED["a1"][i])
    assert close(z2.data, EXPECTED["z2"]) and close(a2.data, EXPECTED["a2"])
    assert close(loss.data, EXPECTED["L"])
    assert close(z2.grad, EXPECTED["delta2"])
    for i in range(2):
        assert close(z1[i].grad, EXPECTED["delta1"][i])
        assert close(b1[i].grad, EXPECTED["delta1"][i])
        assert close(w2[0][i].grad, EXPECTED["delta2"] * EXPECTED["a1"][i])
        for j in range(2):
            assert close(w1[i][j].grad, EXPECTED["delta1"][i] * X[j])
            assert close(w1[i][j].data - 0.1 * w1[i][j].grad, EXPECTED["W1_after"][i][j])
    assert close(b2[0].data - 0.1 * b2[0].grad, EXPECTED["b2_after"][0])


def _reference_order(root: Value) -> list[Value]:
    """The textbook iterative depth-first postorder, with sets: the order backward() must keep."""
    order: list[Value] = []
    visited: set[int] = set()
    done: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in visited:
            if id(node) not in done:
                done.add(id(node))
                order.append(node)
            continue
        visited.add(id(node))
        stack.append(node)
        for child in reversed(node.inputs):
            if id(child) not in visited:
                stack.append(child)
    return order


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1000), st.integers(0, 1000)), min_size=1, max_size=40))
def test_sort_is_the_textbook_postorder_before_and_after_backward(plan: list[tuple[int, int, int]]) -> None:
    nodes = [Value(0.5), Value(-1.5)]
    for kind, i, j in plan:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        made = [a * b, a + 2.0, Value.sum([a, b, a]), a.tanh(), a + b][kind]
        nodes.append(made)
    root = Value.sum(nodes[-3:]) if len(nodes) > 3 else nodes[-1]
    assert topological_sort(root) == _reference_order(root)
    root.backward()  # leaves its numbers in the nodes' scratch slots
    assert topological_sort(root) == _reference_order(root)


def test_backward_restores_the_callers_gc_state() -> None:
    import gc

    a = Value(2.0)
    out = (a * a).tanh()
    assert gc.isenabled()
    out.backward()
    assert gc.isenabled()  # paused during the pass, on again after
    gc.disable()
    try:
        out.backward()
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()
    bad = Value(1.0)
    bad._a = "not a Value"  # a broken graph: the pass raises, and the GC is still restored
    with pytest.raises(AttributeError):
        bad.backward()
    assert gc.isenabled()


# -- round 3: true division, powers of zero, the seed, logsumexp, GC from threads ----------
DIVISIONS = [(0.0, 1e-310), (1e-300, 1e-310), (-0.0, 5e-324), (1.0, 1e-310), (5e-324, 2.0), (1e308, 1e-10),
             (3.0, -0.0), (0.0, 0.0), (-2.0, 0.0), (1e-310, 1e-310), (7.0, 3.0), (-1e-320, 3e-320)]


@pytest.mark.parametrize("a, b", DIVISIONS)
def test_division_is_a_true_division_in_every_operand_form(a: float, b: float) -> None:
    def ieee(u: float, v: float) -> float:
        try:
            return u / v
        except ZeroDivisionError:
            return math.nan if u == 0 or u != u else math.copysign(math.inf, u) * math.copysign(1.0, v)

    for out in (Value(a) / Value(b), Value(a) / b, a / Value(b)):
        assert same(out.data, ieee(a, b)), (a, b, out.data)
    x, y = Value(a), Value(b)
    dx, dy = grad(x / y, [x, y])
    assert same(dx, ieee(1.0, b)) and same(dy, -ieee(ieee(a, b), b))  # 1/b and -(a/b)/b, as PyTorch


def same(u: float, v: float) -> bool:
    return (math.isnan(u) and math.isnan(v)) or (u == v and math.copysign(1, u) == math.copysign(1, v))


@pytest.mark.parametrize("base", [0.0, -0.0])
@pytest.mark.parametrize("exponent", [-1.0, -2.0, -0.5, -3.0])
def test_the_exponent_gradient_of_zero_to_a_negative_power_is_minus_inf_times_the_result(
        base: float, exponent: float) -> None:
    result = Value(base) ** exponent  # inf, or -inf for -0.0 to an odd power
    expected = result.data * -math.inf  # result * ln 0, as PyTorch
    for form in ("value ** value", "number ** value"):
        b = Value(exponent)
        out = Value(base) ** b if form == "value ** value" else base ** b
        out.backward()
        assert same(out.data, result.data) and same(b.grad, expected), (form, base, exponent, b.grad)
    b = Value(exponent)
    assert same(grad(base ** b, [b])[0], expected)
    assert same(grad(base ** b, [b], create_graph=True)[0].data, expected)


def test_backward_takes_the_seed_as_pytorch() -> None:
    for seed in (2.0, -0.5, 0.0, 3, Fraction(1, 4)):
        x = Value(1.5)
        y = x * x + x.tanh()
        y.backward(seed)
        z = Value(1.5)
        (z * z + z.tanh()).backward()
        assert y.grad == float(seed)
        assert x.grad == pytest.approx(float(seed) * z.grad, rel=1e-15)
        if float(seed) in (2.0, -0.5, 0.25):  # a power of two scales every product exactly
            assert x.grad == float(seed) * z.grad
    with pytest.raises(TypeError, match="gradient must be a real number"):
        Value(1.0).backward("1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"backward\(\) gradient is too large for a float \(401 digits"):
        Value(1.0).backward(10**400)


def test_logsumexp_is_stable_and_its_derivative_is_the_softmax() -> None:
    for xs in ([1.0, 2.0, 3.0], [1000.0, 1000.0], [-1000.0, -1001.0, -999.5], [0.0], [710.0, -710.0, 3.0]):
        leaves = [Value(x) for x in xs]
        out = logsumexp(leaves)
        m = max(xs)
        expected = m + math.log(sum(math.exp(x - m) for x in xs))
        assert out.data == pytest.approx(expected, rel=1e-15)
        out.backward()
        soft = [math.exp(x - out.data) for x in xs]
        assert [v.grad for v in leaves] == pytest.approx(soft, rel=1e-14)
        assert sum(v.grad for v in leaves) == pytest.approx(1.0, rel=1e-14)
    assert logsumexp([Value(-math.inf), Value(-math.inf)]).data == -math.inf
    assert logsumexp([Value(math.inf), Value(1.0)]).data == math.inf
    assert math.isnan(logsumexp([Value(1.0), Value(math.nan)]).data)
    assert Value.logsumexp([Value(0.0), 0.0]).data == math.log(2.0)  # a number is a constant leaf
    with pytest.raises(ValueError, match="at least one"):
        logsumexp([])
    with pytest.raises(TypeError, match="list of Values"):
        logsumexp(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a real number"):
        logsumexp([Value(1.0), "2"])  # type: ignore[list-item]


@pytest.mark.parametrize("number", [10**400, -(10**309), Fraction(10**400, 3), Fraction(-(10**500), 7)])
def test_a_number_too_large_for_a_float_is_a_value_error_naming_its_size(number: object) -> None:
    from deltagrad.autograd import as_float, compile_graph

    with pytest.raises(ValueError, match="too large for a float") as err:
        as_float(number)
    assert "digits" in str(err.value) or "10^" in str(err.value)
    with pytest.raises(ValueError, match=r"Value\(\) data is too large for a float"):
        Value(number)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="too large for a float"):
        Value(1.0) * number  # type: ignore[operator]
    x = Value(1.0)
    g = compile_graph(x * 2.0, [x])
    with pytest.raises(ValueError, match=r"values\[0\] is too large for a float"):
        g([number])
    with pytest.raises(ValueError, match=r"rows\[1\]\[0\] is too large for a float"):
        g.accumulate([[1.0], [number]])
    with pytest.raises(ValueError, match=r"accumulate\(\) scale is too large for a float"):
        g.accumulate([[1.0]], scale=number)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scale must be a real number"):
        g.accumulate([[1.0]], scale="1")  # type: ignore[arg-type]


def test_the_gc_stays_enabled_after_backward_from_eight_threads() -> None:
    import threading

    assert gc.isenabled()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(2000):  # 2 x 8 threads x 2,000 overlapping passes
                x = Value(0.5)
                (x * x + 1.0).tanh().backward()
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    for _ in range(2):
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert gc.isenabled()  # the last pass to end restored what the first one saw
    assert errors == [] and gc.isenabled()
    gc.disable()
    try:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not gc.isenabled()  # the caller's choice, seen by the first pass, is kept
    finally:
        gc.enable()


# -- booleans and huge ints ------------------------------------------------------------------
def test_booleans_are_refused_everywhere() -> None:
    with pytest.raises(TypeError, match="got bool"):
        Value(True)
    for op in (lambda: Value(1.0) + True, lambda: True * Value(1.0), lambda: Value(1.0) ** False,
               lambda: Value.sum([Value(1.0), True])):
        with pytest.raises(TypeError):
            op()
    with pytest.raises(TypeError):
        gradcheck(lambda a: a, [True])
    with pytest.raises(TypeError):
        nn.MLP(2, [1], rng=0)([True, 0.5])


def test_huge_ints_say_they_overflow() -> None:
    # the one rule for numbers (autograd.arguments.real): what it was, and its size
    with pytest.raises(ValueError, match=r"Value\(\) data is too large for a float \(401 digits"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"too large for a float \(401 digits"):
        Value(1.0) + 10**400
