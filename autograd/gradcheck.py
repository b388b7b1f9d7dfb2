"""Hold autograd's gradients against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .engine import Value, as_float


class GradcheckError(RuntimeError):
    """Autograd and the finite difference disagree for one input."""

    def __init__(self, index: int, numerical: float, analytical: float, tolerance: float) -> None:
        self.index = index
        self.numerical = numerical
        self.analytical = analytical
        self.tolerance = tolerance
        super().__init__(
            f"gradcheck failed for input {index}: numerical {numerical!r} vs "
            f"analytical {analytical!r} (abs diff {abs(numerical - analytical):.3g} > "
            f"tolerance {tolerance:.3g})"
        )


def gradcheck(
    fn: Callable[..., Value],
    inputs: Iterable[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s autograd gradient at ``inputs`` against central differences.

    ``fn`` is called with one Value per input and must return a Value. For input i the
    numerical derivative is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``; it must match
    the analytical one within ``atol + rtol * |numerical|``. Returns True, or raises
    `GradcheckError` naming the first input that fails.
    """
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(f"gradcheck() inputs must be a sequence of numbers, got {type(inputs).__name__}")
    point: list[float] = []
    for i, x in enumerate(inputs):
        value = as_float(x)
        if value is None:
            raise TypeError(f"gradcheck() input {i} must be a real number, got {type(x).__name__}: {x!r}")
        point.append(value)
    for name, number in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if as_float(number) is None or not number >= 0.0:
            raise ValueError(f"gradcheck() {name} must be a non-negative number, got {number!r}")
    if eps == 0.0:
        raise ValueError("gradcheck() eps must be positive, got 0")

    def evaluate(xs: list[float]) -> tuple[Value, list[Value]]:
        leaves = [Value(x) for x in xs]
        out = fn(*leaves)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck() fn must return a Value, got {type(out).__name__}")
        return out, leaves

    out, leaves = evaluate(point)
    out.backward()
    for i, leaf in enumerate(leaves):
        plus, minus = list(point), list(point)
        plus[i] += eps
        minus[i] -= eps
        numerical = (evaluate(plus)[0].data - evaluate(minus)[0].data) / (2.0 * eps)
        analytical = leaf.grad
        tolerance = atol + rtol * abs(numerical)
        if not abs(numerical - analytical) <= tolerance:  # also fails on nan
            raise GradcheckError(i, numerical, analytical, tolerance)
    return True
