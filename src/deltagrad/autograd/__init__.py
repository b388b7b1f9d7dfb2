"""A scalar autograd engine: `Value` records operations, `backward` applies the chain rule."""

from .compile import CompiledGraph, compile_graph
from .engine import Value, topological_sort
from .gradcheck import GradcheckError, gradcheck
from .grading import CheckReport, CheckRow, check_gradients
from .higher import derivatives, grad, hessian, hvp
from .limits import GraphTooLargeError
from .ops import OPS, Op
from .torch_bridge import TorchRow, check_with_torch, torch_source

__all__ = [
    "OPS",
    "CheckReport",
    "CheckRow",
    "CompiledGraph",
    "GradcheckError",
    "GraphTooLargeError",
    "Op",
    "TorchRow",
    "Value",
    "check_gradients",
    "check_with_torch",
    "compile_graph",
    "derivatives",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "topological_sort",
    "torch_source",
]
