"""Loss functions on Values."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from deltagrad.autograd import Value, logsumexp
from deltagrad.autograd.arguments import is_sequence, real, sequence
from deltagrad.i18n import _

Scalar = Value | float


def _pairs(pred: object, target: object, name: str) -> list[tuple[Scalar, Scalar]]:
    """Pair predictions with targets; one of each, or two sequences of equal length."""
    if isinstance(pred, (str, bytes)) or isinstance(target, (str, bytes)):
        raise TypeError(f"{name}() expects numbers or Values, got a string")
    preds = list(pred) if is_sequence(pred) else [pred]  # type: ignore[call-overload]
    targets = list(target) if is_sequence(target) else [target]  # type: ignore[call-overload]
    if len(preds) != len(targets):
        raise ValueError(f"{name}() got {len(preds)} predictions but {len(targets)} targets")
    if len(preds) == 0:
        raise ValueError(f"{name}() got no predictions")
    for what, items in (("prediction", preds), ("target", targets)):
        for i, v in enumerate(items):
            if isinstance(v, bool) or not isinstance(v, (Value, numbers.Real)):
                raise TypeError(f"{name}() {what} {i} must be a Value or a number, got {type(v).__name__}")
            if not isinstance(v, Value):
                real(v, f"{name}() {what} {i}")  # a number too large for a float: ValueError naming it
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
        t_value = t.data if isinstance(t, Value) else real(t, f"binary_cross_entropy() target {i}")
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
        # One graph for a number and for a traced target (nn.compile_loss traces a Value), so
        # eager and compiled agree: t ln p with t = 0 is exactly 0 (log_times), also at p = 0.
        t_term = t if isinstance(t, Value) else t_value
        losses.append(-(p.log_times(t_term) + (1.0 - p).log_times(1.0 - t_term)))
    loss = losses[0] if len(losses) == 1 else Value.sum(losses) * (1.0 / len(losses))
    loss.label = "L"
    return loss


def hinge_loss(score: Value, target: Value | float) -> Value:
    """max(0, 1 - y s) for a label y in {-1, +1} and a score s (a linear output)."""
    return (1.0 - target * score).relu()


def class_index(target: object, n_classes: int, what: str = "target") -> int:
    """``target`` as a class index in 0 .. n_classes - 1: TypeError for a non-integer kind,
    ValueError naming it when it is out of range (an integral float such as 2.0 counts)."""
    if isinstance(target, Value):
        target = target.data
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise TypeError(_("{what} must be a class index (an int), got {kind}: {value!r}").format(
            what=what, kind=type(target).__name__, value=target))
    if isinstance(target, numbers.Integral):
        index = int(target)
    else:
        as_float = float(target)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(_("{what} must be a class index (a whole number), got {value!r}").format(
                what=what, value=target))
        index = int(as_float)
    if not 0 <= index < n_classes:
        raise ValueError(_("{what} is {value!r}, not a class index for {k} classes (0 to {last})").format(
            what=what, value=target, k=n_classes, last=n_classes - 1))
    return index


def one_hot(index: int, n_classes: int) -> list[float]:
    """[0.0, ..., 1.0 at ``index``, ..., 0.0]: the target distribution of one class."""
    row = [0.0] * n_classes
    row[class_index(index, n_classes)] = 1.0
    return row


def class_targets(Y: object, n_classes: int, caller: str = "fit()") -> list[Any]:
    """Class indices as one-hot rows (rows of ``n_classes`` numbers pass through as they
    are): how `fit` and `accuracy` take the targets of a classifier, so that eager and
    compiled training build the same graph, with the target as k numbers."""
    rows = sequence(Y, f"{caller} Y", what="targets")
    if n_classes < 2:
        raise ValueError(_("cross_entropy needs a model with one output per class (at least 2), got {n}").format(
            n=n_classes))
    return [y if is_sequence(y) else one_hot(class_index(y, n_classes, f"{caller} Y[{i}]"), n_classes)
            for i, y in enumerate(rows)]


def _logits(logits: object, where: str) -> list[Value]:
    """One example's logits as Values: a sequence of at least two Values or numbers."""
    if isinstance(logits, (str, bytes)) or not isinstance(logits, Sequence):
        raise TypeError(_("{where}() expects a list of logits (Values or numbers), got {kind}").format(
            where=where, kind=type(logits).__name__))
    if len(logits) < 2:
        raise ValueError(_("{where}() needs at least 2 logits (one per class), got {n}").format(
            where=where, n=len(logits)))
    out = []
    for i, z in enumerate(logits):
        if isinstance(z, bool) or not isinstance(z, (Value, numbers.Real)):
            raise TypeError(_("{where}() logit {i} must be a Value or a number, got {kind}").format(
                where=where, i=i, kind=type(z).__name__))
        out.append(z if isinstance(z, Value) else Value(float(z)))
    return out


