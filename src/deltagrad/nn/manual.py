"""The textbook delta rule in plain floats, to hold autograd's gradients against.

For half squared error L = 1/2 sum_i (a_i - y_i)^2 over the outputs of layer n:

    output layer:  delta_n[i] = (a_n[i] - y[i]) * f'(z_n[i])
    hidden layer:  delta_l[i] = (sum_k W_{l+1}[k][i] * delta_{l+1}[k]) * f'(z_l[i])
    gradients:     dL/dW_l[i][j] = delta_l[i] * a_{l-1}[j],   dL/db_l[i] = delta_l[i]

with a_0 = x and f' written from the activation: sigmoid a (1 - a), tanh 1 - a^2,
relu 1 if z > 0 else 0, linear 1.

For cross-entropy with the softmax of the outputs, L = -ln p[y] with p = softmax(a_n)
and y a class index, the output error is p - onehot(y) (with a linear output, a_n = z_n,
this is the whole delta):

    output layer:  delta_n[i] = (p[i] - [i = y]) * f'(z_n[i])

This module is the independent hand derivation that autograd is checked against, so it
deliberately does not read the op table (`autograd.ops`) or the engine: every activation
and derivative here is written out again from the textbook. If the table had a wrong
rule, the two would disagree and the tests would say so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from deltagrad.autograd.notation import show
from deltagrad.autograd.text import fixed, format_table
from deltagrad.i18n import _, localize_number

from .inference import check_row
from .losses import class_index, cross_entropy, half_squared_error
from .module import MLP

# The losses the delta rule is written out for.
MANUAL_LOSSES = ("half_squared_error", "cross_entropy")
# The activations whose value and derivative are written out below.
HAND_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")


@dataclass
class BackpropNumbers:
    """The numbers of one backprop step at one example: the input ``x`` and target ``y``,
    per layer (index 0 is layer 1) ``z``, ``a`` and ``deltas`` (dL/dz), the loss, and
    dL/d(parameter) by name. The delta rule writes them by hand; the network view reads
    autograd's into the same record."""

    x: list[float]
    y: list[float]
    z: list[list[float]]
    a: list[list[float]]
    loss: float
    deltas: list[list[float]]
    grads: dict[str, float] = field(default_factory=dict)


@dataclass
class ManualBackprop(BackpropNumbers):
    """The delta rule's numbers; lists are per layer, index 0 is layer 1."""

    loss_name: str = "half_squared_error"
    p: list[float] = field(default_factory=list)  # cross-entropy: softmax of the outputs; y is then one-hot

    def reference(self) -> dict[str, float]:
        """Label -> dL/d(node) by hand, for `viz.draw_dot(reference=...)`: every parameter's
        gradient and, since delta = dL/dz, every pre-activation's delta (``z1[0]``, ...)."""
        out = dict(self.grads)
        for layer, deltas in enumerate(self.deltas, start=1):
            for i, d in enumerate(deltas):
                out[f"z{layer}[{i}]"] = d
        return out


