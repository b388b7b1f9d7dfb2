"""nn.losses: values, derivatives, stability, errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import Value


def test_half_squared_error_value_and_derivative() -> None:
    p = Value(0.75)
    loss = nn.half_squared_error(p, 1.0)
    assert loss.label == "L" and loss.data == 0.5 * 0.25**2
    loss.backward()
    assert p.grad == 0.75 - 1.0  # the textbook's choice: dL/dpred = pred - target


def test_half_squared_error_sums_over_outputs() -> None:
    ps = [Value(0.5), Value(2.0)]
    loss = nn.half_squared_error(ps, [1.0, 1.0])
    assert loss.data == 0.5 * 0.25 + 0.5 * 1.0
    loss.backward()
    assert [p.grad for p in ps] == [-0.5, 1.0]


def test_mse_loss() -> None:
    ps = [Value(1.0), Value(3.0)]
    loss = nn.mse_loss(ps, [0.0, 1.0])
    assert loss.data == (1.0 + 4.0) / 2
    loss.backward()
    assert [p.grad for p in ps] == [1.0, 2.0]  # 2 (p - t) / n


@given(st.floats(min_value=-30, max_value=30), st.sampled_from([0.0, 1.0, 0.3]))
def test_bce_from_sigmoid_matches_formula_and_gradient(z: float, t: float) -> None:
    zv = Value(z)
    p = zv.sigmoid()
    loss = nn.binary_cross_entropy(p, t)
    s = 1 / (1 + math.exp(-z))
    if abs(z) <= 10:  # the naive formula loses digits in 1 - s beyond that
        expected = -(t * math.log(s) + (1 - t) * math.log(1 - s))
        assert loss.data == pytest.approx(expected, rel=1e-9, abs=1e-12)
    loss.backward()
    assert zv.grad == pytest.approx(s - t, abs=1e-12)  # dL/dz = p - t


def test_bce_is_finite_for_saturated_sigmoids() -> None:
    z = Value(-800.0)
    loss = nn.binary_cross_entropy(z.sigmoid(), 1.0)
    assert loss.data == 800.0
    loss.backward()
    assert z.grad == -1.0


def test_bce_on_plain_probabilities_and_mean() -> None:
    loss = nn.binary_cross_entropy([Value(0.8), Value(0.4)], [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-15)


def test_loss_errors() -> None:
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        nn.mse_loss([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="1 predictions but 2 targets"):
        nn.half_squared_error(Value(1.0), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\], got 2.0"):
        nn.binary_cross_entropy(Value(0.5), 2.0)
    with pytest.raises(TypeError, match="target 0 must be a Value or a number, got str"):
        nn.mse_loss([Value(1.0)], ["1"])


def test_bce_gradient_at_zero_logit_and_compiled_replay() -> None:
    z = Value(0.0)
    nn.binary_cross_entropy(z.sigmoid(), 1.0).backward()
    assert z.grad == -0.5  # sigmoid(0) - 1
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", rng=0)
    compiled = nn.compile_loss(model, nn.binary_cross_entropy)
    for x, t in (([3.0, -2.0], 1.0), ([-4.0, 5.0], 0.0), ([0.1, 0.2], 1.0)):
        model.zero_grad()
        value = compiled(x, t)
        fast = [p.grad for p in model.parameters()]
        model.zero_grad()
        loss = nn.binary_cross_entropy(model(x), t)
        loss.backward()
        assert value == loss.data and fast == [p.grad for p in model.parameters()]


# -- binary cross-entropy ------------------------------------------------------------------
def test_bce_at_certain_predictions_is_zero_with_a_finite_gradient() -> None:
    for p, t in ((1.0, 1.0), (0.0, 0.0)):
        v = Value(p)
        loss = nn.binary_cross_entropy(v, t)
        loss.backward()
        assert loss.data == 0.0 and math.isfinite(v.grad)


def test_bce_refuses_predictions_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="predictions must be probabilities in \\[0, 1\\], got 1.5"):
        nn.binary_cross_entropy(Value(1.5), 1.0)


def test_bce_from_a_huge_logit() -> None:
    z = Value(1e308)
    loss = nn.binary_cross_entropy(z.sigmoid(), 0.0)
    loss.backward()
    assert loss.data == 1e308 and z.grad == 1.0
