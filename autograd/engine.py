"""The scalar `Value`: every operation records its operands and local derivatives.

Each op computes its value and its local derivative(s) in one place. A node stores its
operands and local derivatives interleaved in one flat tuple, ``_edges = (operand0,
d(node)/d(operand0), operand1, d(node)/d(operand1), ...)``: one small tuple per node and
no closure, so a graph is plain data with no reference cycles (Python's cyclic garbage
collector has nothing to untangle). A number on either side of an operator is folded
into the node as ``const`` instead of becoming a leaf `Value`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, Union

Number = int | float
Operand = Union["Value", int, float]  # noqa: UP007  (a forward reference)

_NAN = float("nan")
_INF = float("inf")
_EMPTY: tuple[Any, ...] = ()


def _as_float(x: object) -> float | None:
    """Return ``x`` as a float if it is a real number (not a Value), else None."""
    if type(x) is float:
        return x  # the common case: no conversion, no new object
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return float(x)
    return None


def _pow(base: float, exponent: float) -> float:
    """``base ** exponent`` with IEEE 754 results (inf, nan) instead of exceptions."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        # |result| too large: the sign is negative only for a negative base and an odd
        # integer exponent.
        odd = exponent.is_integer() and exponent % 2 == 1
        return -_INF if (base < 0 and odd) else _INF
    except ValueError:
        # math.pow raises for pow(0, negative) (IEEE: +-inf) and for a negative base with
        # a non-integer exponent (IEEE: nan).
        if base == 0.0:
            odd = exponent.is_integer() and exponent % 2 == 1
            return math.copysign(_INF, base) if odd else _INF
        return _NAN


def _power_rule(base: float, exponent: float) -> float:
    """d(base^exponent)/d(base) = exponent * base^(exponent - 1); 0 for exponent 0 (as PyTorch)."""
    if exponent == 0.0:
        return 0.0
    return exponent * _pow(base, exponent - 1.0)


