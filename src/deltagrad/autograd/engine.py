"""The scalar `Value`: every operation records its operands and local derivatives.

Each op is a method below (``Value.__mul__``, ``Value.tanh``, ...), in micrograd's shape:
the value, then the local derivative d(out)/d(operand) right under it, written once as
ordinary Python. That same code serves every reader: `backward` multiplies the floats it
stores; `deltagrad.autograd.trace` reads each method once with symbolic operands, which
gives the source `compile_graph` writes (so the replay computes exactly these floats) and
the derivative on `Value`s that `grad(create_graph=True)` differentiates again. The text
for people (``text``, ``local_text``, ``symbol``) is in the op table, `autograd.ops.OPS`.

A node keeps its operands and their local derivatives in its own slots, ``_a, _da`` and
``_b, _db`` (an n-ary node keeps tuples in ``_a, _da``): no closure and no extra container
per node, so a graph is plain data with no reference cycles and one object per operation
for Python's garbage collector to look at; `_node` fills them. A number on either side
of an operator is folded into the node as ``const`` instead of becoming a leaf.

Both `backward` and `grad` use the numbers of the forward pass: the local derivatives are
computed when a node is made, so a ``.data`` changed afterwards is not seen by either.
"""

from __future__ import annotations

import gc
import numbers
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Union

from deltagrad.i18n import _

from .arguments import real
from .ops import (
    GATES,
    OPS,
    Op,
    _abs,
    _cos,
    _div,
    _exp,
    _exponent_grad,
    _log,
    _log_times,
    _log_times_grad,
    _logsumexp,
    _pow,
    _power_rule,
    _relu,
    _sigmoid,
    _sign,
    _sin,
    _softplus,
    _sqrt,
    _step,
    _tanh,
)

Number = int | float
Operand = Union["Value", int, float]  # noqa: UP007  (a forward reference)


def as_float(x: object, what: str = "the number") -> float | None:
    """``x`` as a float if it is a real number (not a Value, not a bool), else None.

    The engine's conversion of a number that comes in: an int, a Fraction or a NumPy scalar
    too large for a float raises ValueError naming ``what`` and its size (never a bare
    OverflowError), through `deltagrad.autograd.arguments.real`, the one rule for numbers.
    """
    if type(x) is float:
        return x  # the common case: no conversion, no new object
    if isinstance(x, numbers.Real) and not isinstance(x, (Value, bool)):
        return real(x, what)
    return None


