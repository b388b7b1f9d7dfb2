"""A scalar autograd engine: `Value` records operations, `backward` applies the chain rule."""

from .compile import CompiledGraph, compile_graph
from .engine import Value, as_float, logsumexp, to_float, topological_sort
from .gradcheck import GradcheckError, gradcheck
from .grading import CheckReport, CheckRow, check_gradients
from .higher import derivatives, grad, hessian, hvp
from .limits import GraphTooLargeError
from .ops import OPS, Op
from .torch_bridge import TorchRow, check_with_torch, torch_source


def javascript_runtime() -> str:
    """The JavaScript runtime of `CompiledGraph.javascript`: the float helpers of the op
    rules (``js/runtime.js``), defining the global ``deltagrad_runtime``."""
    from importlib import resources

    return (resources.files(__package__) / "js" / "runtime.js").read_text(encoding="utf-8")


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
    "as_float",
    "check_gradients",
    "check_with_torch",
    "compile_graph",
    "derivatives",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "javascript_runtime",
    "logsumexp",
    "to_float",
    "topological_sort",
    "torch_source",
]
