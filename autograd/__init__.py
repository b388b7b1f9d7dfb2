"""A scalar autograd engine: `Value` records operations, `backward` applies the chain rule."""

from .engine import Value, topological_sort
from .gradcheck import GradcheckError, gradcheck

__all__ = ["GradcheckError", "Value", "gradcheck", "topological_sort"]
