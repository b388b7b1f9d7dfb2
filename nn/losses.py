"""Loss functions on Values."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from autograd import Value

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
    """-(t ln p + (1 - t) ln(1 - p)), averaged over pairs; targets in [0, 1].

    When ``pred`` is a sigmoid output the loss is computed from its logit z, as
    ``softplus(z) - t z`` (the same value, and dL/dz = p - t), which stays finite for
    saturated sigmoids where ln p would be -inf.
    """
    losses = []
    for p, t in _pairs(pred, target, "binary_cross_entropy"):
        if isinstance(t, Value):
            t_value = t.data
        else:
            t_value = float(t)
        if not 0.0 <= t_value <= 1.0:
            raise ValueError(f"binary_cross_entropy() targets must be in [0, 1], got {t_value!r}")
        p = _value(p)
        if p.op == "sigmoid":
            z = p.inputs[0]
            abs_z = z.relu() + (-z).relu()  # |z|
            # softplus(z) = ln(1 + e^z) = (z + |z|)/2 + ln(1 + e^-|z|): no overflow, and its
            # derivative is sigmoid(z) everywhere, z = 0 included. The graph has the same
            # shape for every z, so compile_graph can replay it.
            softplus = (z + abs_z) * 0.5 + ((-abs_z).exp() + 1.0).log()
            losses.append(softplus - t * z)  # -(t ln p + (1 - t) ln(1 - p)) = softplus(z) - t z
        else:
            losses.append(-(t * p.log() + (1.0 - t) * (1.0 - p).log()))
    loss = losses[0] if len(losses) == 1 else Value.sum(losses) * (1.0 / len(losses))
    loss.label = "L"
    return loss
