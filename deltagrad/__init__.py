"""The ``deltagrad`` command: the narrated walk-through, training, and the pictures on disk.

The library is the three packages below it: `autograd` (the engine), `nn` (networks and
the delta rule) and `viz` (the pictures). This package is the application on top.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("deltagrad")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
