"""The op table: every primitive operation, declared once.

An entry says everything each reader of the graph needs to know about one op:

- ``value``: its float forward, as a Python expression in ``x`` (and ``y``, the second
  operand or a folded number);
- ``local``: d(out)/d(operand) for each operand, as expressions in ``x``, ``y`` and
  ``out``. The engine evaluates these strings when it builds a node and the compiler
  pastes them into the code it generates, so eager and compiled agree bit for bit;
- ``value_local``: the same derivatives written as `Value` operations, so that a gradient
  can itself be differentiated (`autograd.grad(..., create_graph=True)`);
- ``text``: the derivative for people, shown by the picture, the stepper and the demo;
- ``symbol`` and ``formula``: how the op is written in a picture or an explanation.

Adding an op is one `Op(...)` in `OPS` (plus a float helper here if it needs one): the
engine gives `Value` a method of that name, `compile_graph`, `draw_dot`, `gradcheck` and
the higher-order `grad` read the same entry, and the test suite walks the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NAN = float("nan")
_INF = float("inf")


# -- float helpers: IEEE 754 results (inf, nan) where Python's math raises -----------------
def _pow(base: float, exponent: float) -> float:
    """``base ** exponent`` with IEEE 754 results (inf, nan) instead of exceptions."""
    if exponent == -1.0:
        return _div(1.0, base)  # exactly 1/x, so that x ** -1 is the reciprocal to the bit
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


def _exponent_grad(base: float, exponent: float, out: float) -> float:
    """d(a^b)/db = a^b ln a; 0 where a = 0 and b >= 0 (as PyTorch), nan for a < 0."""
    if base > 0.0:
        return out * math.log(base)
    return 0.0 if base == 0.0 and exponent >= 0.0 else _NAN


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


def _div(a: float, b: float) -> float:
    """``a / b`` with IEEE 754 results for a zero divisor."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow: for x < 0 the same value as e^x / (1 + e^x)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # e^x < 1 here: no overflow
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large |x|."""
    if x != x:
        return x
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def _step(x: float) -> float:
    """relu's derivative: 1 where x > 0, else 0 (0 at the kink, as PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


# The names the expressions below may call: the engine and the generated code see these.
HELPERS: dict[str, Any] = {
    "_pow": _pow,
    "_power_rule": _power_rule,
    "_exponent_grad": _exponent_grad,
    "_exp": _exp,
    "_log": _log,
    "_div": _div,
    "_sigmoid": _sigmoid,
    "_softplus": _softplus,
    "_tanh": math.tanh,
    "_step": _step,
    "_INF": _INF,
    "_NAN": _NAN,
}

# Value-level derivatives get the operands as Values (y may be a float: a folded number)
# and the node itself as ``out``; they return one Value or float per operand.
ValueLocal = Callable[[Any, Any, Any], tuple[Any, ...]]


@dataclass(frozen=True)
class Op:
    """One primitive operation: how to compute it, differentiate it and show it."""

    name: str  # Value.op, and for unary ops the name of the Value method
    arity: int  # 1, or 2 (the second operand a Value or a number folded into the node)
    value: str  # float forward, in x (and y)
    local: tuple[str, ...]  # d(out)/d(operand) per operand, in x, y and out
    value_local: ValueLocal  # the same derivatives as Value operations
    text: str  # the derivative for people
    symbol: str  # as drawn in a picture
    formula: str  # the forward for people, in x (and y)
    doc: str  # the docstring of the Value method
    gate: bool = False  # the local derivative is 0 or 1 and selects the gradient (relu)
    method: str = ""  # the Value method's name, when not ``name`` (the operators)
    torch: str = ""  # the same op in PyTorch, in x (and y), for `autograd.torch_source`
    local_text: tuple[str, ...] = ()  # each local derivative for people, in x, y and out

    @property
    def method_name(self) -> str:
        """The name of the `Value` method that applies this op."""
        return self.method or self.name

    def evaluate(self, x: float, y: float = 0.0) -> float:
        """The op's float value at ``x`` (and ``y``)."""
        return _compiled(self.value, ("x", "y"))(x, y)  # type: ignore[no-any-return]

    def local_grads(self, x: float, y: float = 0.0) -> tuple[float, ...]:
        """d(out)/d(operand) for each operand at ``x`` (and ``y``), in floats."""
        out = self.evaluate(x, y)
        return tuple(_compiled(expr, ("x", "y", "out"))(x, y, out) for expr in self.local)


def float_function(name: str) -> Callable[[float], float]:
    """The float forward of the unary op ``name`` as a function (plain-float inference)."""
    op = OPS.get(name)
    if op is None or op.arity != 1:
        raise ValueError(f"no unary op {name!r} in the table; expected one of {', '.join(UNARY)}")
    return _compiled(op.value, ("x",))


_CACHE: dict[tuple[str, tuple[str, ...]], Callable[..., float]] = {}


