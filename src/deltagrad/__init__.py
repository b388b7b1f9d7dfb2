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

__all__ = ["Value", "__version__", "autograd", "cli", "grad", "nn", "set_language", "set_notation", "viz"]

_SUBPACKAGES = frozenset({"autograd", "nn", "viz", "cli"})


def __getattr__(name: str) -> Any:
    """``deltagrad.nn`` and ``deltagrad.viz`` on first use, and ``__version__`` from the
    installed metadata (importlib.metadata is slow to import; every command would pay)."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name != "__version__":
        raise AttributeError(f"module 'deltagrad' has no attribute {name!r}")
    from importlib import metadata

    try:
        return metadata.version("deltagrad")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
