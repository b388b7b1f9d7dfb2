"""The practice page: the learner computes each number of the tutorial in turn and is checked.

`practice(exercise)` writes every question's right value, its tolerance and what each slip
would give (from the right earlier values: a question is asked only once every earlier one
is right or revealed) into one self-contained page. The page's script compares the typed
number with those; it names the slip with the same code as `nn.check_answers`, never the
right value, and after three wrong tries offers to show it (the question is then marked
revealed, which `deltagrad grade` counts as wrong). Its Download answers button saves the
answers file that `deltagrad check` and `deltagrad grade` read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from deltagrad.autograd.notation import show_text
from deltagrad.autograd.text import significant
from deltagrad.i18n import _
from deltagrad.nn.check import ORDER, ROUNDING_BAND, UPDATE_ORDER, formula
from deltagrad.nn.exercise import Exercise, fingerprint

from .dot import DEFAULT_TIMEOUT
from .pages import Page, asset, data_script, inline_script, inline_style, page
from .sheet import check_exercise, network_svg, shown_name

MAX_SIZES = (3, 3, 2)  # the largest network the page asks about: one hidden layer, 3-3-2
MAX_SIZES_CLASSES = (3, 3, 3)  # with cross-entropy: up to 3 classes


class Practice(Page):
    """The practice page of one exercise: ``.html``, ``.save(path)``, ``_repr_html_()``."""

    height = 900

    def __init__(self, html: str, exercise: Exercise, stepper: str | None = None) -> None:
        super().__init__(html)
        self.exercise = exercise
        self.stepper = stepper

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path``, and the stepper page it links to beside it (``stepper.html``),
        so that the link is never broken."""
        target = super().save(path)
        if self.stepper == STEPPER:
            stepper_page(self.exercise).save(target.parent / STEPPER)
        return target


STEPPER = "stepper.html"


def stepper_page(exercise: Exercise) -> Page:
    """The stepper page of the exercise's network, its loss and one update step."""
    from deltagrad import nn
    from deltagrad.autograd import Value

    from .stepper_page import stepper

    ex = check_exercise(exercise)
    model = ex.model()
    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(ex.x)]
    loss = nn.LOSSES[ex.loss](model(inputs), ex.y[0] if len(ex.y) == 1 else list(ex.y))
    return stepper(loss, model=model, inputs=inputs, update=ex.lr)


def _check_size(ex: Exercise) -> None:
    sizes = ex.sizes
    largest = MAX_SIZES_CLASSES if ex.loss == "cross_entropy" else MAX_SIZES
    if len(sizes) != len(largest) or any(s > m for s, m in zip(sizes, largest)):
        raise ValueError(_("viz.practice() asks about networks up to 3-3-2 with one hidden layer (up to 3-3-3 with "
                           "cross_entropy), got {sizes}").format(sizes="-".join(map(str, sizes))))


def questions_data(exercise: Exercise) -> list[dict[str, Any]]:
    """Every question in the tutorial's order, as the page reads it: its key
    (``section/name``), label, right value (and its text), tolerance, rounding band, rule,
    and the slips in the order the checker tries them, each with its own tolerance."""
    ex = check_exercise(exercise)
    model = ex.model()
    tol = ex.tolerance
    out = []
    for (section, name), (right, slips) in ex.slips().items():
        order = UPDATE_ORDER if section == "updated" else ORDER  # ORDER: the ten and softmax's missing-one-hot
        chosen = []
        for code in order:
            for s in slips:
                if s.code == code and code != "rounding" and abs(s.value - right) > 1e-12 * abs(right):
                    chosen.append({"code": s.code, "value": s.value, "tol": tol.allowed(s.value),
                                   "message": s.message})
        written = shown_name(name)
        label = {"gradients": f"dL/d{written}", "updated": _("{name} (new)").format(name=written)}.get(section, written)
        picture = written if section in ("forward", "deltas") else None
        out.append({"key": f"{section}/{name}", "section": section, "name": name, "label": label,
                    "right": right, "shown": significant(right, 6), "tol": tol.allowed(right),
                    "band": ROUNDING_BAND * abs(right), "picture": picture,
                    "formula": show_text(formula(model, section, name, lr=ex.lr, loss=ex.loss)), "slips": chosen,
                    "rounding": _("it is near the right value but not to {sig} significant figures: keep more "
                                  "digits in the steps before it.").format(sig=ex.sig)})
    return out


def _texts(ex: Exercise) -> dict[str, str]:
    return {
        "title": _("Practise backprop"),
        "intro": _("Compute each number of one backpropagation step in turn, to {sig} significant figures. Type "
                   "it with a point or a comma and press Enter.").format(sig=ex.sig),
        "student": _("Student: {student}"),
        "counter": _("Question {n} of {total}"),
        "check": _("Check"),
        "rule_button": _("Rule"),
        "show": _("Show the value"),
        "restart": _("Start over"),
        "restart_confirm": _("Start over? Every answer on this page will be forgotten."),
        "download": _("Download answers"),
        "progress": _("Progress"),
        "end_title": _("Done"),
        "close_hint": _("Close the hint (Escape)"),
        "right": _("Right."),
        "wrong": _("Wrong: {slip}"),
        "no_slip": _("Wrong, and no common slip gives this number. The rule: {formula}"),
        "formula": _("The rule with the names filled in: {formula}"),
        "revealed": _("The value is {value}. It counts as revealed."),
        "not_a_number": _("not a number: {text}"),
        "done": _("Every question is answered."),
        "no_storage": _("This browser does not let the page save its progress: it works, but a reload starts over."),
        "summary": _("Right the first time: {first}. Right after hints: {hinted}. Revealed: {revealed}."),
        "stepper": _("Watch the same network step by step"),
    }


def practice(exercise: Exercise, *, student: str | None = None, stepper: str | None = STEPPER,
             timeout: float = DEFAULT_TIMEOUT) -> Practice:
    """The practice page of ``exercise`` (an `nn.Exercise` up to 3-3-2, 3-3-3 with cross-entropy).

    ``student`` goes into the answers the page downloads; ``stepper`` is the address of the
    stepper page of the same network (None for no link; with ``"stepper.html"``, `save`
    writes that page beside this one). The network is drawn by Graphviz,
    inline; the page needs no network and works from ``file://``. ValueError for a network
    past 3-3-2 (3-3-3 with cross-entropy).
    """
    ex = check_exercise(exercise)
    _check_size(ex)
    if student is not None and not isinstance(student, str):
        raise TypeError(_("student must be a str or None, got {kind}").format(kind=type(student).__name__))
    if stepper is not None and not isinstance(stepper, str):
        raise TypeError(_("stepper must be a str (an address) or None, got {kind}").format(kind=type(stepper).__name__))
    data = {"id": ex.id or fingerprint(ex), "student": student, "problem": ex.to_dict(), "sig": ex.sig,
            "questions": questions_data(ex), "texts": _texts(ex), "stepper": stepper}
    document = page("practice.html", title=_("Practise backprop"), style=inline_style("practice.css"),
                    head=asset("policy.html"), picture=network_svg(ex, timeout=timeout), data=data_script(data),
                    script=inline_script("common.js", "practice.js"))
    return Practice(document, ex, stepper)