def _sigmoid(z: float) -> float:
    """1 / (1 + e^-z), written so that e^-z cannot overflow: for z < 0, e^z / (1 + e^z)."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _activate(name: str, z: float) -> float:
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0.0 else 0.0
    if name == "linear":
        return z
    raise ValueError(_unknown(name))


def check_hand_activation(name: str) -> str:
    """``name`` if this module writes its derivative out by hand; ValueError otherwise (never
    taken for the identity)."""
    if name not in HAND_ACTIVATIONS:
        raise ValueError(_unknown(name))
    return name


def _unknown(name: str) -> str:
    return _("unknown activation {name!r} for the delta rule: it has hand-written derivatives for "
             "sigmoid, tanh, relu and linear only").format(name=name)


def _half_square(d: float) -> float:
    """1/2 d^2, as IEEE gives it: inf for |d| past 1e154 (``** 2`` raises OverflowError)."""
    try:
        return 0.5 * d**2
    except OverflowError:
        return math.inf


def _delta(name: str, error: float, z: float, a: float) -> float:
    """error * f'(z), multiplied in the textbook's order."""
    if name == "sigmoid":
        return error * a * (1.0 - a)
    if name == "tanh":
        return error * (1.0 - a * a)
    if name == "relu":
        return error * (1.0 if z > 0.0 else 0.0)
    if name == "linear":
        return error
    raise ValueError(_unknown(name))


def _softmax(outputs: Sequence[float]) -> tuple[list[float], float]:
    """(p, ln sum_j e^(o_j)) by hand: p[i] = e^(o_i - m) / sum_j e^(o_j - m) with m = max o,
    so that no exponential overflows (the same p for any m)."""
    m = max(outputs)
    e = [math.exp(o - m) for o in outputs]
    total = e[0]
    for term in e[1:]:
        total += term
    return [ei / total for ei in e], m + math.log(total)


def _check_loss(loss: object) -> str:
    if not isinstance(loss, str):
        raise TypeError(_("loss must be a name such as 'cross_entropy', got {kind}: {value!r}").format(
            kind=type(loss).__name__, value=loss))
    if loss not in MANUAL_LOSSES:
        raise ValueError(_("the delta rule is written out for the losses {known}, got {value!r}").format(
            known=", ".join(MANUAL_LOSSES), value=loss))
    return loss


def _targets(y: object, n_out: int, loss: str) -> list[float]:
    """The target as floats: one per output, or for cross-entropy the one-hot row of a class index."""
    if loss == "cross_entropy":
        if n_out < 2:
            raise ValueError(_("cross-entropy needs a model with one output per class (at least 2), got {n}").format(
                n=n_out))
        row = [0.0] * n_out
        row[class_index(y, n_out)] = 1.0
        return row
    return _floats(y, n_out, "target")


def _output_error(outputs: Sequence[float], ys: Sequence[float], loss: str) -> tuple[float, list[float], list[float]]:
    """(L, dL/da_n, p): half squared error 1/2 sum (a - y)^2 with error a - y, or
    cross-entropy -ln p[y] = ln sum_j e^(a_j) - a_y with error p - onehot(y)."""
    if loss == "cross_entropy":
        p, lse = _softmax(outputs)
        target = ys.index(1.0)
        return lse - outputs[target], [pi - t for pi, t in zip(p, ys)], p
    terms = [_half_square(a - t) for a, t in zip(outputs, ys)]
    total = terms[0]
    for term in terms[1:]:
        total += term
    return total, [a - t for a, t in zip(outputs, ys)], []


def _check_model(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"expected an nn.MLP, got {type(model).__name__}")
    return model


def _floats(values: object, n: int, what: str) -> list[float]:
    return check_row(values, n, what)


def _forward(
    weights: list[list[list[float]]], biases: list[list[float]], acts: Sequence[str], x: Sequence[float],
    given: dict[str, float] | None = None, record: dict[str, float] | None = None,
) -> tuple[list[list[float]], list[list[float]]]:
    """The forward pass by hand: (z, a) per layer, z summed left to right as w0 x0 + w1 x1 + ... + b.

    With ``given`` (``z1[0]``, ``a1[0]``, ... from a student), each value goes on from the given
    one where there is one; ``record`` receives every value as the rule computes it.
    """
    zs: list[list[float]] = []
    activations: list[list[float]] = []
    prev = list(x)
    for l, (rows, bs, act) in enumerate(zip(weights, biases, acts), start=1):  # noqa: E741
        z_row, a_row = [], []
        for i, (row, b) in enumerate(zip(rows, bs)):
            total = row[0] * prev[0]
            for w, a_j in zip(row[1:], prev[1:]):
                total += w * a_j
            z = total + b
            if record is not None:
                record[f"z{l}[{i}]"] = z
            if given is not None:
                z = given.get(f"z{l}[{i}]", z)
            a = _activate(act, z)
            if record is not None:
                record[f"a{l}[{i}]"] = a
            if given is not None:
                a = given.get(f"a{l}[{i}]", a)
            z_row.append(z)
            a_row.append(a)
        zs.append(z_row)
        activations.append(a_row)
        prev = a_row
    return zs, activations


def manual_backprop(model: MLP, x: Sequence[float], y: float | Sequence[float],
                    loss: str = "half_squared_error") -> ManualBackprop:
    """Forward pass, loss, deltas and gradients of ``model`` at ``(x, y)``, by hand.

    ``loss`` is ``"half_squared_error"`` (y one number per output) or ``"cross_entropy"``
    (y a class index, the softmax taken of the outputs: delta_n = p - onehot(y) times f').
    """
    model = _check_model(model)
    loss = _check_loss(loss)
    sizes = model.sizes
    xs = _floats(x, sizes[0], "input")
    ys = _targets(y, sizes[-1], loss)
    weights, biases = model.weights(), model.biases()
    acts = [layer.activation for layer in model.layers]

    zs, activations = _forward(weights, biases, acts, xs)

    out = activations[-1]
    loss_value, errors, p = _output_error(out, ys, loss)

    n = len(weights)
    deltas: list[list[float]] = [[] for _ in range(n)]
    deltas[-1] = [
        _delta(acts[-1], error, z, a) for error, a, z in zip(errors, out, zs[-1])
    ]
    for l in range(n - 2, -1, -1):  # noqa: E741  (l is the textbook's layer index)
        above, w_above = deltas[l + 1], weights[l + 1]
        hidden = []
        for i, (z_i, a_i) in enumerate(zip(zs[l], activations[l])):
            error = w_above[0][i] * above[0]
            for k in range(1, len(above)):
                error += w_above[k][i] * above[k]
            hidden.append(_delta(acts[l], error, z_i, a_i))
        deltas[l] = hidden

    grads: dict[str, float] = {}
    for l in range(n):  # noqa: E741
        inputs = xs if l == 0 else activations[l - 1]
        for i, d in enumerate(deltas[l]):
            for j, a_j in enumerate(inputs):
                grads[f"W{l + 1}[{i}][{j}]"] = d * a_j
        for i, d in enumerate(deltas[l]):
            grads[f"b{l + 1}[{i}]"] = d
    # named_parameters order: per layer, weights row by row, then biases
    return ManualBackprop(xs, ys, zs, activations, loss_value, deltas, grads, loss, p)


class GradientRow(NamedTuple):
    """One parameter's gradient by autograd and by the delta rule."""

    name: str
    autograd: float
    manual: float
    abs_diff: float


def autograd_gradients(model: MLP, x: Sequence[float], y: float | Sequence[float],
                       loss: str = "half_squared_error") -> dict[str, float]:
    """dL/dp for every parameter by autograd, for half squared error or cross-entropy (y a
    class index); leaves ``.grad`` as it was."""
    model = _check_model(model)
    loss = _check_loss(loss)
    xs = _floats(x, model.sizes[0], "input")
    ys = _targets(y, model.sizes[-1], loss)
    params = model.named_parameters()
    with model.grads_kept():
        pred = model(xs)
        if loss == "cross_entropy":
            cross_entropy(pred, ys.index(1.0)).backward()
        else:
            half_squared_error(pred, ys if len(ys) > 1 else ys[0]).backward()
        return {name: p.grad for name, p in params}


def compare_gradients(model: MLP, x: Sequence[float], y: float | Sequence[float],
                      loss: str = "half_squared_error") -> list[GradientRow]:
    """One row per parameter, in `named_parameters` order: autograd beside the delta rule."""
    manual = manual_backprop(model, x, y, loss).grads
    auto = autograd_gradients(model, x, y, loss)
    return [GradientRow(name, g, manual[name], abs(g - manual[name])) for name, g in auto.items()]


def format_gradient_table(rows: Sequence[GradientRow], digits: int = 8) -> str:
    """The rows as an aligned text table: parameter, autograd, manual, |difference|.

    Gradients are shown with ``digits`` decimals, the difference in scientific form.
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")
    header = (_("parameter"), "autograd", _("manual (delta rule)"), _("|difference|"))
    body = [
        (show(r.name), fixed(r.autograd, digits, sign=True), fixed(r.manual, digits, sign=True),
         localize_number(f"{r.abs_diff:.1e}"))
        for r in rows
    ]
    return format_table(header, body)


SECTIONS = ("forward", "deltas", "gradients", "updated")
HAND_LOSSES = ("half_squared_error", "binary_cross_entropy", "cross_entropy")


def bce_term(a: float, t: float) -> float:
    """-(t ln a + (1 - t) ln(1 - a)); a term whose weight is 0 is left out (0 ln 0 = 0)."""
    total = 0.0
    if t != 0.0:
        total -= t * math.log(a) if a > 0.0 else -math.inf * t
    if t != 1.0:
        total -= (1.0 - t) * math.log(1.0 - a) if a < 1.0 else -math.inf * (1.0 - t)
    return total


def hand_values(
    model: MLP,
    x: Sequence[float],
    y: float | Sequence[float],
    given: dict[str, dict[str, float]] | None = None,
    lr: float | None = None,
    loss: str = "half_squared_error",
) -> dict[str, dict[str, float]]:
    """Every number of the seed's derivation, by the delta rule, per section.

    ``forward`` holds ``z1[0]``, ``a1[0]``, ..., (for cross-entropy the softmax ``p[0]``,
    ...) and ``L``; ``deltas`` ``delta1[0]``, ...;
    ``gradients`` and (with ``lr``) ``updated`` the parameters' names. With ``given`` (the
    same sections, e.g. a student's answers), each quantity is computed from the given
    values of the quantities before it where there are some: the number the right rule
    gives when fed those answers. The quantity's own given value is not used for itself.

    ``loss`` is ``"half_squared_error"``, ``"binary_cross_entropy"`` (with sigmoid outputs:
    L = mean_i -(y_i ln a_i + (1 - y_i) ln(1 - a_i)), so delta_n[i] = (a_i - y_i) / n) or
    ``"cross_entropy"`` (y a class index: p = softmax(a_n), delta_n[i] = (p[i] - [i = y]) f').
    """
    model = _check_model(model)
    if loss not in HAND_LOSSES:
        raise ValueError(f"hand_values() knows the losses {', '.join(HAND_LOSSES)}, got {loss!r}")
    if loss == "binary_cross_entropy" and model.layers[-1].activation != "sigmoid":
        raise ValueError("binary_cross_entropy by hand needs sigmoid outputs, got "
                         f"{model.layers[-1].activation!r}")
    given = given or {}
    fwd_given, delta_given = given.get("forward", {}), given.get("deltas", {})
    grad_given = given.get("gradients", {})
    xs = _floats(x, model.sizes[0], "input")
    ys = _targets(y, model.sizes[-1], loss)
    weights, biases = model.weights(), model.biases()
    acts = [layer.activation for layer in model.layers]
    n = len(weights)
    out: dict[str, dict[str, float]] = {s: {} for s in SECTIONS}

    def use(section: dict[str, float], name: str, value: float) -> float:
        return section.get(name, value)

    zs, activations = _forward(weights, biases, acts, xs, fwd_given, out["forward"])
    bce = loss == "binary_cross_entropy"
    if bce:
        terms = [bce_term(a, t) for a, t in zip(activations[-1], ys)]
        total = terms[0]
        for term in terms[1:]:
            total += term
        out["forward"]["L"] = total / len(terms)
        errors = [a - t for a, t in zip(activations[-1], ys)]
    else:
        loss_value, errors, probs = _output_error(activations[-1], ys, loss)
        if probs:  # cross-entropy: each p[i] from the given ones where there are some, and the error p - onehot
            for i, p_i in enumerate(probs):
                out["forward"][f"p[{i}]"] = p_i
            probs = [use(fwd_given, f"p[{i}]", p_i) for i, p_i in enumerate(probs)]
            errors = [p_i - t for p_i, t in zip(probs, ys)]
        out["forward"]["L"] = loss_value

    deltas: list[list[float]] = [[] for _ in range(n)]
    for i, (error, a, z) in enumerate(zip(errors, activations[-1], zs[-1])):
        # BCE through a sigmoid: dL/da * a (1 - a) = (a - t) / n, the f' cancels
        d = error / len(ys) if bce else _delta(acts[-1], error, z, a)
        out["deltas"][f"delta{n}[{i}]"] = d
        deltas[-1].append(use(delta_given, f"delta{n}[{i}]", d))
    for l in range(n - 2, -1, -1):  # noqa: E741
        for i, (z, a) in enumerate(zip(zs[l], activations[l])):
            error = weights[l + 1][0][i] * deltas[l + 1][0]
            for k in range(1, len(deltas[l + 1])):
                error += weights[l + 1][k][i] * deltas[l + 1][k]
            d = _delta(acts[l], error, z, a)
            out["deltas"][f"delta{l + 1}[{i}]"] = d
            deltas[l].append(use(delta_given, f"delta{l + 1}[{i}]", d))

    for l in range(n):  # noqa: E741
        inputs = xs if l == 0 else activations[l - 1]
        for i, d in enumerate(deltas[l]):
            for j, a_j in enumerate(inputs):
                out["gradients"][f"W{l + 1}[{i}][{j}]"] = d * a_j
        for i, d in enumerate(deltas[l]):
            out["gradients"][f"b{l + 1}[{i}]"] = d
    if lr is not None:
        for name, p in model.named_parameters():
            g = use(grad_given, name, out["gradients"][name])
            out["updated"][name] = p.data - lr * g
    return out
