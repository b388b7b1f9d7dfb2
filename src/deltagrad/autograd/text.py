"""Plain text for people: numbers as they are read, and aligned tables.

Every floor uses these (the gradient tables of `nn`, the command's walk-through, the
PyTorch comparison), so they live at the bottom, beside the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from deltagrad.i18n import localize_number


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned text columns under a header rule: the first left-aligned, the rest right-aligned.

    Widths count characters, so names of any length (``z1[10]``) keep the columns aligned.
    """
    n = len(header)
    for i, row in enumerate(rows):
        if len(row) != n:
            raise ValueError(f"format_table() row {i} has {len(row)} cells, the header {n}")
    widths = [max(len(str(row[c])) for row in [header, *rows]) for c in range(n)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(cell).ljust(w) if c == 0 else str(cell).rjust(w)
            for c, (cell, w) in enumerate(zip(cells, widths))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def fixed(x: float, digits: int = 4, sign: bool = False) -> str:
    """``x`` with ``digits`` decimals; a result that rounds to zero prints as ``0``, never ``-0``.
    The decimal mark is the language's (``0,5424`` in Russian)."""
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    if math.isfinite(x) and float(text) == 0.0:
        text = f"{0.0:+.{digits}f}" if sign else f"{0.0:.{digits}f}"
    return localize_number(text)


def significant(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits, as a person reads it: ``0.001034``,
    ``-0.0004138``, ``1.7e-18``, ``12.35``; zero (of either sign) is ``0``. The decimal
    mark is the language's (``0,001034`` in Russian)."""
    if x == 0.0:
        return "0"
    if not math.isfinite(x):
        return "nan" if x != x else ("inf" if x > 0 else "-inf")
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return localize_number(text)


def did_you_mean(name: object, choices: list[str], n: int = 3) -> str:
    """``"; did you mean 'a' or 'b'?"`` for the valid names closest to ``name``, or ``""``."""
    import difflib

    near = difflib.get_close_matches(str(name), choices, n=n)
    return f"; did you mean {' or '.join(map(repr, near))}?" if near else ""


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def parse_number(text: object) -> float:
    """A number a learner typed: ``0.17``, ``0,17`` (the decimal comma of Russian
    textbooks), ``-1.2e-2``, ``.5``, with spaces around it; ``inf`` and ``nan`` are refused.

    TypeError for anything but a str; ValueError naming the text for anything that is not
    one plain decimal number (``1,000.5`` and ``1.2.3`` are not).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_number() expects a str, got {type(text).__name__}: {text!r}")
    stripped = text.strip().replace("\u2212", "-")  # the typographic minus sign
    if len(stripped) > 100 or not _NUMBER.fullmatch(stripped):
        shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
        raise ValueError(f"not a number: {shown!r} (expected a decimal number such as 0.17 or 0,17)")
    value = float(stripped.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {stripped!r}")
    return value
