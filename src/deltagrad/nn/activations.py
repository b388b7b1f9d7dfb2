"""The activations a network's layer can use: one record each, read by every part of `nn`.

A record says what each reader needs: the op of the engine that computes it (None for the
identity), the ``torch.nn`` module of the same function for the PyTorch conversion, the
name shown to people, and its derivative as a number and as text, both from the op's rule.
The delta rule (`nn.manual`) keeps its own hand-written derivatives on purpose: it is the
independent derivation autograd is held against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import choice
from deltagrad.autograd.compile import substitute
from deltagrad.autograd.ops import OPS, float_function
from deltagrad.i18n import N_

__all__ = ["ACTIVATIONS", "Activation", "check_activation"]


def _identity(x: float) -> float:
    return x


@dataclass(frozen=True)
class Activation:
    """One activation: ``name`` (the identifier), ``op`` (the engine's op, None for the
    identity), ``torch_module`` (its ``torch.nn`` class name, None: no layer) and
    ``display`` (the name shown to people)."""

    name: str
    op: str | None
    torch_module: str | None
    display: str

    @property
    def identity(self) -> bool:
        """True for the linear activation, a = z: no node, no layer, derivative 1."""
        return self.op is None

    @property
    def method(self) -> Callable[[Value], Value] | None:
        """The engine's method that applies it (``Value.tanh``); None for the identity."""
        return None if self.op is None else getattr(Value, self.op)  # type: ignore[no-any-return]

    def __call__(self, z: Value) -> Value:
        """The activation of a Value (the Value itself for the identity)."""
        return z if self.op is None else getattr(z, self.op)()

    def floats(self) -> Callable[[float], float]:
        """The same function on plain floats, by the engine's own formula (bit for bit)."""
        return _identity if self.op is None else float_function(self.op)

    def derivative(self, z: float) -> float:
        """f'(z), by the engine: the Value graph of f at z, differentiated (1 for the identity)."""
        if self.op is None:
            return 1.0
        leaf = Value(z)
        getattr(leaf, self.op)().backward()
        return leaf.grad

    def derivative_text(self, z: str = "z", a: str = "a") -> str:
        """f'(z) for people, the op table's text in the names given for z and a = f(z):
        ``a (1 - a)`` for sigmoid, ``1`` for the identity."""
        if self.op is None:
            return "1"
        return substitute(OPS[self.op].local_text[0], {"x": z, "out": a})


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", "sigmoid", "Sigmoid", N_("sigmoid")),
        Activation("tanh", "tanh", "Tanh", N_("tanh")),
        Activation("relu", "relu", "ReLU", N_("relu")),
        Activation("linear", None, None, N_("linear (identity)")),
    )
}


def check_activation(name: object, what: str = "activation") -> str:
    """``name`` if it is a known activation: TypeError for a non-string (None, 3),
    ValueError listing the activations for an unknown name."""
    return choice(name, what, ACTIVATIONS, "activation")
