"""One validation helper per kind of argument, for every floor.

The rule everywhere: the wrong kind of thing is a TypeError, a wrong value a ValueError,
and the message says what was received and what was expected. "A number" is any
`numbers.Real` (NumPy's scalars included, without importing NumPy) except ``bool``; "a
whole number" any `numbers.Integral` (``np.int64``) except ``bool``; "a sequence" a list,
a tuple, a NumPy array or anything else with a length that iterates in order, but not a
string, a mapping or a set.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any

from deltagrad.i18n import _

__all__ = ["choice", "is_sequence", "number_in_range", "real", "real_sequence", "sequence", "whole"]


def _shown(value: object) -> str:
    """``value`` for a message: its type and a short repr (a 5,000-digit int stays short)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        digits = len(str(abs(int(value)))) if abs(int(value)) < 10**1000 else 1001
        if digits > 30:
            return _("an int of {digits} digits").format(digits=digits if digits <= 1000 else _("over 1,000"))
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__}: {text}"


def real(value: object, name: str, *, finite: bool = False) -> float:
    """``value`` as a float: TypeError unless it is a real number (not a bool), ValueError
    naming its size when it is too large for a float (``10**400``, ``Fraction(10**400, 3)``),
    and with ``finite`` for nan and inf."""
    if type(value) is float:
        result = value
    else:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(_("{name} must be a number, got {got}").format(name=name, got=_shown(value)))
        try:
            result = float(value)
        except OverflowError:
            if isinstance(value, numbers.Integral):
                size = _("{digits} digits").format(digits=len(str(abs(int(value)))))
            else:
                size = _("about 10^{power}").format(power=_log10(value))
            raise ValueError(_("{name} is too large for a float ({size}; the largest is about 1.8e308)").format(
                name=name, size=size)) from None
    if finite and not math.isfinite(result):
        raise ValueError(_("{name} must be a finite number, got {value!r}").format(name=name, value=result))
    return result


def _log10(value: object) -> str:
    try:
        num, den = value.numerator, value.denominator  # type: ignore[attr-defined]
        return str(len(str(abs(num))) - len(str(den)))
    except (AttributeError, TypeError, ValueError):
        return "308+"



def number_in_range(value: object, name: str, low: float, high: float, *, low_open: bool = False,
                    high_open: bool = False) -> float:
    """`real`, within [low, high] (an end open where asked); ValueError naming the range."""
    v = real(value, name)
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    if not (above and below) or math.isnan(v):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(_("{name} must be in {interval}, got {value!r}").format(
            name=name, interval=interval, value=value))
    return v


def whole(value: object, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int: TypeError unless it is a whole number (``np.int64`` counts, a
    bool or a float does not), ValueError outside [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(_("{name} must be an int (a whole number), got {got}").format(name=name, got=_shown(value)))
    n = int(value)
    if low is not None and n < low:
        raise ValueError(_("{name} must be at least {low}, got {value}").format(name=name, low=low, value=n))
    if high is not None and n > high:
        raise ValueError(_("{name} must be at most {high:,}, got {value}").format(
            name=name, high=high, value=n if n < 10**30 else _shown(n)))
    return n


def is_sequence(value: object) -> bool:
    """True for a list, tuple, NumPy array or other ordered collection with a length; False
    for a string, bytes, a mapping, a set and anything without a length."""
    if isinstance(value, (str, bytes, bytearray, Mapping, Set)):
        return False
    if isinstance(value, Sequence):
        return True
    # NumPy arrays (and array-likes) are not registered as Sequence: a length, an order.
    return hasattr(value, "__len__") and hasattr(value, "__getitem__") and isinstance(value, Iterable) and \
        getattr(value, "ndim", 1) != 0


def sequence(value: object, name: str, *, length: int | None = None, what: str = "values") -> list[Any]:
    """``value`` as a list (`is_sequence`): TypeError for anything else, ValueError for the
    wrong length."""
    if not is_sequence(value):
        raise TypeError(_("{name} must be a list of {what}, got {got}").format(
            name=name, what=what, got=type(value).__name__))
    items: list[Any] = list(value)  # type: ignore[call-overload]
    if length is not None and len(items) != length:
        raise ValueError(_("{name} must have {length} {what}, got {got}").format(
            name=name, length=length, what=what, got=len(items)))
    return items


def real_sequence(value: object, name: str, *, length: int | None = None, finite: bool = False) -> list[float]:
    """``value`` as a list of floats: any sequence of real numbers (`sequence`, `real`),
    each element named ``name[i]`` in messages."""
    items = sequence(value, name, length=length, what=_("values"))
    return [real(v, f"{name}[{i}]", finite=finite) for i, v in enumerate(items)]


def choice(value: object, name: str, choices: Iterable[str], kind: str | None = None) -> str:
    """``value`` if it is one of ``choices``: TypeError for a non-string, ValueError naming
    the choices (and the nearest ones) for an unknown name. ``name`` is the argument,
    ``kind`` what its values are ("activation" for ``output_activation``)."""
    from .text import did_you_mean

    options = list(choices)
    if not isinstance(value, str):
        raise TypeError(_("{name} must be a name, one of {choices}; got {got}").format(
            name=name, choices=", ".join(options), got=_shown(value)))
    if value not in options:
        raise ValueError(_("unknown {kind} {value!r}; expected one of {choices}{hint}").format(
            kind=kind or name, value=value, choices=", ".join(options), hint=did_you_mean(value, options)))
    return value
