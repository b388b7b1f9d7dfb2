"""The op table: what every reader of a graph needs to know about each primitive op.

The ops themselves, their values and their derivatives, are the `Value` methods in
`deltagrad.autograd.engine` (``Value.tanh``, ``Value.__mul__``, ...): ordinary Python,
written once. This module holds what those methods call and what people read:

- the float helpers the rules call (``_exp``, ``_div``, ...), each with the IEEE 754
  result (inf, nan) where Python's ``math`` raises. The JavaScript runtime
  (``js/runtime.js``) has one function of the same name for each;
- for a helper that is a derivative with branches (relu's step, the power rule), its
  form on `Value`s, so that a gradient can be differentiated again: `VALUE_FORMS`;
- the table `OPS`: for each op the text for people (``text``, ``local_text``,
  ``symbol``), its PyTorch spelling (``torch``), and whether it is a gate.

`deltagrad.autograd.trace` reads each method once with symbolic operands, which gives
the source the compiler writes (Python or JavaScript) and the derivative on `Value`s that
`grad(create_graph=True)` uses. Adding an op is a method in the engine, an `Op(...)`
here, and a helper (with its JavaScript twin) if the float forward needs one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deltagrad.i18n import N_, _

_NAN = float("nan")
_INF = float("inf")


# -- float helpers: IEEE 754 results (inf, nan) where Python's math raises -----------------
def _div(a: float, b: float) -> float:
    """``a / b``, a true division, with IEEE 754 results for a zero divisor."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return _NAN
        return math.copysign(_INF, a) * math.copysign(1.0, b)


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
    """d(x^y)/dx = y x^(y-1); 0 where y = 0 and x^(y-1) is not finite (x = 0: as PyTorch)."""
    p = _pow(base, exponent - 1.0)
    if exponent == 0.0 and not math.isfinite(p):
        return 0.0  # y x^(y-1) would be 0 * inf
    return exponent * p


def _exponent_grad(base: float, exponent: float, out: float) -> float:
    """d(x^y)/dy = x^y ln x; 0 where x = 0 and y >= 0 (as PyTorch), -inf at 0^y for y < 0."""
    if base == 0.0 and exponent >= 0.0:
        return 0.0
    return out * _log(base)


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
    if x == 0.0:
        return -_INF
    return x if x != x else _NAN


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow: for x < 0 the same value as e^x / (1 + e^x)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return x
    e = _exp(x)  # e^x < 1 here: no overflow
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large |x|."""
    if x != x:
        return x
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


_tanh = math.tanh  # never raises: tanh is in [-1, 1], nan for nan


def _relu(x: float) -> float:
    """max(0, x); nan passes through."""
    return x if not x <= 0.0 else 0.0


def _step(x: float) -> float:
    """relu's derivative: 1 where x > 0, else 0 (0 at the kink, as PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


def _sqrt(x: float) -> float:
    """The square root: nan below 0, -0.0 at -0.0 (IEEE), inf at inf."""
    if x >= 0.0:
        return math.sqrt(x)
    return x if x != x else _NAN


_abs = math.fabs  # |x|, never raises


