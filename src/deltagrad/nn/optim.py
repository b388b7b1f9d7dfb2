"""Optimizers: update parameters from their ``.grad``."""

from __future__ import annotations

import math
from collections.abc import Iterable

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import is_sequence, number_in_range
from deltagrad.i18n import _


def _check_params(params: Iterable[Value], name: str) -> list[Value]:
    if isinstance(params, Value) or not isinstance(params, Iterable):
        raise TypeError(f"{name}() expects an iterable of Values, got {type(params).__name__}")
    out = list(params)
    for i, p in enumerate(out):
        if not isinstance(p, Value):
            raise TypeError(f"{name}() parameter {i} must be a Value, got {type(p).__name__}")
    if not out:
        raise ValueError(f"{name}() got an empty parameter list")
    seen: dict[int, int] = {}
    for i, p in enumerate(out):
        if id(p) in seen:
            raise ValueError(
                f"{name}() got parameter {i} ({p!r}) twice (first at {seen[id(p)]}): "
                "it would be updated twice per step"
            )
        seen[id(p)] = i
    return out


def _check_number(name: str, value: object, low: float, high: float, *, low_open: bool) -> float:
    return number_in_range(value, name, low, high, low_open=low_open, high_open=True)


class Optimizer:
    """Base: holds the parameters and clears their gradients."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _check_params(params, type(self).__name__)
        self.lr = _check_number("lr", lr, 0.0, math.inf, low_open=True)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent, ``p <- p - lr * v`` with ``v <- momentum * v + grad`` (PyTorch's form)."""

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _check_number("momentum", momentum, 0.0, 1.0, low_open=False)
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        lr = self.lr
        if self.momentum == 0.0:  # the textbook update, exactly p - eta * dL/dp
            for p in self.params:
                p.data -= lr * p.grad
            return
        mu, velocity = self.momentum, self.velocity
        for i, p in enumerate(self.params):
            v = mu * velocity[i] + p.grad
            velocity[i] = v
            p.data -= lr * v


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with bias-corrected first and second moment estimates."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not is_sequence(betas):  # a tuple, a list, a NumPy array
            raise TypeError(_("betas must be a pair of numbers (beta1, beta2), got {kind}: {value!r}").format(
                kind=type(betas).__name__, value=betas))
        pair = list(betas)  # type: ignore[call-overload]
        if len(pair) != 2:
            raise ValueError(_("betas must be a pair of numbers (beta1, beta2), got {n}").format(n=len(pair)))
        self.beta1 = _check_number("betas[0]", pair[0], 0.0, 1.0, low_open=False)
        self.beta2 = _check_number("betas[1]", pair[1], 0.0, 1.0, low_open=False)
        self.eps = _check_number("eps", eps, 0.0, math.inf, low_open=True)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        c1 = 1.0 - b1**self.t  # bias corrections: the moments start at 0
        c2 = 1.0 - b2**self.t
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= self.lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + self.eps)
