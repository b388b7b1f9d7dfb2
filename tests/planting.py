"""The slips of a generated exercise that can be planted in one answer and named by the checker."""

from __future__ import annotations

from collections.abc import Iterator, Set
from typing import Any

from deltagrad.nn.exercise import Exercise


def plantable(ex: Exercise, table: dict[tuple[str, str], tuple[float, list[Any]]], section: str, name: str,
              skip: Set[str] = frozenset()) -> Iterator[tuple[Any, float]]:
    """(slip, typed value) for each slip of the answer ``section/name`` (in ``table``, the
    exercise's `Exercise.slips`) that `Exercise.check`
    diagnoses as that slip alone when typed there: a "rounding" slip is typed 0.8% off, and
    is left out of the updates; a slip with the right value, or one that gives another slip's
    number, is left out; so are the codes in ``skip``."""
    right, slips = table[(section, name)]
    for s in slips:
        if s.code in skip or s.code != "rounding" and abs(s.value - right) <= 1e-12 * abs(right):
            continue
        if s.code == "rounding" and section == "updated":
            continue
        value = right * 1.008 if s.code == "rounding" else s.value
        given = {"gradients": {name: ex.expected()["gradients"][name]}} if section == "updated" else {}
        row = ex.check({section: {name: value}, **given}).rows[-1]
        if row.verdict == "wrong" and row.diagnosis == s.code:
            yield s, value
