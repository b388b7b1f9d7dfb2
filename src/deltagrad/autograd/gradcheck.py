"""Hold autograd's gradients against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .arguments import real
from .engine import Value, as_float


class GradcheckError(RuntimeError):
    """Autograd and the finite difference disagree for one input.

    ``kink`` is True when the point is not one where the function is differentiable: a
    kink (the one-sided differences disagree, as relu at 0) or a singularity (the value or
    a derivative is not finite there, as x / x at 0). There the disagreement says nothing
    about the engine.
    """

    def __init__(self, index: int, numerical: float, analytical: float, tolerance: float,
                 kink: bool = False) -> None:
        self.index = index
        self.numerical = numerical
        self.analytical = analytical
        self.tolerance = tolerance
        self.kink = kink
        message = (
            f"gradcheck failed for input {index}: numerical {numerical!r} vs "
            f"analytical {analytical!r} (abs diff {abs(numerical - analytical):.3g} > "
            f"tolerance {tolerance:.3g})"
        )
        if kink:
            message += (
                "; the point is a kink or singularity of the function (one-sided differences "
                "disagree, or a value or derivative is not finite there), where the derivative is "
                "not defined: this is not an engine bug. Check another point, or pass "
                "skip_nonfinite=True to skip non-differentiable points"
            )
        super().__init__(message)


def gradcheck(
    fn: Callable[..., Value],
    inputs: Iterable[float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    skip_nonfinite: bool = False,
) -> bool:
    """Check ``fn``'s autograd gradient at ``inputs`` against central differences.

    ``fn`` is called with one Value per input and must return a Value. For input i the
    numerical derivative is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``; it must match
    the analytical one within ``atol + rtol * |numerical|``. Returns True, or raises
    `GradcheckError` naming the first input that fails; at a kink or singularity the error
    says so, and ``skip_nonfinite=True`` skips such inputs instead.
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
        if real(number, f"gradcheck() {name}") < 0.0 or number != number:  # TypeError for "1", None
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
    centre = out.data
    for i, leaf in enumerate(leaves):
        plus, minus = list(point), list(point)
        plus[i] += eps
        minus[i] -= eps
        above, below = evaluate(plus)[0].data, evaluate(minus)[0].data
        numerical = (above - below) / (2.0 * eps)
        analytical = leaf.grad
        tolerance = atol + rtol * abs(numerical)
        if abs(numerical - analytical) <= tolerance:  # also fails on nan
            continue
        right, left = (above - centre) / eps, (centre - below) / eps
        finite = all(math.isfinite(v) for v in (centre, above, below, analytical))
        kink = not finite or abs(right - left) > max(tolerance, 1e-3 * max(abs(right), abs(left)))
        if kink and skip_nonfinite:
            continue
        raise GradcheckError(i, numerical, analytical, tolerance, kink=kink)
    return True