def _compiled(expr: str, args: tuple[str, ...]) -> Callable[..., float]:
    """A table expression as a function of ``args`` (for tools; the engine inlines them)."""
    key = (expr, args)
    if key not in _CACHE:
        _CACHE[key] = eval(f"lambda {', '.join(args)}: {expr}", dict(HELPERS))  # noqa: S307
    return _CACHE[key]


def _add_locals(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    return (1.0, 1.0)


def _mul_locals(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    return (y, x)  # d(xy)/dx = y, d(xy)/dy = x


def _pow_locals(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    b = y.data if hasattr(y, "data") else y
    # d/dx = y x^(y-1) (0 for y = 0, as the float rule); d/dy = x^y ln x (0 at x = 0, y >= 0)
    d_base = 0.0 if b == 0.0 else (x ** (y - 1.0)) * y
    a = x.data
    d_exp = out * x.log() if a > 0.0 else _exponent_grad(a, b, out.data)
    return (d_base, d_exp)


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to the table (the engine then gives `Value` its method)."""
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is already in the table")
    if op.arity not in (1, 2) or len(op.local) != op.arity or len(op.local_text) not in (0, op.arity):
        raise ValueError(f"op {op.name!r}: arity {op.arity} needs one local derivative (and text) per operand")
    OPS[op.name] = op
    return op


register(Op(
    "+", 2, "x + y", ("1.0", "1.0"), _add_locals,
    text="d(x + y)/dx = 1,  d(x + y)/dy = 1", symbol="+", formula="x + y",
    doc="x + y (a number is folded into the node as ``const``)", method="__add__", torch="x + y", local_text=("1", "1"),
))
register(Op(
    "*", 2, "x * y", ("y", "x"), _mul_locals,
    text="d(x y)/dx = y,  d(x y)/dy = x", symbol="·", formula="x · y",
    doc="x * y (a number is folded into the node as ``const``)", method="__mul__", torch="x * y", local_text=("y", "x"),
))
register(Op(
    "**", 2, "_pow(x, y)", ("_power_rule(x, y)", "_exponent_grad(x, y, out)"), _pow_locals,
    text="d(x^y)/dx = y x^(y-1),  d(x^y)/dy = x^y ln x", symbol="^", formula="x ^ y",
    doc="x ** y, with IEEE results (inf, nan) instead of exceptions", method="__pow__", torch="x ** y",
    local_text=("y x^(y - 1)", "x^y ln x"),
))
register(Op(
    "exp", 1, "_exp(x)", ("out",), lambda x, y, out: (out,),
    text="d exp(x)/dx = exp(x)", symbol="exp", formula="exp(x)",
    doc="e ** self (inf on overflow).", torch="torch.exp(x)", local_text=("out",),
))
register(Op(
    "log", 1, "_log(x)", ("_div(1.0, x)",), lambda x, y, out: (x**-1.0,),
    text="d ln(x)/dx = 1/x", symbol="log", formula="ln(x)",
    doc="Natural logarithm: -inf at 0 and nan below 0, as in IEEE 754.", torch="torch.log(x)",
    local_text=("1/x",),
))
register(Op(
    "sigmoid", 1, "_sigmoid(x)", ("out * (1.0 - out)",), lambda x, y, out: (out * (1.0 - out),),
    text="d sigmoid(x)/dx = s (1 - s), with s = sigmoid(x)", symbol="σ", formula="sigmoid(x)",
    doc="1 / (1 + e^-x), computed without overflow over the whole float range.", torch="torch.sigmoid(x)",
    local_text=("out (1 - out)",),
))
register(Op(
    "tanh", 1, "_tanh(x)", ("1.0 - out * out",), lambda x, y, out: (1.0 - out * out,),
    text="d tanh(x)/dx = 1 - t^2, with t = tanh(x)", symbol="tanh", formula="tanh(x)",
    doc="Hyperbolic tangent.", torch="torch.tanh(x)", local_text=("1 - out^2",),
))
register(Op(
    "relu", 1, "x if not x <= 0.0 else 0.0", ("1.0 if x > 0.0 else 0.0",), lambda x, y, out: (_step(x.data),),
    text="d relu(x)/dx = 1 if x > 0 else 0", symbol="relu", formula="relu(x)",
    doc="max(0, x); the derivative at 0 is taken as 0, and nan passes through.", gate=True,
    torch="torch.relu(x)", local_text=("[x > 0]",),
))
register(Op(
    "softplus", 1, "_softplus(x)", ("_sigmoid(x)",), lambda x, y, out: (x.sigmoid(),),
    text="d softplus(x)/dx = sigmoid(x)", symbol="softplus", formula="ln(1 + exp(x))",
    doc="ln(1 + e^x), stable for large |x|; its derivative is sigmoid(x).",
    torch="torch.nn.functional.softplus(x)", local_text=("sigmoid(x)",),
))

UNARY = tuple(name for name, op in OPS.items() if op.arity == 1)
GATES = frozenset(name for name, op in OPS.items() if op.gate)
