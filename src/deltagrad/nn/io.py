"""Saving and loading MLPs as strict JSON: the architecture and every weight.

One rule for weights and biases alike: the files are strict JSON, so a non-finite number
(nan, inf) is refused when saving and when loading, with its name; so is a number too
large for a float, a duplicate key, and anything but a regular file (`autograd.files`).
Every bad file raises ValueError naming the file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from deltagrad.autograd.arguments import is_sequence, real
from deltagrad.autograd.files import atomic_write, load_json
from deltagrad.i18n import _, join_numbers

from .activations import check_activation
from .module import MLP

__all__ = ["FORMAT", "MAX_MODEL_BYTES", "VERSION", "check_weight_shapes", "from_dict", "load", "save", "to_dict",
           "weight_floats"]

FORMAT = "deltagrad.mlp"
VERSION = 1
# A model file of the largest network allowed (10^6 parameters, one indented number per
# line, ~30 bytes each) is about 30 MB.
MAX_MODEL_BYTES = 64 * 1024 * 1024


def to_dict(model: MLP) -> dict[str, Any]:
    """The JSON-ready description of ``model``: architecture and every weight."""
    if not isinstance(model, MLP):
        raise TypeError(_("to_dict() expects an nn.MLP, got {kind}").format(kind=type(model).__name__))
    return {
        "format": FORMAT,
        "version": VERSION,
        "sizes": model.sizes,
        "activation": model.activation,
        "output_activation": model.output_activation,
        "weights": model.weights(),
        "biases": model.biases(),
    }


def from_dict(data: object, source: str = "model description") -> MLP:
    """The MLP a `to_dict` description gives; ValueError naming ``source`` otherwise."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(_("{source} is not a deltagrad model (expected a JSON object with format {format!r})").format(
            source=source, format=FORMAT))
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise ValueError(_("{source}: unsupported version {version!r}, expected {expected}").format(
            source=source, version=version, expected=VERSION))
    missing = [k for k in ("activation", "weights", "biases") if k not in data]
    if missing:
        raise ValueError(_("{source}: missing {keys}").format(source=source, keys=", ".join(missing)))
    try:
        check_activation(data["activation"])
        out_act = data.get("output_activation")
        if out_act is not None:
            check_activation(out_act, "output_activation")
        sizes = check_weight_shapes(data["weights"], data["biases"], finite=True)
    except (TypeError, ValueError) as err:
        raise ValueError(_("{source}: {reason}").format(source=source, reason=err)) from None
    if "sizes" in data and data["sizes"] != sizes:
        raise ValueError(_("{source}: sizes {given!r} do not match the weights ({sizes!r})").format(
            source=source, given=data["sizes"], sizes=sizes))
    try:
        return MLP.from_weights(data["weights"], data["biases"], data["activation"], out_act)
    except ValueError as err:  # too many parameters
        raise ValueError(_("{source}: {reason}").format(source=source, reason=err)) from None


def weight_floats(weights: object, biases: object, *,
                  finite: bool = False) -> tuple[list[list[list[float]]], list[list[float]]]:
    """``weights`` and ``biases`` (lists, tuples or NumPy arrays, per layer) as floats,
    checked: TypeError for an entry that is not a real number, ValueError naming the layer
    for a shape that is not a network (and, with ``finite``, for nan and inf)."""
    for name, value in (("weights", weights), ("biases", biases)):
        if not is_sequence(value):
            raise TypeError(_("{name} must be a list per layer, got {kind}").format(
                name=name, kind=type(value).__name__))
    layers_w, layers_b = list(weights), list(biases)  # type: ignore[call-overload]
    if len(layers_w) == 0:
        raise ValueError(_("weights must describe at least one layer, got none"))
    if len(layers_b) != len(layers_w):
        raise ValueError(_("weights describe {n} layers but biases {m}").format(n=len(layers_w), m=len(layers_b)))
    out_w: list[list[list[float]]] = []
    out_b: list[list[float]] = []
    previous: int | None = None
    for k, (rows, bs) in enumerate(zip(layers_w, layers_b), start=1):
        if not is_sequence(rows) or len(rows) == 0:
            raise ValueError(_("layer {k}: weights must be a non-empty list of rows, got {value}").format(
                k=k, value=_short(rows)))
        matrix: list[list[float]] = []
        for i, row in enumerate(rows):
            if not is_sequence(row) or len(row) == 0:
                raise ValueError(_("layer {k}: row {i} must be a non-empty list of numbers, got {value}").format(
                    k=k, i=i, value=_short(row)))
            matrix.append([_entry(w, k, f"W[{i}][{j}]", finite) for j, w in enumerate(row)])
        widths = sorted({len(r) for r in matrix})
        if len(widths) != 1:
            raise ValueError(_("layer {k}: ragged weight rows of lengths {widths}").format(
                k=k, widths="[" + join_numbers(str(w) for w in widths) + "]"))
        nin = widths[0]
        if previous is not None and nin != previous:
            raise ValueError(_("layer {k}: rows have {n} weights but layer {below} has {m} outputs").format(
                k=k, n=nin, below=k - 1, m=previous))
        if not is_sequence(bs) or len(bs) != len(matrix):
            got = len(bs) if is_sequence(bs) else _short(bs)
            raise ValueError(_("layer {k}: expected {n} biases, got {got}").format(k=k, n=len(matrix), got=got))
        out_w.append(matrix)
        out_b.append([_entry(b, k, f"b[{i}]", finite) for i, b in enumerate(bs)])
        previous = len(matrix)
    return out_w, out_b


def check_weight_shapes(weights: object, biases: object, *, finite: bool = False) -> list[int]:
    """Layer sizes [nin, n1, ...] described by ``weights``/``biases`` (`weight_floats`)."""
    rows, _bs = weight_floats(weights, biases, finite=finite)
    return [len(rows[0][0]), *(len(layer) for layer in rows)]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _entry(x: object, k: int, name: str, finite: bool) -> float:
    """Entry ``name`` of layer ``k`` as a float (`real`'s errors, named "layer k: name")."""
    if type(x) is float and (not finite or math.isfinite(x)):
        return x  # the common case: no conversion, no error text to prepare
    where = _("layer {k}: {name}").format(k=k, name=name)
    if is_sequence(x):
        raise TypeError(_("{where} must be a number, got a nested {kind}").format(where=where, kind=type(x).__name__))
    return real(x, where, finite=finite)


def save(model: MLP, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` as strict JSON: a temporary file, then an atomic rename.

    Non-finite weights and biases (nan, inf) have no JSON form: ValueError naming them. A
    target that is not a regular file (a device, a FIFO) is refused before any work.
    """
    if not isinstance(model, MLP):
        raise TypeError(_("save() expects an nn.MLP, got {kind}").format(kind=type(model).__name__))
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(_("cannot save a model with a non-finite parameter: {name} = {value!r}").format(
                name=name, value=p.data))
    text = json.dumps(to_dict(model), indent=2, allow_nan=False) + "\n"
    return atomic_write(path, text.encode("utf-8"))


def load(path: str | os.PathLike[str]) -> MLP:
    """The MLP saved at ``path``; ValueError naming the file for anything that is not a model
    (not a regular file, over `MAX_MODEL_BYTES`, not UTF-8, not strict JSON, not a model)."""
    data = load_json(path, MAX_MODEL_BYTES, _("deltagrad model file"))
    return from_dict(data, str(Path(path)))