def _is_batch(logits: object) -> bool:
    return (isinstance(logits, Sequence) and not isinstance(logits, (str, bytes)) and len(logits) > 0
            and isinstance(logits[0], Sequence) and not isinstance(logits[0], (str, bytes)))


def softmax(logits: Sequence[Value | float] | Sequence[Sequence[Value | float]]) -> Any:
    """e^(z_i) / sum_j e^(z_j) as Values, computed as e^(z_i - logsumexp(z)) so that no
    exponential overflows (logits of +-1000 give 1 and 0); a list of rows gives a row each."""
    if _is_batch(logits):
        return [softmax(row) for row in logits]  # type: ignore[arg-type]
    zs = _logits(logits, "softmax")
    lse = logsumexp(zs)
    out = []
    for i, z in enumerate(zs):
        p = (z - lse).exp()
        p.label = f"p[{i}]"
        out.append(p)
    return out


def _cross_entropy_one(logits: object, target: object) -> Value:
    zs = _logits(logits, "cross_entropy")
    k = len(zs)
    lse = logsumexp(zs)
    lse.label = "lse"  # ln sum_j e^(z_j), as the picture names it
    if isinstance(target, (str, bytes)) or not isinstance(target, Sequence):
        return lse - zs[class_index(target, k)]  # -ln softmax_y = logsumexp(z) - z_y
    # a distribution over the classes (one-hot, or soft labels): -sum_i t_i ln softmax_i,
    # written sum_i t_i (logsumexp(z) - z_i) so that its graph does not depend on t
    if len(target) != k:
        raise ValueError(_("cross_entropy() got {k} logits but a target of {n} class probabilities").format(
            k=k, n=len(target)))
    terms: list[Value] = []
    for i, t in enumerate(target):
        if isinstance(t, bool) or not isinstance(t, (Value, numbers.Real)):
            raise TypeError(_("cross_entropy() target probability {i} must be a number, got {kind}").format(
                i=i, kind=type(t).__name__))
        if not isinstance(t, Value) and not 0.0 <= float(t) <= 1.0:
            raise ValueError(_("cross_entropy() target probabilities must be in [0, 1], got {value!r} at {i}").format(
                value=t, i=i))
        terms.append((lse - zs[i]) * (t if isinstance(t, Value) else float(t)))
    return Value.sum(terms)


def cross_entropy(logits: Any, target: Any) -> Value:
    """-ln softmax(logits)[target] for a class index ``target``, stable by log-sum-exp.

    dL/dz_i = softmax_i - [i = target]. ``target`` may also be a list of k class
    probabilities (one-hot). Given a list of rows of logits and a list of targets, the mean
    over the rows. Labelled ``L``.
    """
    if _is_batch(logits):
        rows = logits
        if isinstance(target, (str, bytes)) or not isinstance(target, Sequence):
            raise TypeError(_("cross_entropy() got {n} rows of logits: expected a list of {n} targets, "
                              "got {kind}").format(n=len(rows), kind=type(target).__name__))
        if len(target) != len(rows):
            raise ValueError(_("cross_entropy() got {n} rows of logits but {m} targets").format(
                n=len(rows), m=len(target)))
        widths = {len(row) for row in rows}
        if len(widths) > 1:
            raise ValueError(_("cross_entropy() rows of logits must all have one logit per class, "
                               "got lengths {lengths}").format(lengths=sorted(widths)))
        losses = [_cross_entropy_one(row, t) for row, t in zip(rows, target)]
        loss = losses[0] if len(losses) == 1 else Value.sum(losses) * (1.0 / len(losses))
    else:
        loss = _cross_entropy_one(logits, target)
    loss.label = "L"
    return loss


LossFn = Callable[[Any, Any], Value]

# The losses `nn.fit` and ``deltagrad train --loss`` know by name.
LOSSES: dict[str, LossFn] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
    "cross_entropy": cross_entropy,
}