def _div(a: float, b: float) -> float:
    """``a / b`` with IEEE 754 results for a zero divisor."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated.

    ``data`` is the number, ``grad`` is dL/d(this node) accumulated by `backward`, ``op`` is
    the operation that made it (``""`` for a leaf) and ``label`` a human name.
    """

    __slots__ = ("data", "grad", "label", "op", "_edges", "const")

    data: float
    grad: float
    label: str
    op: str
    _edges: tuple[Any, ...]
    const: float | None

    def __init__(self, data: Number, label: str = "") -> None:
        value = _as_float(data)
        if value is None:
            raise TypeError(
                f"Value() expects a real number (int, float, ...), got {type(data).__name__}: {data!r}"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = value
        self.grad = 0.0
        self.label = label
        self.op = ""
        self._edges = _EMPTY
        self.const = None

    @staticmethod
    def _make(data: float, edges: tuple[Any, ...], op: str, const: float | None = None) -> Value:
        """Create an interior node without the checks of ``__init__`` (inputs are trusted)."""
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.op = op
        out._edges = edges
        out.const = const
        return out

    # -- structure -------------------------------------------------------------------
    @property
    def inputs(self) -> tuple[Value, ...]:
        """The operand Values in operand order, repeats kept (``a + a`` has two)."""
        return self._edges[0::2]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(operand) for each of `inputs`, in the same order."""
        return self._edges[1::2]

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    # -- primitive operations ------------------------------------------------------------
    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _make(self.data + other.data, (self, 1.0, other, 1.0), "+")
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(self.data + c, (self, 1.0), "+", c)  # d(a + c)/da = 1

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            a, b = self.data, other.data
            return _make(a * b, (self, b, other, a), "*")  # d(ab)/da = b, d(ab)/db = a
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(self.data * c, (self, c), "*", c)

    def __pow__(self, other: Operand) -> Value:
        a = self.data
        if isinstance(other, Value):
            b = other.data
            out = _pow(a, b)
            # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b ln a, undefined (nan) for a <= 0
            d_base = _power_rule(a, b)
            d_exp = out * math.log(a) if a > 0.0 else _NAN
            return _make(out, (self, d_base, other, d_exp), "**")
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(_pow(a, c), (self, _power_rule(a, c)), "**", c)

    def exp(self) -> Value:
        """e ** self."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            out = _INF
        return _make(out, (self, out), "exp")  # d e^x = e^x

    def log(self) -> Value:
        """Natural logarithm: -inf at 0 and nan below 0, as in IEEE 754."""
        x = self.data
        if x > 0.0:
            out = math.log(x)
        elif x == 0.0:
            out = -_INF
        else:
            out = _NAN
        return _make(out, (self, _div(1.0, x)), "log")  # d ln x = 1/x

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow over the whole float range."""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)  # e^x < 1 here: no overflow; same value as 1/(1+e^-x)
            s = e / (1.0 + e)
        return _make(s, (self, s * (1.0 - s)), "sigmoid")  # d sigma = sigma (1 - sigma)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        t = math.tanh(self.data)
        return _make(t, (self, 1.0 - t * t), "tanh")  # d tanh = 1 - tanh^2

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, and nan passes through."""
        x = self.data
        if x > 0.0:
            return _make(x, (self, 1.0), "relu")
        return _make(0.0 if x <= 0.0 else x, (self, 0.0), "relu")

    @staticmethod
    def sum(terms: Iterable[Operand]) -> Value:
        """n-ary addition: one node for ``v0 + v1 + ... (+ c)``.

        The Values are summed left to right and the numbers among the terms, added up, are
        added last (folded into ``const``), so with the numbers at the end the value is
        bit-identical to chained ``+``, with one node instead of n - 1.
        """
        edges: list[object] = []
        total = 0.0
        const: float | None = None
        for i, term in enumerate(terms):
            if isinstance(term, Value):
                total = term.data if not edges else total + term.data
                edges.append(term)
                edges.append(1.0)  # d(sum)/d(term) = 1
                continue
            c = _as_float(term)
            if c is None:
                raise TypeError(
                    f"Value.sum() term {i} must be a Value or a real number, "
                    f"got {type(term).__name__}: {term!r}"
                )
            const = c if const is None else const + c
        if not edges:
            raise ValueError("Value.sum() needs at least one Value among its terms, got none")
        if const is not None:
            total += const
        return _make(total, tuple(edges), "+", const)

    # -- derived operations ----------------------------------------------------------------
    def __neg__(self) -> Value:
        return self * -1.0  # -a = a * (-1)

    def __radd__(self, other: Operand) -> Value:
        return self + other  # c + a = a + c

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)  # a - b = a + (-b)
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return self + (-c)  # a - c = a + (-c), exact in IEEE arithmetic

    def __rsub__(self, other: Operand) -> Value:
        if _as_float(other) is None:
            return NotImplemented
        return (-self) + other  # c - a = (-a) + c

    def __rmul__(self, other: Operand) -> Value:
        return self * other  # c a = a c

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self * other**-1.0  # a / b = a * b^-1
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return self * _div(1.0, c)  # a / c = a * (1/c)

    def __rtruediv__(self, other: Operand) -> Value:
        if _as_float(other) is None:
            return NotImplemented
        return self**-1.0 * other  # c / a = a^-1 * c

    def __rpow__(self, other: Operand) -> Value:
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return Value(c) ** self  # c ** a: the base becomes a leaf so that d/da is recorded

    # -- differentiation -------------------------------------------------------------------
    def backward(self) -> None:
        """Add d(self)/d(node) to ``.grad`` of every node of the graph, self included.

        The pass's gradients are summed in a dict and added to ``.grad`` once per node, so
        calling it twice adds exactly the same amount again.
        """
        grads: dict[Value, float] = {self: 1.0}
        pop = grads.pop
        get = grads.get
        for node in reversed(topological_sort(self)):
            g = pop(node)
            node.grad += g
            edges = node._edges
            # chain rule: dL/d(operand) += dL/d(node) * d(node)/d(operand)
            if len(edges) == 2:
                child = edges[0]
                grads[child] = get(child, 0.0) + g * edges[1]
            elif edges:
                it = iter(edges)
                for child, local in zip(it, it):
                    grads[child] = get(child, 0.0) + g * local


_new = object.__new__
_make = Value._make


def topological_sort(root: Value) -> list[Value]:
    """Every node reachable from ``root`` once, each after all of its inputs (no recursion)."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_sort() expects a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited: set[Value] = set()
    add = visited.add
    # Depth-first with an explicit stack; a node is pushed twice: once to expand its
    # inputs (False) and once, below them, to be emitted after they are (True).
    stack: list[tuple[Value, bool]] = [(root, False)]
    push = stack.append
    pop = stack.pop
    while stack:
        node, expanded = pop()
        if expanded:
            order.append(node)
            continue
        if node in visited:
            continue
        add(node)
        push((node, True))
        for child in node._edges[-2::-2]:  # reversed, so the first operand is emitted first
            if child not in visited:
                push((child, False))
    return order
