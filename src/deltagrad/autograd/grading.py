"""Grading hand-computed gradients: the report that says which answer is the first mistake.

`check_gradients` grades answers for any graph, keyed by node label, in `backward()`'s
order; `nn.check_answers` grades the seed's whole derivation of an MLP with the same report.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .engine import Value, topological_sort
from .text import did_you_mean, format_table, significant

MAX_SUBSETS = 12  # incoming contributions whose subsets are tried for missing-term


def close(a: float, b: float, rtol: float, atol: float) -> bool:
    """|a - b| <= atol + rtol |b|: ``a`` matches ``b``."""
    return abs(a - b) <= atol + rtol * abs(b)


@dataclass
class CheckRow:
    """One answer: where it sits, the student's number, the right one, and the verdict."""

    section: str
    name: str
    yours: float
    correct: float
    verdict: str  # "ok", "wrong" or "follows"
    diagnosis: str | None
    hint: str
    node: str = ""  # the label of the graph node it belongs to ("" for none)
    field: str = "data"  # which number of that node: "data" or "grad"


@dataclass
class CheckReport:
    """The graded answers in the seed's order, the first mistake, and ways to show them."""

    rows: list[CheckRow]
    first_mistake: CheckRow | None
    correct_gradients: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no answer is wrong (answers that follow from a mistake count as wrong)."""
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

    def format(self) -> str:
        """A text table with ✓, ✗ and → (follows), then the first mistake's hint and every
        other wrong answer's."""
        marks = {"ok": "✓", "wrong": "✗", "follows": "→"}
        body = [[r.section, r.name, significant(r.yours, 6), significant(r.correct, 6), marks[r.verdict],
                 r.diagnosis or ""] for r in self.rows]
        lines = [format_table(["section", "name", "yours", "correct", "", "diagnosis"], body)]
        right = sum(r.verdict == "ok" for r in self.rows)
        lines.append("")
        lines.append(f"{right} of {len(self.rows)} answers right.")
        if self.first_mistake is not None:
            lines.append(f"First mistake: {self.first_mistake.name}: {_hint(self.first_mistake)}")
        for r in self.rows:  # every other answer that is not right, with its hint
            if r.verdict != "ok" and r is not self.first_mistake:
                lines.append(f"{r.name} ({r.section}): {_hint(r)}")
        return "\n".join(lines)


def _hint(row: CheckRow) -> str:
    """The row's hint without a leading repeat of its name."""
    head = f"{row.name}:"
    return row.hint[len(head):].strip() if row.hint.startswith(head) else row.hint


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
        raise TypeError(f"check_gradients() expects a Value as the root, got {type(root).__name__}")
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of label -> number, got {type(answers).__name__}")
    order = topological_sort(root)
    by_label: dict[str, Value] = {}
    for node in order:
        if node.label:
            by_label.setdefault(node.label, node)
    given: dict[str, float] = {}
    for label, value in answers.items():
        if label not in by_label:
            raise ValueError(f"no node labelled {label!r} in the graph{did_you_mean(label, list(by_label))}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise TypeError(f"answers[{label!r}] must be a finite number, got {value!r}")
        given[label] = float(value)
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
        if close(yours, right, rtol, atol):
            rows.append(CheckRow("gradients", label, yours, right, "ok", None,
                                 f"d{root.label or 'L'}/d{label} = {significant(right, 6)} is right.", label, "grad"))
            continue
        parts = [(true[c] if not (c.label in given and by_label[c.label] is c) else given[c.label]) * local
                 for c, local in incoming.get(id(node), [])]
        followed = sum(parts) if parts else right
        if parts and close(yours, followed, rtol, atol) and not close(followed, right, rtol, atol):
            earlier = next((r for r in rows if r.verdict == "wrong"), None)
            rows.append(CheckRow("gradients", label, yours, right, "follows", None,
                                 f"this follows from your earlier mistake{f' ({earlier.name})' if earlier else ''}: "
                                 f"the chain rule is applied right, so fix that one first (the right value is "
                                 f"{significant(right, 6)}).", label, "grad"))
            continue
        code, hint = _diagnose(label, yours, right, [true[c] * local for c, local in incoming.get(id(node), [])],
                               rtol, atol)
        rows.append(CheckRow("gradients", label, yours, right, "wrong", code, hint, label, "grad"))
    first = next((r for r in rows if r.verdict == "wrong"), None)
    return CheckReport(rows, first, {n.label: true[n] for n in order if n.label})


def _diagnose(label: str, yours: float, right: float, contributions: list[float], rtol: float,
              atol: float) -> tuple[str | None, str]:
    tail = f" The right value is {significant(right, 6)}."
    if close(yours, -right, rtol, atol):
        return "sign", f"{label}: the sign is flipped.{tail}"
    if close(yours, 2 * right, rtol, atol) or close(yours, right / 2, rtol, atol):
        return "factor-2", f"{label}: it is off by a factor of 2 (a 1/2 dropped or doubled?).{tail}"
    if 2 <= len(contributions) <= MAX_SUBSETS:
        for size in range(1, len(contributions)):
            for subset in itertools.combinations(range(len(contributions)), size):
                if close(yours, sum(contributions[k] for k in subset), rtol, atol):
                    return "missing-term", (f"{label} receives gradient from {len(contributions)} places and the "
                                            f"answer adds only {size} of them: sum every path (fan-in).{tail}")
    if abs(yours - right) <= 0.01 * abs(right):
        return "rounding", (f"{label} = {significant(yours, 6)} is within 1% of {significant(right, 6)} but not "
                            "within the tolerance: keep more digits in the steps before it.")
    return None, f"{label} = {significant(yours, 6)} is wrong, and no common slip explains it.{tail}"
