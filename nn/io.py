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


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A crash leaves either the old file or the new one, never a half-written one.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:  # name the file the caller asked for, not the temporary one
        raise OSError(err.errno, f"cannot write {path}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _FILE_MODE)  # mkstemp creates files readable by the owner only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(model: MLP, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` as JSON: a temporary file, then an atomic rename."""
    if not isinstance(model, MLP):
        raise TypeError(f"save() expects an nn.MLP, got {type(model).__name__}")
    target = Path(path)
    description = to_dict(model)
    for w in (x for layer in description["weights"] for row in layer for x in row):
        if not math.isfinite(w):
            raise ValueError(f"cannot save a model with non-finite weight {w!r}")
    atomic_write(target, (json.dumps(description, indent=2) + "\n").encode("utf-8"))
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
