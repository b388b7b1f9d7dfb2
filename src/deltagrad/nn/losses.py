"""Loss functions on Values."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from deltagrad.autograd import Value

Scalar = Value | float


def _pairs(pred: object, target: object, name: str) -> list[tuple[Scalar, Scalar]]:
    """Pair predictions with targets; one of each, or two sequences of equal length."""
    preds = pred if isinstance(pred, Sequence) else [pred]
    targets = target if isinstance(target, Sequence) else [target]
    if isinstance(pred, (str, bytes)) or isinstance(target, (str, bytes)):
        raise TypeError(f"{name}() expects numbers or Values, got a string")
    if len(preds) != len(targets):
        raise ValueError(f"{name}() got {len(preds)} predictions but {len(targets)} targets")
    if len(preds) == 0:
        raise ValueError(f"{name}() got no predictions")
    for what, items in (("prediction", preds), ("target", targets)):
        for i, v in enumerate(items):
            if not isinstance(v, (Value, numbers.Real)):
                raise TypeError(f"{name}() {what} {i} must be a Value or a number, got {type(v).__name__}")
    return list(zip(preds, targets))


def _value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def half_squared_error(pred: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar]) -> Value:
    """L = 1/2 (pred - target)^2, summed over outputs; dL/dpred = pred - target. Labelled ``L``."""
    terms = [0.5 * (_value(p) - t) ** 2 for p, t in _pairs(pred, target, "half_squared_error")]
    loss = terms[0] if len(terms) == 1 else Value.sum(terms)
    loss.label = "L"
    return loss


def mse_loss(preds: Scalar | Sequence[Scalar], targets: Scalar | Sequence[Scalar]) -> Value:
    """Mean squared error: (1/n) sum (pred - target)^2."""
    pairs = _pairs(preds, targets, "mse_loss")
    loss = Value.sum([(_value(p) - t) ** 2 for p, t in pairs]) * (1.0 / len(pairs))
    loss.label = "L"
    return loss


def binary_cross_entropy(pred: Scalar | Sequence[Scalar], target: Scalar | Sequence[Scalar]) -> Value:
    """-(t ln p + (1 - t) ln(1 - p)), averaged over pairs; predictions and targets in [0, 1].

    When ``pred`` is a sigmoid output the loss is computed from its logit z, as
    ``softplus(z) - t z`` (the same value, and dL/dz = p - t), which stays finite for
    saturated sigmoids where ln p would be -inf (z = 1e308, t = 0 gives 1e308). A target of
    exactly 0 or 1 keeps only its own term, so p = t gives loss 0 and a finite gradient.
    """
    losses = []
    for i, (p, t) in enumerate(_pairs(pred, target, "binary_cross_entropy")):
        t_value = t.data if isinstance(t, Value) else float(t)
        if not 0.0 <= t_value <= 1.0:
            raise ValueError(f"binary_cross_entropy() targets must be in [0, 1], got {t_value!r} at {i}")
        p = _value(p)
        if p.op == "sigmoid":
            z = p.inputs[0]
            losses.append(z.softplus() - t * z)  # -(t ln p + (1 - t) ln(1 - p)) = softplus(z) - t z
            continue
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy() predictions must be probabilities in [0, 1], got {p.data!r} at {i}; "
                "for a score, pass sigmoid(score)"
            )
        if isinstance(t, Value):  # a traced target: both terms, the graph cannot depend on it
            losses.append(-(t * p.log() + (1.0 - t) * (1.0 - p).log()))
        elif t_value == 1.0:
            losses.append(-p.log())  # (1 - t) ln(1 - p) is 0 times ln 0 here: left out
        elif t_value == 0.0:
            losses.append(-(1.0 - p).log())
        else:
            losses.append(-(t_value * p.log() + (1.0 - t_value) * (1.0 - p).log()))
    loss = losses[0] if len(losses) == 1 else Value.sum(losses) * (1.0 / len(losses))
    loss.label = "L"
    return loss


def hinge_loss(score: Value, target: Value | float) -> Value:
    """max(0, 1 - y s) for a label y in {-1, +1} and a score s (a linear output)."""
    return (1.0 - target * score).relu()


LossFn = Callable[[Any, Any], Value]

# The losses `nn.fit` and ``deltagrad train --loss`` know by name.
LOSSES: dict[str, LossFn] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
}
