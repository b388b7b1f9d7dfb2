"""Plain-float inference: a model's outputs with no graph and no gradients.

Training reports accuracy and the plots draw decision boundaries with these; they use the
op table's float forwards, the same formulas as the engine, so the numbers are the ones a
forward pass of Values gives, bit for bit.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import real, sequence

from .activations import ACTIVATIONS
from .module import MLP


def activation_function(name: str) -> Callable[[float], float]:
    """The float function of an activation name (`nn.ACTIVATIONS`; ``"linear"`` is the identity)."""
    return ACTIVATIONS[name].floats()


def forward_floats(model: MLP, x: Sequence[float]) -> tuple[list[list[float]], list[list[float]]]:
    """The forward pass in plain floats: (z, a) per layer, summed in autograd's order."""
    if not isinstance(model, MLP):
        raise TypeError(f"forward_floats() expects an nn.MLP, got {type(model).__name__}")
    return _forward(model.weights(), model.biases(), _activations(model), check_row(x, model.sizes[0]))


def predict(model: MLP, X: Sequence[Sequence[float]], *, outputs: bool = False) -> list[Any]:
    """For every row of ``X``, in plain floats (no graph is built): the class index (the
    largest output) for a model of several outputs, a multi-class classifier; the output
    list ``[y]`` for a model of one output, or for any model with ``outputs=True``."""
    if not isinstance(model, MLP):
        raise TypeError(f"predict() expects an nn.MLP, got {type(model).__name__}")
    rows = [check_row(x, model.sizes[0], f"X[{i}]") for i, x in enumerate(sequence(X, "X", what="rows"))]
    results = predict_rows(model, rows)
    if outputs or model.sizes[-1] == 1:
        return results
    return class_indices(results)


def class_indices(outputs: Sequence[list[float]]) -> list[int]:
    """The class of each row of outputs: the index of its largest output (the first of equal largest)."""
    return [max(range(len(row)), key=row.__getitem__) for row in outputs]


def predict_rows(model: MLP, rows: Sequence[list[float]]) -> list[list[float]]:
    """`predict` of rows already checked as floats (training checks its data once).

    Many rows at once, a layer at a time: each neuron's z over every row is one list
    comprehension per weight, in the same order as `_forward` (w0 x0 + w1 x1 + ... + b, left
    to right), so the outputs are the same to the bit, in half the time on a plot's grid."""
    if not rows:
        return []
    columns: list[list[float]] = [list(c) for c in zip(*rows)]  # columns[j][r]: input j of row r
    for rows_w, bs, act in zip(model.weights(), model.biases(), _activations(model)):
        layer = []
        for row_w, b in zip(rows_w, bs):
            w0 = row_w[0]
            total = [w0 * a for a in columns[0]]
            for w, column in zip(row_w[1:], columns[1:]):
                total = [t + w * a for t, a in zip(total, column)]
            layer.append([act(t + b) for t in total])
        columns = layer
    return [list(r) for r in zip(*columns)]


def _activations(model: MLP) -> list[Callable[[float], float]]:
    return [activation_function(layer.activation) for layer in model.layers]


def _forward(weights: list[list[list[float]]], biases: list[list[float]],
             acts: Sequence[Callable[[float], float]], x: list[float]) -> tuple[list[list[float]], list[list[float]]]:
    zs: list[list[float]] = []
    activations: list[list[float]] = []
    prev = x
    for rows, bs, act in zip(weights, biases, acts):
        z = []
        for row, b in zip(rows, bs):
            pairs = zip(row, prev)
            w, a_j = next(pairs)
            total = w * a_j  # w0 x0 + w1 x1 + ... + b, left to right as Value.sum
            for w, a_j in pairs:
                total += w * a_j
            z.append(total + b)
        zs.append(z)
        prev = [act(zi) for zi in z]
        activations.append(prev)
    return zs, activations


def check_row(values: object, n: int, what: str = "input") -> list[float]:
    """``values`` as ``n`` floats: any sequence of real numbers (a NumPy row too; a lone
    number or Value counts as one); TypeError for the wrong kind, ValueError for the wrong
    length or a number too large for a float."""
    single = isinstance(values, (numbers.Real, Value)) and not isinstance(values, bool)
    items = sequence([values] if single else values, what, what="numbers")
    if len(items) != n:
        raise ValueError(f"expected {n} {what} value{'s' if n != 1 else ''}, got {len(items)}")
    return [real(v.data if isinstance(v, Value) else v, f"{what} {i}") for i, v in enumerate(items)]
