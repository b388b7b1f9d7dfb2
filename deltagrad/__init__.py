"""The ``deltagrad`` command: the narrated walk-through, training, and the pictures on disk.

The library is the three packages below it: `autograd` (the engine), `nn` (networks and
the delta rule) and `viz` (the pictures). This package is the application on top.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata when first asked (importlib.metadata
    is slow to import, and every command would pay for it)."""
    if name != "__version__":
        raise AttributeError(f"module 'deltagrad' has no attribute {name!r}")
    from importlib import metadata

    try:
        return metadata.version("deltagrad")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
