"""How a classifier does on a data set: the confusion matrix, as numbers and as a text table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deltagrad.autograd.arguments import sequence
from deltagrad.autograd.text import format_table
from deltagrad.i18n import _

from .inference import predict
from .losses import class_index
from .module import MLP


def predicted_classes(model: MLP, X: Sequence[Sequence[float]], labels: Sequence[Any] | None = None) -> list[int]:
    """The class index the model gives each row: the largest output for several outputs; for
    one output, 0 or 1 for the lower or higher of the two ``labels`` values (the threshold
    halfway between them, 0.5 for 0/1 labels and 0 for -1/+1)."""
    if model.sizes[-1] > 1:
        return list(predict(model, X))
    values = sorted({float(y) for y in (labels if labels is not None else [0.0, 1.0])})
    if len(values) > 2:
        raise ValueError(_("a model of one output separates two classes, got {n} label values").format(
            n=len(values)))
    threshold = (values[0] + values[-1]) / 2.0 if len(values) == 2 else 0.5
    return [int(out[0] > threshold) for out in predict(model, X)]


def class_indices(Y: Sequence[Any], n_classes: int) -> list[int]:
    """Targets as class indices: indices pass through (checked), two label values such as
    0/1 or -1/+1 become 0 and 1, one-hot rows their largest entry's index."""
    rows = sequence(Y, "Y", what="targets")
    if rows and all(isinstance(y, (int, float)) and not isinstance(y, bool) for y in rows):
        values = sorted(set(rows))
        if n_classes == 2 and len(values) <= 2 and not set(values) <= {0, 1}:
            return [values.index(y) for y in rows]  # -1/+1 labels
    out = []
    for i, y in enumerate(rows):
        if isinstance(y, Sequence) and not isinstance(y, (str, bytes)):
            out.append(max(range(len(y)), key=y.__getitem__))
        else:
            out.append(class_index(y, n_classes, f"Y[{i}]"))
    return out


def confusion_matrix(model: MLP, X: Sequence[Sequence[float]], Y: Sequence[Any],
                     n_classes: int | None = None) -> list[list[int]]:
    """``matrix[true][predicted]``: how many rows of class ``true`` the model put in class
    ``predicted``; the diagonal holds the right answers."""
    k = n_classes if n_classes is not None else max(2, model.sizes[-1])
    truth = class_indices(Y, k)
    guesses = predicted_classes(model, X, Y if model.sizes[-1] == 1 else None)
    if len(truth) != len(guesses):
        raise ValueError(_("confusion_matrix() got {n} rows but {m} targets").format(n=len(guesses), m=len(truth)))
    matrix = [[0] * k for _row in range(k)]
    for t, g in zip(truth, guesses):
        matrix[t][g] += 1
    return matrix


def format_confusion(matrix: Sequence[Sequence[int]], class_names: Sequence[str] | None = None) -> str:
    """The matrix as a text table: one row per true class, one column per predicted class,
    and each class's recall (the share of its rows put right)."""
    k = len(matrix)
    names = [str(n) for n in class_names] if class_names else [str(i) for i in range(k)]
    if len(names) != k:
        raise ValueError(_("format_confusion() got {k} classes but {n} names").format(k=k, n=len(names)))
    header = [_("true \\ predicted"), *names, _("right")]
    rows = []
    for i, row in enumerate(matrix):
        total = sum(row)
        share = f"{row[i] / total:.0%}" if total else "-"
        rows.append([names[i], *(str(v) for v in row), share])
    return format_table(header, rows)
