"""nn.compiled: a model's per-example loss compiled once, replayed on every example."""

from __future__ import annotations

import math

import pytest

from deltagrad import nn
from deltagrad.autograd import Value
from tests.conftest import X, Y, worked_model


def hinge(score, y):
    return (1.0 - y * score).relu()


def test_compile_loss_matches_eager_on_the_worked_example() -> None:
    model = worked_model()
    compiled = nn.compile_loss(model, nn.half_squared_error)
    value = compiled(X, Y)
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    loss = nn.half_squared_error(model(X), Y)
    loss.backward()
    assert value == loss.data and grads == [p.grad for p in model.parameters()]
    assert "# W1[0][0]" in compiled.source


def test_accumulate_over_a_data_set_matches_eager_mean() -> None:
    X_, labels = nn.datasets.moons(20, noise=0.1, rng=1)
    Y_ = nn.datasets.signed(labels)
    model = nn.MLP(2, [8, 8, 1], activation="relu", output_activation="linear", rng=2)
    compiled = nn.compile_loss(model, hinge)
    total = compiled.accumulate(X_, Y_, scale=1.0 / len(X_))
    fast = [p.grad for p in model.parameters()]
    model.zero_grad()

    loss = Value.sum([hinge(model(x), y) for x, y in zip(X_, Y_)]) * (1.0 / len(X_))
    loss.backward()
    assert total == pytest.approx(loss.data, rel=1e-12)
    for a, b in zip(fast, [p.grad for p in model.parameters()]):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-15)


def test_several_outputs() -> None:
    model = nn.MLP(2, [3, 2], activation="tanh", rng=0)
    compiled = nn.compile_loss(model, nn.mse_loss)
    value = compiled([0.3, -0.1], [1.0, 0.0])
    assert value == nn.mse_loss(model([0.3, -0.1]), [1.0, 0.0]).data


def test_errors() -> None:
    model = nn.MLP(2, [1], rng=0)
    compiled = nn.compile_loss(model, nn.half_squared_error)
    with pytest.raises(ValueError, match=r"x needs one value per model input \(2\), got 1"):
        compiled([1.0], 0.0)
    with pytest.raises(ValueError, match=r"y needs one value per model output \(1\), got 2"):
        compiled([1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="2 inputs but 1 targets"):
        compiled.accumulate([[1.0, 2.0], [0.0, 0.0]], [1.0])
    with pytest.raises(TypeError, match="expects an nn.MLP"):
        nn.compile_loss("model", hinge)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must return a Value, got float"):
        nn.compile_loss(model, lambda s, y: 1.0)


def test_wide_layer_compiles_for_training() -> None:
    model = nn.MLP(2, [3000, 1], activation="relu", output_activation="linear", rng=0)
    compiled = nn.compile_loss(model, nn.hinge_loss)
    assert math.isfinite(compiled([0.5, -0.5], 1.0))
