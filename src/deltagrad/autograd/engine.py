"""The scalar `Value`: every operation records its operands and local derivatives.

The primitive ops and their derivatives are declared once, in the op table
(`autograd.ops.OPS`); `Value` gets one method per entry (``exp``, ``sigmoid``, ...,
and the operators ``+ * **``), built from the entry's expressions when this module is
imported. A node keeps its operands and their local derivatives d(node)/d(operand) in its
own slots, ``_a, _da`` and ``_b, _db`` (an n-ary sum keeps tuples in ``_a, _da``): no
closure and no extra container per node, so a graph is plain data with no reference
cycles and one object per operation for Python's garbage collector to look at. A number on
either side of an operator is folded into the node as ``const`` instead of becoming a leaf.
"""

from __future__ import annotations

import gc
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Union

from .ops import GATES, HELPERS, OPS, Op

_div: Callable[[float, float], float] = HELPERS["_div"]  # a / b with IEEE results for b = 0

Number = int | float
Operand = Union["Value", int, float]  # noqa: UP007  (a forward reference)


def as_float(x: object) -> float | None:
    """Return ``x`` as a float if it is a real number (not a Value, not a bool), else None.

    ValueError for an int too large for a float, naming its size.
    """
    if type(x) is float:
        return x  # the common case: no conversion, no new object
    if isinstance(x, numbers.Real) and not isinstance(x, (Value, bool)):
        try:
            return float(x)
        except OverflowError:
            digits = len(str(abs(int(x)))) if isinstance(x, numbers.Integral) else "many"
            raise ValueError(
                f"{type(x).__name__} of {digits} digits overflows a float (largest about 1.8e308)"
            ) from None
    return None


