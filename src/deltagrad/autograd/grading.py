"""Grading hand-computed gradients: the report that says which answer is the first mistake.

`check_gradients` grades answers for any graph, keyed by node label, in `backward()`'s
order; `nn.check_answers` grades the seed's whole derivation of an MLP with the same report.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from deltagrad.i18n import _

from .arguments import real
from .engine import Value, topological_sort
from .notation import show, show_text
from .text import did_you_mean, format_table, significant

MAX_SUBSETS = 12  # terms of a sum whose subsets are tried for missing-term (2^12 sums at most)
MAX_SIG = 15  # significant figures a float can be held to


def close(a: float, b: float, rtol: float, atol: float) -> bool:
    """|a - b| <= atol + rtol |b|: ``a`` matches ``b``."""
    return abs(a - b) <= atol + rtol * abs(b)


@dataclass(frozen=True)
class Tolerance:
    """When an answer counts as right: to ``sig`` significant figures, or else within
    ``atol + rtol |right|``."""

    rtol: float = 1e-3
    atol: float = 1e-6
    sig: int | None = None

    def __post_init__(self) -> None:
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
                    or not float(value) >= 0:
                raise ValueError(_("{name} must be a finite number >= 0, got {value!r}").format(name=name, value=value))
        if self.sig is not None and (isinstance(self.sig, bool) or not isinstance(self.sig, numbers.Integral)):
            raise TypeError(_("sig must be a whole number, got {kind}: {value!r}").format(
                kind=type(self.sig).__name__, value=self.sig))
        if self.sig is not None and not 1 <= int(self.sig) <= MAX_SIG:
            raise ValueError(_("sig must be from 1 to {most} significant figures, got {value!r}").format(
                most=MAX_SIG, value=self.sig))

    def allowed(self, right: float) -> float:
        """The largest |yours - right| that is still right: half a unit in the ``sig``-th
        significant figure of ``right``, or ``atol + rtol |right|``."""
        if self.sig is None:
            return self.atol + self.rtol * abs(right)
        if right == 0.0 or not math.isfinite(right):
            return self.atol
        unit = 10.0 ** (math.floor(math.log10(abs(right))) - self.sig + 1)
        return 0.5 * unit * (1 + 1e-9)  # the slack keeps 0.1235 right for 0.12345 at 3 figures

    def ok(self, yours: float, right: float) -> bool:
        """``yours`` is right for ``right``."""
        return abs(yours - right) <= self.allowed(right)

    def describe(self) -> str:
        """The tolerance in words, for legends and reports."""
        if self.sig is not None:
            return _("{sig} significant figures").format(sig=self.sig)
        return _("within {rtol:g} relative, {atol:g} absolute").format(rtol=self.rtol, atol=self.atol)

    def to_dict(self) -> dict[str, float | int | None]:
        """The tolerance as JSON data."""
        return {"rtol": self.rtol, "atol": self.atol, "sig": self.sig}


def partial_sums(terms: Sequence[float]) -> Iterator[tuple[tuple[int, ...], float]]:
    """Every sum of some but not all of ``terms``, with the indices kept: the values a
    missing-term slip gives. None for one term, or for more than `MAX_SUBSETS`."""
    if not 2 <= len(terms) <= MAX_SUBSETS:
        return
    for size in range(1, len(terms)):
        for subset in itertools.combinations(range(len(terms)), size):
            total = 0.0
            for k in subset:
                total += terms[k]
            yield subset, total


def follows(yours: float, followed: float, right: float, tol: Tolerance) -> bool:
    """``yours`` is wrong, but is what the right rule gives from the student's own earlier
    answers (``followed``), and those made a difference."""
    return tol.ok(yours, followed) and not tol.ok(followed, right)


def follows_row(section: str, name: str, yours: float, right: float, rows: Sequence[CheckRow], node: str,
                field_: str) -> CheckRow:
    """The row of an answer that `follows` from an earlier mistake: the hint names the
    first wrong answer before it."""
    earlier = next((r for r in rows if r.verdict == "wrong"), None)
    if earlier is not None:
        hint = _("this follows from your earlier mistake ({earlier}): the rule is applied right, so fix that "
                 "one first (the right value is {right}).").format(earlier=earlier.name, right=significant(right, 6))
    else:
        hint = _("this follows from your earlier mistake: the rule is applied right, so fix that one first (the "
                 "right value is {right}).").format(right=significant(right, 6))
    return CheckRow(section, name, yours, right, "follows", None, hint, node, field_)


def answer_number(value: object, where: str) -> float | None:
    """An answer as a float: a real number (NumPy's too) or a typed number as text (``"0,17"``);
    None for null. TypeError for another kind of thing, ValueError for text that is no
    number, a non-finite number, or one too large for a float (naming its size)."""
    from .text import parse_number

    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ValueError as err:
            raise ValueError(_("{where}: {error}").format(where=where, error=err)) from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or isinstance(value, Value):
        raise TypeError(_("{where} must be a number (or null for no answer), got {kind}: {value!r}").format(
            where=where, kind=type(value).__name__, value=value))
    number = real(value, where)  # ValueError naming the size of 10**400
    if not math.isfinite(number):
        raise ValueError(_("{where} must be a finite number, got {value!r}").format(where=where, value=value))
    return number


VERDICTS = ("ok", "wrong", "follows", "unreadable", "revealed")


@dataclass
class CheckRow:
    """One answer: where it sits, the student's number, the right one, and the verdict."""

    section: str
    name: str
    yours: float
    correct: float
    verdict: str  # one of VERDICTS: "ok", "wrong", "follows", "unreadable" or "revealed"
    diagnosis: str | None
    hint: str
    node: str = ""  # the label of the graph node it belongs to ("" for none)
    field: str = "data"  # which number of that node: "data" or "grad"
    also: tuple[str, ...] = ()  # other diagnoses that give the same number
    slip: str = ""  # the hint without the right value, for student mode ("" when the hint has none)

    def to_dict(self, *, values: bool = True) -> dict[str, object]:
        """The row as JSON data; without ``values`` the right value is left out (student mode)."""
        out: dict[str, object] = {"section": self.section, "name": self.name, "verdict": self.verdict,
                                  "code": self.diagnosis, "also": list(self.also),
                                  "yours": self.yours if math.isfinite(self.yours) else None}
        if values:
            out["correct"] = self.correct
            out["hint"] = self.hint
        return out


@dataclass
class CheckReport:
    """The graded answers in the seed's order, the first mistake, and ways to show them."""

    rows: list[CheckRow]
    first_mistake: CheckRow | None
    correct_gradients: dict[str, float] = field(default_factory=dict)
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def ok(self) -> bool:
        """True when every answer is right (one that follows from a mistake, is unreadable
        or was revealed is not)."""
        return all(r.verdict == "ok" for r in self.rows)

    def __iter__(self) -> Iterator[CheckRow]:
        return iter(self.rows)

    def reference(self) -> dict[str, float]:
        """Label -> the right gradient of each answered graph node, for a picture's
        ``reference=``."""
        out = {}
        for r in self.rows:
            if r.node and r.field == "grad":
                out[r.node] = r.correct
        return out or dict(self.correct_gradients)

    def format(self, *, values: bool = True) -> str:
        """A text table with ✓, ✗, → (follows), ? (unreadable) and ◌ (revealed), then the
        first mistake's hint and every other wrong answer's. Without ``values`` (student
        mode) no right value is printed: each slip is named with its place."""
        marks = {"ok": "✓", "wrong": "✗", "follows": "→", "unreadable": "?", "revealed": "◌"}
        lines: list[str] = []
        if values:
            body = [[r.section, show(r.name), _yours(r), significant(r.correct, 6), marks[r.verdict],
                     _codes(r)] for r in self.rows]
            lines.append(format_table([_("section"), _("name"), _("yours"), _("correct"), "", _("diagnosis")], body))
        else:
            body = [[r.section, show(r.name), _yours(r), marks[r.verdict], _codes(r)] for r in self.rows]
            lines.append(format_table([_("section"), _("name"), _("yours"), "", _("diagnosis")], body))
        right = sum(r.verdict == "ok" for r in self.rows)
        lines.append("")
        lines.append(_("{right} of {total} answers right.").format(right=right, total=len(self.rows)))
        if self.first_mistake is not None:
            lines.append(_("First mistake: {name}: {hint}").format(
                name=self.first_mistake.name, hint=_hint(self.first_mistake, values)))
        for r in self.rows:  # every other answer that is not right, with its hint
            if r.verdict != "ok" and r is not self.first_mistake:
                lines.append(_("{name} ({section}): {hint}").format(name=r.name, section=r.section,
                                                                     hint=_hint(r, values)))
        return "\n".join(lines[:1] + [show_text(line) for line in lines[1:]])  # names in the notation in use


def _yours(row: CheckRow) -> str:
    return significant(row.yours, 6) if math.isfinite(row.yours) else "-"


def _codes(row: CheckRow) -> str:
    if row.verdict in ("unreadable", "revealed"):
        return row.verdict
    return " / ".join(c for c in (row.diagnosis, *row.also) if c)


def student_hint(row: CheckRow) -> str:
    """The row's slip and place in words, with no right value: what ``check --hints`` says."""
    if row.verdict == "follows":
        return _("it follows from an earlier mistake: fix that one first.")
    if row.verdict == "unreadable":
        return _("this entry is not a number.")
    if row.verdict == "revealed":
        return _("the value was revealed, so it counts as wrong.")
    if row.diagnosis is None:
        return _("it is wrong, and no common slip explains it: work it out again from the formula.")
    return row.slip or row.hint


def with_value(slip: str, right: float) -> str:
    """A hint: the slip in words, then the right value."""
    return _("{slip} The right value is {right}.").format(slip=slip, right=significant(right, 6))


def _hint(row: CheckRow, values: bool = True) -> str:
    """The row's hint without a leading repeat of its name (and, without ``values``, with no
    right value in it)."""
    text = row.hint if values else student_hint(row)
    head = f"{row.name}:"
    return text[len(head):].strip() if text.startswith(head) else text


def check_gradients(root: Value, answers: Mapping[str, float], *, rtol: float = 1e-3,
                    atol: float = 1e-6) -> CheckReport:
    """Grade hand-computed gradients dL/d(node) of the graph under ``root``, keyed by label.

    The answers are checked in `backward()`'s order, so the first mistake is the one nearest
    the output. ``root.backward()`` need not have run: the true gradients are computed here
    (``.grad`` is left alone). A wrong answer that is what the chain rule gives from the
    student's own answers for the nodes that use it is ``follows``. Diagnoses: ``sign``,
    ``factor-2``, ``missing-term`` (at a node with fan-in, the sum of only some of its
    incoming contributions) and ``rounding``.
    """
    from .higher import grad

    if not isinstance(root, Value):
        raise TypeError(_("check_gradients() expects a Value as the root, got {kind}").format(
            kind=type(root).__name__))
    if not isinstance(answers, Mapping):
        raise TypeError(_("answers must be a mapping of label -> number, got {kind}").format(
            kind=type(answers).__name__))
    tol = Tolerance(rtol, atol)
    order = topological_sort(root)
    by_label: dict[str, Value] = {}
    for node in order:
        if node.label:
            by_label.setdefault(node.label, node)
    given: dict[str, float] = {}
    for label, value in answers.items():
        if label not in by_label:
            raise ValueError(_("no node labelled {label!r} in the graph{hint}").format(
                label=label, hint=did_you_mean(label, list(by_label))))
        number = answer_number(value, f"answers[{label!r}]")
        if number is not None:
            given[label] = number
    true = dict(zip(order, grad(root, order)))
    # contributions each node receives: (consumer, local derivative), in backward()'s order
    incoming: dict[int, list[tuple[Value, float]]] = {}
    for node in reversed(order):
        for child, local in zip(node.inputs, node.local_grads):
            incoming.setdefault(id(child), []).append((node, local))
    rows: list[CheckRow] = []
    for node in reversed(order):
        label = node.label
        if label not in given or by_label[label] is not node:
            continue
        yours, right = given[label], true[node]
        if tol.ok(yours, right):
            rows.append(CheckRow("gradients", label, yours, right, "ok", None,
                                 _("d{root}/d{label} = {right} is right.").format(
                                     root=root.label or "L", label=label, right=significant(right, 6)),
                                 label, "grad"))
            continue
        parts = [(true[c] if not (c.label in given and by_label[c.label] is c) else given[c.label]) * local
                 for c, local in incoming.get(id(node), [])]
        followed = sum(parts) if parts else right
        if parts and follows(yours, followed, right, tol):
            rows.append(follows_row("gradients", label, yours, right, rows, label, "grad"))
            continue
        code, slip = _diagnose(label, yours, right, [true[c] * local for c, local in incoming.get(id(node), [])],
                               tol)
        rows.append(CheckRow("gradients", label, yours, right, "wrong", code, with_value(slip, right), label, "grad",
                             slip=slip))
    first = next((r for r in rows if r.verdict == "wrong"), None)
    return CheckReport(rows, first, {n.label: true[n] for n in order if n.label}, tol)


def _diagnose(label: str, yours: float, right: float, contributions: list[float],
              tol: Tolerance) -> tuple[str | None, str]:
    """The slip's code and its words (without the right value)."""
    if tol.ok(yours, -right):
        return "sign", _("{label}: the sign is flipped.").format(label=label)
    if tol.ok(yours, 2 * right) or tol.ok(yours, right / 2):
        return "factor-2", _("{label}: it is off by a factor of 2 (a 1/2 dropped or doubled?).").format(label=label)
    for subset, total in partial_sums(contributions):
        if tol.ok(yours, total):
            return "missing-term", _("{label} receives gradient from {n} places and the answer adds only {size} "
                                     "of them: sum every path (fan-in).").format(
                                         label=label, n=len(contributions), size=len(subset))
    if abs(yours - right) <= 0.01 * abs(right):
        return "rounding", _("{label} = {yours} is within {band} of the right value but not within the tolerance: "
                             "keep more digits in the steps before it.").format(
                                 band="1%", label=label, yours=significant(yours, 6))
    return None, _("{label} = {yours} is wrong, and no common slip explains it.").format(
        label=label, yours=significant(yours, 6))
