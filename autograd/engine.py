"""The scalar `Value`: every operation records its operands and local derivatives.

Each op computes its value and its local derivative(s) in one place. A node keeps its
operands and their local derivatives d(node)/d(operand) in its own slots, ``_a, _da`` and
``_b, _db`` (an n-ary sum keeps tuples in ``_a, _da``): no closure and no extra container
per node, so a graph is plain data with no reference cycles and one object per operation
for Python's garbage collector to look at. A number on either side of an operator is folded
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


def _exp(x: float) -> float:
    """e^x, inf on overflow instead of OverflowError."""
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _log(x: float) -> float:
    """ln x with IEEE results: -inf at 0, nan below 0."""
    if x > 0.0:
        return math.log(x)
    return -_INF if x == 0.0 else _NAN


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow: for x < 0 the same value as e^x / (1 + e^x)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # e^x < 1 here: no overflow
    return e / (1.0 + e)


def _exponent_grad(a: float, out: float) -> float:
    """d(a^b)/db = a^b ln a, undefined (nan) for a <= 0."""
    return out * math.log(a) if a > 0.0 else _NAN


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

    __slots__ = ("data", "grad", "label", "op", "const", "_a", "_da", "_b", "_db")

    data: float
    grad: float
    label: str
    op: str
    const: float | None
    _a: Any  # first operand (a Value), the operands of an n-ary sum (a tuple), or None
    _da: Any  # d(self)/d(_a), a tuple for an n-ary sum
    _b: Value | None  # second operand of a binary op
    _db: float  # d(self)/d(_b)

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
        self.const = None
        self._a = self._b = None
        self._da = self._db = 0.0

    @staticmethod
    def _make(
        data: float,
        op: str,
        a: Any,
        da: Any,
        b: Value | None = None,
        db: float = 0.0,
        const: float | None = None,
    ) -> Value:
        """An interior node: ``data`` made by ``op`` from operand ``a`` (and ``b``), with the
        local derivatives ``da`` = d(node)/da and ``db``; no checks (inputs are trusted)."""
        out = _new(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out.op = op
        out.const = const
        out._a = a
        out._da = da
        out._b = b
        out._db = db
        return out

    # -- structure -------------------------------------------------------------------
    @property
    def inputs(self) -> tuple[Value, ...]:
        """The operand Values in operand order, repeats kept (``a + a`` has two)."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        return (a,) if self._b is None else (a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(operand) for each of `inputs`, in the same order."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return self._da  # type: ignore[no-any-return]
        return (self._da,) if self._b is None else (self._da, self._db)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    # -- primitive operations ------------------------------------------------------------
    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _make(self.data + other.data, "+", self, 1.0, other, 1.0)
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(self.data + c, "+", self, 1.0, const=c)  # d(a + c)/da = 1

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            a, b = self.data, other.data
            return _make(a * b, "*", self, b, other, a)  # d(ab)/da = b, d(ab)/db = a
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(self.data * c, "*", self, c, const=c)

    def __pow__(self, other: Operand) -> Value:
        a = self.data
        if isinstance(other, Value):
            b = other.data
            out = _pow(a, b)
            # d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b ln a
            d_base = _power_rule(a, b)
            d_exp = _exponent_grad(a, out)
            return _make(out, "**", self, d_base, other, d_exp)
        c = _as_float(other)
        if c is None:
            return NotImplemented
        return _make(_pow(a, c), "**", self, _power_rule(a, c), const=c)

    def exp(self) -> Value:
        """e ** self (inf on overflow)."""
        out = _exp(self.data)
        return _make(out, "exp", self, out)  # d e^x = e^x

    def log(self) -> Value:
        """Natural logarithm: -inf at 0 and nan below 0, as in IEEE 754."""
        x = self.data
        return _make(_log(x), "log", self, _div(1.0, x))  # d ln x = 1/x

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow over the whole float range."""
        s = _sigmoid(self.data)
        return _make(s, "sigmoid", self, s * (1.0 - s))  # d sigma = sigma (1 - sigma)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        t = math.tanh(self.data)
        return _make(t, "tanh", self, 1.0 - t * t)  # d tanh = 1 - tanh^2

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, and nan passes through."""
        x = self.data
        if x > 0.0:
            return _make(x, "relu", self, 1.0)
        return _make(0.0 if x <= 0.0 else x, "relu", self, 0.0)

    @staticmethod
    def sum(terms: Iterable[Operand]) -> Value:
        """n-ary addition: one node for ``v0 + v1 + ... (+ c)``.

        The Values are summed left to right and the numbers among the terms, added up, are
        added last (folded into ``const``), so with the numbers at the end the value is
        bit-identical to chained ``+``, with one node instead of n - 1.
        """
        values: list[Value] = []
        total = 0.0
        const: float | None = None
        for i, term in enumerate(terms):
            if isinstance(term, Value):
                total = term.data if not values else total + term.data
                values.append(term)
                continue
            c = _as_float(term)
            if c is None:
                raise TypeError(
                    f"Value.sum() term {i} must be a Value or a real number, "
                    f"got {type(term).__name__}: {term!r}"
                )
            const = c if const is None else const + c
        if not values:
            raise ValueError("Value.sum() needs at least one Value among its terms, got none")
        if const is not None:
            total += const
        if len(values) <= 2:  # the ordinary one- or two-operand node
            b = values[1] if len(values) == 2 else None
            return _make(total, "+", values[0], 1.0, b, 1.0, const)
        return _make(total, "+", tuple(values), (1.0,) * len(values), None, 0.0, const)  # d/dterm = 1

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
            a = node._a
            if a is None:
                continue
            # chain rule: dL/d(operand) += dL/d(node) * d(node)/d(operand)
            if type(a) is tuple:
                for child, local in zip(a, node._da):
                    grads[child] = get(child, 0.0) + g * local
                continue
            grads[a] = get(a, 0.0) + g * node._da
            b = node._b
            if b is not None:
                grads[b] = get(b, 0.0) + g * node._db


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
        # operands pushed last-first, so that the first operand is emitted first
        a = node._a
        if a is None:
            continue
        if type(a) is tuple:
            for child in reversed(a):
                if child not in visited:
                    push((child, False))
            continue
        b = node._b
        if b is not None and b not in visited:
            push((b, False))
        if a not in visited:
            push((a, False))
    return order