def to_float(x: object, what: str) -> float:
    """``x`` as a float: TypeError naming ``what`` for anything but a real number (a Value
    and a bool included), ValueError for one too large for a float."""
    value = as_float(x, what)
    if value is None:
        raise TypeError(_("{what} must be a real number, got {kind}: {value!r}").format(
            what=what, kind=type(x).__name__, value=x))
    return value


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
    _a: Any  # first operand (a Value), the operands of an n-ary node (a tuple), or None
    _da: Any  # d(self)/d(_a); for an n-ary node a tuple, or None for a sum (all 1)
    _b: Value | None  # second operand of a binary op
    _db: Any  # d(self)/d(_b)
    _mark: Any  # scratch for one pass: the sort's progress mark, then backward's running sum

    def __init__(self, data: Number, label: str = "") -> None:
        value = as_float(data, "Value() data")
        if value is None:
            raise TypeError(_("Value() expects a real number (int, float, ...), got {kind}: {value!r}").format(
                kind=type(data).__name__, value=data))
        if not isinstance(label, str):
            raise TypeError(_("Value label must be a str, got {kind}: {value!r}").format(
                kind=type(label).__name__, value=label))
        self.data = value
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.const = None
        self._a = self._b = self._mark = None
        self._da = self._db = 0.0

    # -- the primitive ops: each one's value, then its local derivatives ---------------------
    # A binary op's other operand is a Value (b) or a number, folded into the node as
    # ``const``; either way y is its number (a float as it is, anything else through
    # `as_float`, None for what is not a number). `_node`, below the class, makes the node.
    def __add__(self, other: Operand) -> Value:
        """x + y (a number is folded into the node as ``const``)."""
        b = other if isinstance(other, Value) else None  # the second operand, if it is a Value
        y = b.data if b is not None else other if type(other) is float else as_float(other)
        if y is None:
            return NotImplemented  # not a number: Python tries other.__radd__(self)
        x = self.data
        out = x + y
        d_x, d_y = 1.0, 1.0  # d(x + y)/dx = 1, d(x + y)/dy = 1
        return _node(out, "+", self, d_x, b, d_y, y if b is None else None)

    def __mul__(self, other: Operand) -> Value:
        """x * y (a number is folded into the node as ``const``)."""
        b = other if isinstance(other, Value) else None  # the second operand, if it is a Value
        y = b.data if b is not None else other if type(other) is float else as_float(other)
        if y is None:
            return NotImplemented  # not a number: Python tries other.__rmul__(self)
        x = self.data
        out = x * y
        d_x, d_y = y, x  # d(x y)/dx = y, d(x y)/dy = x
        return _node(out, "*", self, d_x, b, d_y, y if b is None else None)

    def __truediv__(self, other: Operand) -> Value:
        """x / y, a true division (not x * (1/y)), with IEEE results at zeros and subnormals."""
        b = other if isinstance(other, Value) else None  # the second operand, if it is a Value
        y = b.data if b is not None else other if type(other) is float else as_float(other)
        if y is None:
            return NotImplemented  # not a number: Python tries other.__rtruediv__(self)
        x = self.data
        out = _div(x, y)
        d_x = _div(1.0, y)  # d(x / y)/dx = 1/y
        d_y = _div(-out, y) if b is not None else 0.0  # d(x / y)/dy = -x/y^2 = -(x/y)/y
        return _node(out, "/", self, d_x, b, d_y, y if b is None else None)

    def __pow__(self, other: Operand) -> Value:
        """x ** y, with IEEE results (inf, nan) instead of exceptions."""
        b = other if isinstance(other, Value) else None  # the second operand, if it is a Value
        y = b.data if b is not None else other if type(other) is float else as_float(other)
        if y is None:
            return NotImplemented  # not a number: Python tries other.__rpow__(self)
        x = self.data
        out = _pow(x, y)
        d_x = _power_rule(x, y)  # d(x^y)/dx = y x^(y-1) (0 for y = 0, as PyTorch)
        d_y = _exponent_grad(x, y, out) if b is not None else 0.0  # d(x^y)/dy = x^y ln x
        return _node(out, "**", self, d_x, b, d_y, y if b is None else None)

    def log_times(self, other: Operand) -> Value:
        """y ln x for a weight y, and exactly 0 where y = 0 (also at x = 0): cross-entropy's terms."""
        b = other if isinstance(other, Value) else None  # the second operand, if it is a Value
        y = b.data if b is not None else other if type(other) is float else as_float(other)
        if y is None:
            raise TypeError(_("log_times() weight must be a Value or a real number, got {kind}").format(
                kind=type(other).__name__))
        x = self.data
        out = _log_times(x, y)
        d_x = _log_times_grad(x, y)  # d(y ln x)/dx = y / x, 0 where y = 0
        d_y = _log(x) if b is not None else 0.0  # d(y ln x)/dy = ln x
        return _node(out, "log_times", self, d_x, b, d_y, y if b is None else None)

    def exp(self) -> Value:
        """e ** x (inf on overflow)."""
        x = self.data
        out = _exp(x)
        d_x = out  # d exp(x)/dx = exp(x)
        return _node(out, "exp", self, d_x)

    def log(self) -> Value:
        """Natural logarithm: -inf at 0 and nan below 0, as in IEEE 754."""
        x = self.data
        out = _log(x)
        d_x = _div(1.0, x)  # d ln(x)/dx = 1/x
        return _node(out, "log", self, d_x)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow over the whole float range."""
        x = self.data
        out = _sigmoid(x)
        d_x = out * (1.0 - out)  # d sigmoid(x)/dx = s (1 - s)
        return _node(out, "sigmoid", self, d_x)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        x = self.data
        out = _tanh(x)
        d_x = 1.0 - out * out  # d tanh(x)/dx = 1 - tanh(x)^2
        return _node(out, "tanh", self, d_x)

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, and nan passes through."""
        x = self.data
        out = _relu(x)
        d_x = _step(x)  # 1 if x > 0 else 0: a gate, it selects the gradient
        return _node(out, "relu", self, d_x)

    def softplus(self) -> Value:
        """ln(1 + e^x), stable for large |x|; its derivative is sigmoid(x)."""
        x = self.data
        out = _softplus(x)
        d_x = _sigmoid(x)  # d softplus(x)/dx = sigmoid(x)
        return _node(out, "softplus", self, d_x)

    def sqrt(self) -> Value:
        """The square root: nan below 0, as in IEEE 754."""
        x = self.data
        out = _sqrt(x)
        d_x = _div(0.5, out)  # d sqrt(x)/dx = 1 / (2 sqrt(x)), inf at 0
        return _node(out, "sqrt", self, d_x)

    def abs(self) -> Value:
        """The absolute value |x|; its derivative at 0 is taken as 0, as torch.sign."""
        x = self.data
        out = _abs(x)
        d_x = _sign(x)  # d |x|/dx = sign(x)
        return _node(out, "abs", self, d_x)

    def sin(self) -> Value:
        """The sine (nan at +-inf)."""
        x = self.data
        out = _sin(x)
        d_x = _cos(x)  # d sin(x)/dx = cos(x)
        return _node(out, "sin", self, d_x)

    def cos(self) -> Value:
        """The cosine (nan at +-inf)."""
        x = self.data
        out = _cos(x)
        d_x = -_sin(x)  # d cos(x)/dx = -sin(x)
        return _node(out, "cos", self, d_x)

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
            return (1.0,) * len(a) if self._da is None else self._da  # type: ignore[no-any-return]
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
                return _node(total, "+", tuple(terms), None)  # da None: every d/dterm is 1
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
                raise TypeError(_("Value.sum() term {i} must be a Value or a real number, got {kind}: {value!r}")
                                .format(i=i, kind=type(term).__name__, value=term))
            const = c if const is None else const + c
        if not values:
            raise ValueError(_("Value.sum() needs at least one Value among its terms, got none"))
        if const is not None:
            total += const
        if len(values) <= 2:  # the ordinary one- or two-operand node
            b = values[1] if len(values) == 2 else None
            return _node(total, "+", values[0], 1.0, b, 1.0, const)
        return _node(total, "+", tuple(values), None, const=const)  # d/dterm = 1: see local_grads

    @staticmethod
    def logsumexp(values: Iterable[Operand]) -> Value:
        """ln(e^x_1 + ... + e^x_n) as one node: `deltagrad.autograd.logsumexp`."""
        return logsumexp(values)

    # -- derived operations: written with the primitives, by identities exact in IEEE ------
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
        return self + (-c)  # a - c = a + (-c)

    def __rsub__(self, other: Operand) -> Value:
        if as_float(other) is None:
            return NotImplemented
        return (-self) + other  # c - a = (-a) + c

    def __rmul__(self, other: Operand) -> Value:
        return self * other  # c a = a c

    def __rtruediv__(self, other: Operand) -> Value:
        c = as_float(other)
        if c is None:
            return NotImplemented
        return Value(c) / self  # c / a: the numerator becomes a leaf, the division stays true

    def __rpow__(self, other: Operand) -> Value:
        c = as_float(other)
        if c is None:
            return NotImplemented
        return Value(c) ** self  # c ** a: the base becomes a leaf so that d/da is recorded

    # -- differentiation -------------------------------------------------------------------
    def backward(self, gradient: float = 1.0) -> None:
        """Add ``gradient`` times d(self)/d(node) to ``.grad`` of every node, self included.

        ``gradient`` is the seed dL/d(self), as in ``torch.Tensor.backward(gradient)``. The
        pass uses the local derivatives stored when each node was made, that is, the
        numbers of the forward pass. Its gradients are summed in each node's scratch slot
        and added to ``.grad`` once per node, so calling it twice adds exactly the same
        amount again. A relu that was off passes exactly 0 on (it selects, it does not
        multiply), so an inf gradient does not become nan there. The graph has no reference
        cycles, so the cyclic garbage collector is paused while the pass runs (it would
        walk the whole live graph, again and again).
        """
        reverse_pass(self, seed=to_float(gradient, "backward() gradient"))


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln(e^x_1 + ... + e^x_n) as one node, stable for any x: the largest x is shifted out.

    Numbers among ``values`` become constant leaves. The local derivative for x_i is
    e^(x_i - out), the softmax, which sums to 1.
    """
    terms = _operands(values, "logsumexp()")
    xs = [t.data for t in terms]
    out = _logsumexp(xs)  # m + ln sum e^(x_i - m), m = max x_i
    d_xs = tuple([_exp(x - out) for x in xs])  # d out/dx_i = e^(x_i - out), the softmax
    return _node(out, "logsumexp", terms, d_xs)


def _operands(values: object, who: str) -> tuple[Value, ...]:
    """``values`` as a tuple of Values (numbers as constant leaves): TypeError, ValueError."""
    if isinstance(values, (str, bytes, Value, set, frozenset, dict)) or not isinstance(values, Iterable):
        raise TypeError(_("{who} expects a list of Values, got {kind}").format(who=who, kind=type(values).__name__))
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            v = Value(to_float(v, f"{who} values[{i}]"))
        out.append(v)
    if not out:
        raise ValueError(_("{who} needs at least one value, got none").format(who=who))
    return tuple(out)


class _GCPause:
    """The cyclic GC paused while any reverse pass runs, and restored by the last one.

    Passes from several threads overlap: a count of running passes, under a lock, so that
    the state seen by the first pass to start is the state the last one to end restores.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._running -= 1
            if self._running == 0 and self._was_enabled:
                gc.enable()