class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated.

    ``data`` is the number, ``grad`` is dL/d(this node) accumulated by `backward`, ``op`` is
    the operation that made it (``""`` for a leaf) and ``label`` a human name.
    """

    __slots__ = ("data", "grad", "label", "op", "const", "_a", "_da", "_b", "_db", "_mark")

    data: float
    grad: float
    label: str
    op: str
    const: float | None
    _a: Any  # first operand (a Value), the operands of an n-ary sum (a tuple), or None
    _da: Any  # d(self)/d(_a); None for an n-ary sum, whose local derivatives are all 1
    _b: Value | None  # second operand of a binary op
    _db: float  # d(self)/d(_b)
    _mark: Any  # scratch for one pass: the sort's progress mark, then backward's running sum

    if TYPE_CHECKING:  # made from the op table below; declared here for type checkers
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def tanh(self) -> Value: ...
        def relu(self) -> Value: ...
        def softplus(self) -> Value: ...
        def __add__(self, other: Operand) -> Value: ...
        def __mul__(self, other: Operand) -> Value: ...
        def __pow__(self, other: Operand) -> Value: ...

    def __init__(self, data: Number, label: str = "") -> None:
        value = as_float(data)
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
        self._a = self._b = self._mark = None
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
        out._mark = None
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
        if type(a) is tuple:  # an n-ary sum: d(sum)/d(term) = 1, not stored per node
            return (1.0,) * len(a)
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def spec(self) -> Op | None:
        """The op-table entry of the op that made this node; None for a leaf."""
        return OPS.get(self.op)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    @staticmethod
    def sum(terms: Iterable[Operand]) -> Value:
        """n-ary addition: one node for ``v0 + v1 + ... (+ c)``.

        The Values are summed left to right and the numbers among the terms, added up, are
        added last (folded into ``const``), so with the numbers at the end the value is
        bit-identical to chained ``+``, with one node instead of n - 1.
        """
        if type(terms) is list and len(terms) > 2:  # the common case (a neuron): all Values
            datas = [t.data for t in terms if type(t) is Value]
            if len(datas) == len(terms):
                total = datas[0]
                for d in datas[1:]:  # left to right, as chained +
                    total += d
                return _make(total, "+", tuple(terms), None, None, 0.0, None)
        values: list[Value] = []
        total = 0.0
        const: float | None = None
        for i, term in enumerate(terms):
            if isinstance(term, Value):
                total = term.data if not values else total + term.data
                values.append(term)
                continue
            c = as_float(term)
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
        return _make(total, "+", tuple(values), None, None, 0.0, const)  # d/dterm = 1: see local_grads

    # -- derived operations ----------------------------------------------------------------
    def __neg__(self) -> Value:
        return self * -1.0  # -a = a * (-1)

    def __radd__(self, other: Operand) -> Value:
        return self + other  # c + a = a + c

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)  # a - b = a + (-b)
        c = as_float(other)
        if c is None:
            return NotImplemented
        return self + (-c)  # a - c = a + (-c), exact in IEEE arithmetic

    def __rsub__(self, other: Operand) -> Value:
        if as_float(other) is None:
            return NotImplemented
        return (-self) + other  # c - a = (-a) + c

    def __rmul__(self, other: Operand) -> Value:
        return self * other  # c a = a c

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self * other**-1.0  # a / b = a * b^-1
        c = as_float(other)
        if c is None:
            return NotImplemented
        return self * _div(1.0, c)  # a / c = a * (1/c)

    def __rtruediv__(self, other: Operand) -> Value:
        if as_float(other) is None:
            return NotImplemented
        return self**-1.0 * other  # c / a = a^-1 * c

    def __rpow__(self, other: Operand) -> Value:
        c = as_float(other)
        if c is None:
            return NotImplemented
        return Value(c) ** self  # c ** a: the base becomes a leaf so that d/da is recorded

    # -- differentiation -------------------------------------------------------------------
    def backward(self) -> None:
        """Add d(self)/d(node) to ``.grad`` of every node of the graph, self included.

        The pass's gradients are summed in each node's scratch slot and added to ``.grad``
        once per node, so calling it twice adds exactly the same amount again. A relu that was off passes
        exactly 0 on (it selects, it does not multiply), so an inf gradient does not become
        nan there. The graph has no reference cycles, so the cyclic garbage collector is
        paused while the pass runs (it would walk the whole live graph, again and again).
        """
        reverse_pass(self)


def reverse_pass(root: Value, wanted: Sequence[Value] = (), accumulate: bool = True) -> list[float]:
    """`Value.backward`'s pass, with the cyclic GC paused (and restored in ``finally``).

    Returns d(root)/d(v) for each of ``wanted`` (0.0 where root does not depend on it);
    with ``accumulate=False`` no ``.grad`` changes (for `autograd.grad`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with _SORT_LOCK:
            for v in wanted:
                v._mark = _ABSENT  # still there after the pass: not in the graph
            _backward(root, accumulate)
            return [0.0 if v._mark is _ABSENT else v._mark for v in wanted]
    finally:
        if enabled:
            gc.enable()


_ABSENT = object()


_new = object.__new__
_make = Value._make


def _backward(root: Value, accumulate: bool = True) -> None:
    """The reverse pass: adds each node's gradient to its ``.grad`` (with ``accumulate``),
    and leaves it in the node's ``_mark`` slot either way (where `autograd.grad` reads it).

    Each node's ``_mark`` slot sums the gradient it receives, so there is no dict to look
    nodes up in: after `_order` every node's mark is the ``emitted`` marker, which means
    "nothing received yet", and the first contribution replaces it.
    Nodes are processed last to first, and a node's mark is read only after every node
    that uses it has been processed, so each sum is complete when it is read."""
    with _SORT_LOCK:
        order = _order(root)
        emitted = root._mark  # the marker _order left on every node
        root._mark = 1.0  # d(root)/d(root)
        for node in reversed(order):
            g = node._mark  # left there: the next sort treats a number as "not visited"
            if accumulate:
                node.grad += g
            a = node._a
            if a is None:
                continue
            # chain rule: dL/d(operand) += dL/d(node) * d(node)/d(operand), the operands in
            # order, so a node's contributions add up in the same order as ever
            b = node._b
            if b is not None:
                t = a._mark
                a._mark = g * node._da if t is emitted else t + g * node._da
                t = b._mark
                b._mark = g * node._db if t is emitted else t + g * node._db
            elif type(a) is tuple:  # an n-ary sum: every local derivative is 1, and g * 1.0 is g
                for child in a:
                    t = child._mark
                    child._mark = g if t is emitted else t + g
            else:
                da = node._da
                # a gate that is off (relu) passes exactly 0, whatever g is: inf * 0 is nan
                term = g * da if da or node.op not in GATES else 0.0
                t = a._mark
                a._mark = term if t is emitted else t + term


_SORT_LOCK = threading.RLock()  # the marks below are per sort: one sort at a time


def _order(root: Value) -> list[Value]:
    """Every node under ``root`` once, each after its inputs: depth-first postorder.

    An explicit stack, no recursion, and nothing allocated per node: instead of sets of
    visited nodes, each node's ``_mark`` slot notes this sort's progress, with two marker
    objects made for this call (so marks left by an earlier sort never match). A node
    popped unmarked is expanded: marked ``expanded`` and pushed again below its operands (a
    leaf is emitted at once). Popped while ``expanded`` it is emitted: that is its own
    re-push, since a node cannot be pushed again by one of its own descendants (the graph
    has no cycles). Popped when ``emitted`` it is a duplicate push, skipped.
    """
    expanded, emitted = object(), object()
    order: list[Value] = []
    emit = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    with _SORT_LOCK:
        while stack:
            node = pop()
            while True:  # down the first operands without a round trip through the stack
                mark = node._mark
                if mark is expanded:
                    node._mark = emitted
                    emit(node)
                    break
                if mark is emitted:
                    break
                a = node._a
                if a is None:  # a leaf: nothing below it
                    node._mark = emitted
                    emit(node)
                    break
                node._mark = expanded
                push(node)
                b = node._b
                if b is not None:  # operands pushed last-first: the first is emitted first
                    if b._mark is not emitted:
                        push(b)
                elif type(a) is tuple:
                    for child in reversed(a):
                        if child._mark is not emitted:
                            push(child)
                    break
                node = a  # the operand that would be popped next
    return order


def topological_sort(root: Value) -> list[Value]:
    """Every node reachable from ``root`` once, each after all of its inputs (no recursion)."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_sort() expects a Value, got {type(root).__name__}")
    return _order(root)


# -- the op table's methods ------------------------------------------------------------------
def method_source(op: Op) -> str:
    """The source of the `Value` method made from ``op``'s table entry (shown for readers).

    The node is built inline (what `Value._make` does) rather than by a call: this is the
    hot path of every forward pass.
    """
    name, method = op.name, op.method_name
    locals_ = op.local

    def node(indent: str, da: str, b: str, db: str, const: str) -> str:
        return (
            f"{indent}node = _new(Value)\n"
            f"{indent}node.data = out\n"
            f"{indent}node.grad = 0.0\n"
            f"{indent}node.label = ''\n"
            f"{indent}node.op = {name!r}\n"
            f"{indent}node.const = {const}\n"
            f"{indent}node._a = self\n"
            f"{indent}node._da = {da}\n"
            f"{indent}node._b = {b}\n"
            f"{indent}node._db = {db}\n"
            f"{indent}node._mark = None\n"
            f"{indent}return node\n"
        )

    if op.arity == 1:
        return (
            f"def {method}(self):\n"
            f"    x = self.data\n"
            f"    out = {op.value}\n"
            + node("    ", locals_[0], "None", "0.0", "None")
        )
    # binary: the second operand is a Value, or a number folded into the node as const
    return (
        f"def {method}(self, other):\n"
        f"    x = self.data\n"
        f"    if isinstance(other, Value):\n"
        f"        y = other.data\n"
        f"        out = {op.value}\n"
        + node("        ", locals_[0], "other", locals_[1], "None")
        + f"    y = as_float(other)\n"
        f"    if y is None:\n"
        f"        return NotImplemented\n"
        f"    out = {op.value}\n"
        + node("    ", locals_[0], "None", "0.0", "y")
    )


def _install(op: Op) -> None:
    namespace: dict[str, Any] = {**HELPERS, "_new": _new, "as_float": as_float, "Value": Value}
    exec(compile(method_source(op), f"<deltagrad op {op.name}>", "exec"), namespace)  # noqa: S102
    function = namespace[op.method_name]
    function.__doc__ = f"{op.doc}\n\n{op.text}."
    function.__qualname__ = f"Value.{op.method_name}"
    setattr(Value, op.method_name, function)


for _op in OPS.values():
    _install(_op)
