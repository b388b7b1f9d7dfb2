"""Saving and loading MLPs as JSON: the architecture and every weight."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .module import MLP, _check_weight_shapes, check_activation

FORMAT = "deltagrad.mlp"
VERSION = 1


def to_dict(model: MLP) -> dict[str, Any]:
    """The JSON-ready description of ``model``."""
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
    """The MLP a `to_dict` description gives; ValueError naming what is wrong otherwise."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{source} is not a deltagrad model (expected a JSON object with format {FORMAT!r})")
    if data.get("version") != VERSION:
        raise ValueError(f"{source}: unsupported version {data.get('version')!r}, expected {VERSION}")
    missing = [k for k in ("activation", "weights", "biases") if k not in data]
    if missing:
        raise ValueError(f"{source}: missing {', '.join(missing)}")
    try:
        check_activation(data["activation"])
        out_act = data.get("output_activation")
        if out_act is not None:
            check_activation(out_act)
        sizes = _check_weight_shapes(data["weights"], data["biases"])
    except (TypeError, ValueError) as err:
        raise ValueError(f"{source}: {err}") from None
    if "sizes" in data and data["sizes"] != sizes:
        raise ValueError(f"{source}: sizes {data['sizes']!r} do not match the weights ({sizes})")
    return MLP.from_weights(data["weights"], data["biases"], data["activation"], out_act)


def save(model: MLP, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` as JSON: a temporary file, then an atomic rename."""
    if not isinstance(model, MLP):
        raise TypeError(f"save() expects an nn.MLP, got {type(model).__name__}")
    target = Path(path)
    description = to_dict(model)
    for w in (x for layer in description["weights"] for row in layer for x in row):
        if not math.isfinite(w):
            raise ValueError(f"cannot save a model with non-finite weight {w!r}")
    text = json.dumps(description, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load(path: str | os.PathLike[str]) -> MLP:
    """The MLP saved at ``path``; ValueError for a file that is not a deltagrad model."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{target} is not a deltagrad model file (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{target} is not a deltagrad model file (invalid JSON: {err})") from None
    return from_dict(data, str(target))
