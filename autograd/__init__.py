"""A scalar autograd engine: `Value` records operations, `backward` applies the chain rule."""

from .compile import CompiledGraph, compile_graph
from .engine import Value, topological_sort
from .gradcheck import GradcheckError, gradcheck

__all__ = ["CompiledGraph", "GradcheckError", "Value", "compile_graph", "gradcheck", "topological_sort"]
