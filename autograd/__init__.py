"""A scalar autograd engine: `Value` records operations, `backward` applies the chain rule."""

from .compile import CompiledGraph, compile_graph
from .engine import Value, topological_sort
from .gradcheck import GradcheckError, gradcheck
from .higher import derivatives, grad, hessian, hvp
from .ops import OPS, Op

__all__ = [
    "OPS",
    "CompiledGraph",
    "GradcheckError",
    "Op",
    "Value",
    "compile_graph",
    "derivatives",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "topological_sort",
]
