"""deltagrad: a scalar autograd engine you can read in one sitting, with the delta rule beside it.

The floors are subpackages, each importing only those below it:

- `deltagrad.autograd`: the `Value` engine, its op rules, the compiler, gradcheck, grading;
- `deltagrad.nn`: modules, losses, optimizers, training and the hand-derived delta rule;
- `deltagrad.viz`: everything that draws (Graphviz pictures, plots, the pages);
- `deltagrad.cli`: the ``deltagrad`` command.

``import deltagrad`` is cheap: it loads the engine (standard library only) and nothing
that draws; ``from deltagrad import nn, viz`` brings in the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

from .autograd import Value, grad
from .autograd.notation import set_notation
from .i18n import set_language

__version__ = "0.3.0"  # the one place of the version: pyproject.toml reads it from here

__all__ = ["Value", "__version__", "autograd", "cli", "grad", "nn", "set_language", "set_notation", "viz"]

_SUBPACKAGES = frozenset({"autograd", "nn", "viz", "cli"})


def __getattr__(name: str) -> Any:
    """``deltagrad.nn``, ``deltagrad.viz`` and ``deltagrad.cli`` on first use (``import
    deltagrad`` stays cheap: no graphviz, matplotlib or argparse)."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'deltagrad' has no attribute {name!r}")
