"""A model's per-example loss, compiled once and replayed for every example."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

from deltagrad.autograd import CompiledGraph, Value, compile_graph
from deltagrad.autograd.arguments import is_sequence, real

from .module import MLP

LossFn = Callable[..., Value]


class CompiledLoss:
    """``loss_fn(model(x), y)`` as a `CompiledGraph` with x and y as inputs, the model's
    parameters as params. Call it per example, or `accumulate` over a data set."""

    def __init__(self, model: MLP, loss_fn: LossFn) -> None:
        if not isinstance(model, MLP):
            raise TypeError(f"compile_loss() expects an nn.MLP, got {type(model).__name__}")
        if not callable(loss_fn):
            raise TypeError(f"compile_loss() loss_fn must be callable, got {type(loss_fn).__name__}")
        self.model = model
        self.n_in, self.n_out = model.sizes[0], model.sizes[-1]
        # Trace one example with placeholder leaves; their numbers are given at replay.
        xs = [Value(0.0, label=f"x[{j}]") for j in range(self.n_in)]
        ys = [Value(0.0, label="y" if self.n_out == 1 else f"y[{i}]") for i in range(self.n_out)]
        loss = loss_fn(model(xs), ys[0] if self.n_out == 1 else ys)
        if not isinstance(loss, Value):
            raise TypeError(f"compile_loss() loss_fn must return a Value, got {type(loss).__name__}")
        # allow_unused: a loss may ignore the target (``lambda out, y: out * out``)
        self.graph: CompiledGraph = compile_graph(loss, xs + ys, model.parameters(), input_grads=False,
                                                  allow_unused=True)

    @property
    def source(self) -> str:
        """The generated code for one example."""
        return self.graph.source

    def _row(self, x: object, y: object, where: str) -> list[float]:
        if not is_sequence(x):
            raise TypeError(f"{where}: x must be a sequence of {self.n_in} numbers, got {type(x).__name__}")
        if len(x) != self.n_in:  # type: ignore[arg-type]
            raise ValueError(f"{where}: x needs one value per model input ({self.n_in}), got {len(x)}")  # type: ignore[arg-type]
        single = isinstance(y, numbers.Real) and not isinstance(y, bool)
        if not single and not is_sequence(y):
            raise TypeError(f"{where}: y must be a number or {self.n_out} numbers, got {type(y).__name__}")
        ys = [y] if single else list(y)  # type: ignore[call-overload]
        if len(ys) != self.n_out:
            raise ValueError(f"{where}: y needs one value per model output ({self.n_out}), got {len(ys)}")
        xs: list[object] = list(x)  # type: ignore[call-overload]
        return [real(v, f"{where}: x[{j}]") for j, v in enumerate(xs)] + \
            [real(v, f"{where}: y[{i}]") for i, v in enumerate(ys)]

    def __call__(self, x: Sequence[float], y: float | Sequence[float]) -> float:
        """The loss at one example; adds its gradient to the parameters' ``.grad``."""
        return self.graph(self._row(x, y, "example"))

    def accumulate(self, X: Sequence[Sequence[float]], Y: Sequence[float | Sequence[float]],
                   scale: float = 1.0) -> float:
        """``scale`` times the summed loss over (X, Y); adds ``scale`` times its gradient."""
        if not is_sequence(X) or not is_sequence(Y):
            raise TypeError(f"accumulate() expects lists of inputs and targets, got {type(X).__name__} and "
                            f"{type(Y).__name__}")
        if len(X) != len(Y):
            raise ValueError(f"accumulate() got {len(X)} inputs but {len(Y)} targets")
        rows = [self._row(x, y, f"example {i}") for i, (x, y) in enumerate(zip(X, Y))]
        return self.graph.accumulate(rows, scale)


def compile_loss(model: MLP, loss_fn: LossFn) -> CompiledLoss:
    """Compile ``loss_fn(model(x), y)`` for one example, to replay on every example.

    ``loss_fn`` takes the model's output (a Value, or a list for several outputs) and the
    target (a Value, or a list) and returns a Value; its graph must not depend on the data
    (every loss in `nn` qualifies; ``if`` on a Value's data inside ``loss_fn`` does not).
    """
    return CompiledLoss(model, loss_fn)