def _sign(x: float) -> float:
    """abs's derivative: -1, 0 or 1 (0 at 0, as torch.sign), nan for nan."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x == 0.0 else x


def _sin(x: float) -> float:
    """sin x; nan at +-inf (IEEE) where math.sin raises."""
    return math.sin(x) if math.isfinite(x) else x - x


def _cos(x: float) -> float:
    """cos x; nan at +-inf (IEEE) where math.cos raises."""
    return math.cos(x) if math.isfinite(x) else x - x


def _log_times(x: float, w: float) -> float:
    """w ln x, and 0 where w = 0 (also at x = 0, where ln x is -inf: torch.special.xlogy)."""
    if w == 0.0 and x == x:
        return 0.0
    return w * _log(x)


def _log_times_grad(x: float, w: float) -> float:
    """d(w ln x)/dx = w / x; 0 where w = 0 and x is 0 (the term is 0 for every x there)."""
    if w == 0.0 and (x == 0.0 or x != x):
        return 0.0
    return _div(w, x)


def _logsumexp(xs: Sequence[float]) -> float:
    """ln(sum e^x_i), shifted by the largest x so that no e^x overflows: m + ln sum e^(x_i - m).

    The terms are added left to right (the JavaScript runtime does the same). nan if any x
    is nan; +inf if any is +inf; -inf if all are -inf.
    """
    m = -_INF
    for x in xs:
        if x != x:
            return x
        if x > m:
            m = x
    if m == _INF or m == -_INF:
        return m
    total = 0.0
    for x in xs:
        total += math.exp(x - m)  # x - m <= 0: no overflow
    return m + math.log(total)


# The helpers by the name the rules call them with: the engine, the compiled code and the
# tracer see these. JavaScript's runtime has each one without the underscore.
HELPERS: dict[str, Callable[..., float]] = {
    "_div": _div,
    "_pow": _pow,
    "_power_rule": _power_rule,
    "_exponent_grad": _exponent_grad,
    "_exp": _exp,
    "_log": _log,
    "_sigmoid": _sigmoid,
    "_softplus": _softplus,
    "_tanh": _tanh,
    "_relu": _relu,
    "_step": _step,
    "_sqrt": _sqrt,
    "_abs": _abs,
    "_sign": _sign,
    "_sin": _sin,
    "_cos": _cos,
    "_log_times": _log_times,
    "_log_times_grad": _log_times_grad,
    "_logsumexp": _logsumexp,
}


# -- derivative helpers on Values (for gradients of gradients) -----------------------------
# A helper that is an op's forward is, on Values, that op (``_tanh(v)`` is ``v.tanh()``: see
# `deltagrad.autograd.trace`). The derivative helpers below have branches; on Values they
# keep every dependence on the operands, and are a number only where the derivative is
# constant (a step) or does not exist. Each one's ``.data`` equals the float helper's, to the bit.
def _data(v: Any) -> float:
    return v.data if hasattr(v, "data") else v  # type: ignore[no-any-return]


def _step_on_values(x: Any) -> float:
    return _step(_data(x))  # 0 or 1: its own derivative is 0


def _sign_on_values(x: Any) -> float:
    return _sign(_data(x))  # -1, 0 or 1: its own derivative is 0


def _power_rule_on_values(base: Any, exponent: Any) -> Any:
    # y x^(y-1), a Value in both x and y, so that d/dy at y = 0 is x^-1 (not 0)
    if _data(exponent) == 0.0 and not math.isfinite(_pow(_data(base), -1.0)):
        return 0.0  # at x = 0 the float rule's convention (PyTorch's); d/dy is infinite there
    return exponent * base ** (exponent - 1.0)


def _exponent_grad_on_values(base: Any, exponent: Any, out: Any) -> Any:
    if _data(base) == 0.0 and _data(exponent) >= 0.0:
        return 0.0  # 0^y = 0 for every y > 0 nearby: constant in y
    return out * base.log()


def _log_times_grad_on_values(x: Any, w: Any) -> Any:
    if _data(w) == 0.0 and (_data(x) == 0.0 or _data(x) != _data(x)):
        return 0.0  # w / x is 0 / 0 here; the term w ln x is 0 for w = 0
    return w / x


VALUE_FORMS: dict[str, Callable[..., Any]] = {
    "_log_times_grad": _log_times_grad_on_values,
    "_step": _step_on_values,
    "_sign": _sign_on_values,
    "_power_rule": _power_rule_on_values,
    "_exponent_grad": _exponent_grad_on_values,
}


@dataclass(frozen=True)
class Op:
    """One primitive operation as people and other tools read it (the rule is the method)."""

    name: str  # Value.op: the key of the table
    arity: int  # 1, 2 (the second operand a Value or a number folded into the node), or 0: n-ary
    symbol: str  # as drawn in a picture
    text: str  # the derivative for people (N_-marked where it has words: show it as _(text))
    local_text: tuple[str, ...]  # each local derivative for people, in x, y and out
    torch: str  # the same op in PyTorch, in x (and y; ``xs`` for an n-ary op)
    method: str = ""  # the Value method (or engine function) that applies it, when not ``name``
    gate: bool = False  # the local derivative is 0 or 1 and selects the gradient (relu)

    @property
    def method_name(self) -> str:
        """The name of the `Value` method (for an n-ary op: the engine function) that applies it."""
        return self.method or self.name

    def apply(self, *operands: Any) -> Any:
        """The op applied to ``operands`` (Values, or a number as a binary op's second)."""
        from . import engine

        if self.arity == 0:
            return getattr(engine, self.method_name)(list(operands))
        return getattr(engine.Value, self.method_name)(*operands)

    def evaluate(self, x: float, y: float = 0.0) -> float:
        """The op's float value at ``x`` (and ``y``)."""
        from .engine import Value

        return float(self.apply(Value(x), y).data if self.arity == 2 else self.apply(Value(x)).data)

    def local_grads(self, x: float, y: float = 0.0) -> tuple[float, ...]:
        """d(out)/d(operand) for each operand at ``x`` (and ``y``), in floats."""
        from .engine import Value

        node = self.apply(Value(x), Value(y)) if self.arity == 2 else self.apply(Value(x))
        return tuple(node.local_grads)


def float_function(name: str) -> Callable[[float], float]:
    """The float forward of the unary op ``name`` as a function (plain-float inference)."""
    op = OPS.get(name)
    if op is None or op.arity != 1:
        raise ValueError(_("no unary op {name!r} in the table; expected one of {names}").format(
            name=name, names=", ".join(UNARY)))
    from .trace import forward_helper

    return HELPERS[forward_helper(op)]


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to the table (its method must exist in the engine)."""
    if op.name in OPS:
        raise ValueError(_("op {name!r} is already in the table").format(name=op.name))
    if op.arity not in (0, 1, 2) or len(op.local_text) != max(op.arity, 1):
        raise ValueError(_("op {name!r}: arity {arity} needs one local derivative text per operand").format(
            name=op.name, arity=op.arity))
    OPS[op.name] = op
    return op


register(Op("+", 2, "+", "d(x + y)/dx = 1,  d(x + y)/dy = 1", ("1", "1"), "x + y", method="__add__"))
register(Op("*", 2, "·", "d(x y)/dx = y,  d(x y)/dy = x", ("y", "x"), "x * y", method="__mul__"))
register(Op("/", 2, "÷", "d(x / y)/dx = 1/y,  d(x / y)/dy = -x/y^2", ("1/y", "-out/y"), "x / y",
            method="__truediv__"))
register(Op("**", 2, "^", "d(x^y)/dx = y x^(y-1),  d(x^y)/dy = x^y ln x", ("y x^(y - 1)", "x^y ln x"),
            "x ** y", method="__pow__"))
register(Op("log_times", 2, "ln·", "d(y ln x)/dx = y/x (0 where y = 0),  d(y ln x)/dy = ln x",
            ("y/x", "ln x"), "torch.special.xlogy(y, x)"))
register(Op("exp", 1, "exp", "d exp(x)/dx = exp(x)", ("out",), "torch.exp(x)"))
register(Op("log", 1, "log", "d ln(x)/dx = 1/x", ("1/x",), "torch.log(x)"))
register(Op("sigmoid", 1, "σ", N_("d sigmoid(x)/dx = s (1 - s), with s = sigmoid(x)"), ("out (1 - out)",),
            "torch.sigmoid(x)"))
register(Op("tanh", 1, "tanh", N_("d tanh(x)/dx = 1 - t^2, with t = tanh(x)"), ("1 - out^2",), "torch.tanh(x)"))
register(Op("relu", 1, "relu", N_("d relu(x)/dx = 1 if x > 0 else 0"), ("[x > 0]",), "torch.relu(x)", gate=True))
register(Op("softplus", 1, "softplus", "d softplus(x)/dx = sigmoid(x)", ("sigmoid(x)",),
            "torch.nn.functional.softplus(x)"))
register(Op("sqrt", 1, "√", "d sqrt(x)/dx = 1 / (2 sqrt(x))", ("1 / (2 out)",), "torch.sqrt(x)"))
register(Op("abs", 1, "abs", N_("d |x|/dx = sign(x) (0 at 0)"), ("sign(x)",), "torch.abs(x)"))
register(Op("sin", 1, "sin", "d sin(x)/dx = cos(x)", ("cos(x)",), "torch.sin(x)"))
register(Op("cos", 1, "cos", "d cos(x)/dx = -sin(x)", ("-sin(x)",), "torch.cos(x)"))
register(Op("logsumexp", 0, "logsumexp", N_("d logsumexp(x)/dx_i = exp(x_i - out) (the softmax)"),
            ("exp(x_i - out)",), "torch.logsumexp(torch.stack([xs]), 0)"))

UNARY = tuple(name for name, op in OPS.items() if op.arity == 1)
GATES = frozenset(name for name, op in OPS.items() if op.gate)
