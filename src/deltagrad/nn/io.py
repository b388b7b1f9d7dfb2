"""Saving and loading MLPs as strict JSON: the architecture and every weight.

One rule for weights and biases alike: the files are strict JSON, so a non-finite number
(nan, inf) is refused when saving and when loading, with its name; so is a number too
large for a float. Every bad file raises ValueError naming the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .module import FORMAT, MLP, VERSION

__all__ = ["FORMAT", "VERSION", "load", "save"]

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 4,096-wide model is far below this


def save(model: MLP, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` to ``path`` as JSON: a temporary file, then an atomic rename."""
    if not isinstance(model, MLP):
        raise TypeError(f"save() expects an nn.MLP, got {type(model).__name__}")
    return model.save(path)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number (deltagrad model files are strict JSON)")


def load(path: str | os.PathLike[str]) -> MLP:
    """The MLP saved at ``path``; ValueError naming the file for anything that is not a model."""
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{target} is a folder, not a deltagrad model file")
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        raise FileNotFoundError(2, f"no such model file: {target}") from None
    if size > MAX_FILE_BYTES:
        raise ValueError(f"{target} is {size:,} bytes, larger than any deltagrad model file ({MAX_FILE_BYTES:,})")
    try:
        text = target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{target} is not a deltagrad model file (not UTF-8 text)") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise ValueError(f"{target} is not a deltagrad model file (invalid JSON: {err})") from None
    except RecursionError:
        raise ValueError(f"{target} is not a deltagrad model file (JSON nested too deeply)") from None
    except ValueError as err:  # NaN/Infinity, or an integer of more digits than Python converts
        raise ValueError(f"{target} is not a deltagrad model file ({err})") from None
    return MLP.from_dict(data, str(target))