_GC_PAUSE = _GCPause()


def gc_paused() -> _GCPause:
    """A ``with`` block with the cyclic GC paused, as during every reverse pass (blocks in
    several threads may overlap: the last to end restores what the first saw). A graph of
    Values has no cycles, so reference counting frees it; the collector only walks it again
    and again while it grows. `nn.fit` runs each eager step in one: an eager digits epoch
    twice as fast, a 2-16-16-1's full batch in a quarter less time (docs/performance.md)."""
    return _GC_PAUSE


def reverse_pass(root: Value, wanted: Sequence[Value] = (), accumulate: bool = True,
                 seed: float = 1.0) -> list[float]:
    """`Value.backward`'s pass, with the cyclic GC paused (and restored in ``finally``).

    Returns ``seed`` times d(root)/d(v) for each of ``wanted`` (0.0 where root does not
    depend on it); with ``accumulate=False`` no ``.grad`` changes (for `autograd.grad`).
    """
    with gc_paused(), _SORT_LOCK:
        for v in wanted:
            v._mark = _ABSENT  # still there after the pass: not in the graph
        _backward(root, accumulate, seed)
        return [0.0 if v._mark is _ABSENT else v._mark for v in wanted]


_ABSENT = object()


_new = object.__new__


def _node(data: float, op: str, a: Any, da: Any, b: Value | None = None, db: Any = 0.0,
          const: float | None = None) -> Value:
    """An interior node: ``data`` made by ``op`` from operand ``a`` (and ``b``, or a folded
    number ``const``), with the local derivatives ``da`` = d(node)/da and ``db``. An n-ary
    node has the tuple of its operands in ``a`` and of their derivatives in ``da`` (None
    for a sum: every one is 1).

    No checks: the op methods pass what they computed. ``object.__new__`` and the slots
    set here, not ``Value(...)``, skip ``__init__``'s checks of a leaf's data and label.
    """
    node = _new(Value)
    node.data = data
    node.op = op
    node._a = a
    node._da = da
    node._b = b
    node._db = db
    node.const = const
    node.grad = 0.0
    node.label = ""
    node._mark = None
    return node


def _backward(root: Value, accumulate: bool = True, seed: float = 1.0) -> None:
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
        root._mark = seed  # dL/d(root)
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
            elif type(a) is tuple:
                das = node._da
                if das is None:  # an n-ary sum: every local derivative is 1, and g * 1.0 is g
                    for child in a:
                        t = child._mark
                        child._mark = g if t is emitted else t + g
                else:
                    for child, da in zip(a, das):
                        t = child._mark
                        child._mark = g * da if t is emitted else t + g * da
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
        raise TypeError(_("topological_sort() expects a Value, got {kind}").format(kind=type(root).__name__))
    return _order(root)

