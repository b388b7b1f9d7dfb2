"""nn.optim: SGD (with momentum) and Adam against hand-computed updates."""

from __future__ import annotations

import math

import pytest

from deltagrad import nn
from deltagrad.autograd import Value


def test_sgd_step_is_p_minus_lr_grad() -> None:
    p = Value(0.6)
    p.grad = -0.045
    opt = nn.SGD([p], lr=0.1)
    opt.step()
    assert p.data == 0.6 - 0.1 * -0.045
    opt.zero_grad()
    assert p.grad == 0.0


def test_sgd_momentum() -> None:
    p = Value(1.0)
    opt = nn.SGD([p], lr=0.5, momentum=0.9)
    p.grad = 1.0
    opt.step()  # v = 1
    p.grad = 1.0
    opt.step()  # v = 0.9 + 1 = 1.9
    assert p.data == pytest.approx(1.0 - 0.5 - 0.5 * 1.9, abs=1e-15)


def test_adam_first_steps() -> None:
    p = Value(1.0)
    opt = nn.Adam([p], lr=0.1)
    p.grad = 2.0
    opt.step()
    # bias-corrected m = 2, v = 4: the first step is lr * 2 / (2 + eps)
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8), abs=1e-15)
    p.grad = -1.0
    opt.step()
    m = (0.9 * 0.2 + 0.1 * -1.0) / (1 - 0.9**2)
    v = (0.999 * 0.004 + 0.001 * 1.0) / (1 - 0.999**2)
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8) - 0.1 * m / (math.sqrt(v) + 1e-8))


@pytest.mark.parametrize("lr", [0.0, -0.1, math.nan])
def test_non_positive_lr_is_rejected(lr: float) -> None:
    with pytest.raises(ValueError, match="lr must be in"):
        nn.SGD([Value(1.0)], lr=lr)
    with pytest.raises(ValueError, match="lr must be in"):
        nn.Adam([Value(1.0)], lr=lr)


def test_bad_optimizer_arguments() -> None:
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        nn.SGD([Value(1.0)], lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameter 1 must be a Value, got float"):
        nn.SGD([Value(1.0), 2.0], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty parameter list"):
        nn.Adam([], lr=0.1)
    with pytest.raises(ValueError, match="momentum must be in"):
        nn.SGD([Value(1.0)], lr=0.1, momentum=1.5)
    with pytest.raises(ValueError, match="betas must be a pair"):
        nn.Adam([Value(1.0)], betas=(0.9,))  # type: ignore[arg-type]


def test_xor_trains_to_full_accuracy_for_most_seeds() -> None:
    # The classic 2-2-1 sigmoid network, plain full-batch gradient descent on 1/2 (y_hat - y)^2.
    X, labels = nn.datasets.xor()
    solved = 0
    for seed in range(10):
        model = nn.MLP(2, [2, 1], activation="sigmoid", rng=seed)
        history = nn.fit(model, X, [float(y) for y in labels], loss="half_squared_error",
                         optimizer=nn.SGD(model.parameters(), lr=3.0), epochs=2000, compiled=True,
                         progress=False)
        outputs = [model(x).data for x in X]  # type: ignore[union-attr]
        correct = sum((out > 0.5) == (y == 1) for out, y in zip(outputs, labels))
        assert history.accuracy[-1] == correct / 4
        solved += correct == 4
    assert solved >= 8, f"only {solved} of 10 seeds solved XOR"


@pytest.mark.parametrize("optimizer", [nn.SGD, nn.Adam])
def test_optimizers_refuse_duplicate_parameters(optimizer: type[nn.Optimizer]) -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match="twice"):
        optimizer([p, p], lr=0.1)
