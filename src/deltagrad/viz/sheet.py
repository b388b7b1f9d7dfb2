"""Printed exercises: the problem sheet, the answer key, and the network drawn with its numbers.

`problem_network` draws an `nn.Exercise` as the tutorial does (inputs, one column per
layer, an edge per weight) with the given numbers only: every quantity to find reads
``z1[0] = ?``. `problem_sheet` and `key_sheet` are self-contained HTML pages for A4 and
Letter, with print CSS; the key is for the teacher.
"""

from __future__ import annotations

import html
from typing import Any

from deltagrad.autograd.notation import get_notation, show
from deltagrad.autograd.text import significant
from deltagrad.i18n import N_, _, join_numbers
from deltagrad.nn.check import formula
from deltagrad.nn.exercise import Exercise

from .dot import COLOURS, DEFAULT_TIMEOUT, GraphvizNotFoundError, RenderError, html_text, pipe
from .graph import clean
from .pages import Page, inline_style, page, svg_body

UNKNOWN = "?"
# The headings of the answer sections and the losses' names, translated where they are shown.
SECTION_TITLES = {"forward": N_("Forward pass"), "deltas": N_("Deltas"), "gradients": N_("Gradients"),
                  "updated": N_("After one step")}
LOSS_NAMES = {"half_squared_error": N_("half squared error"), "binary_cross_entropy": N_("binary cross-entropy"),
              "cross_entropy": N_("cross-entropy")}


def _n(value: float) -> str:
    return significant(value, 6)


def _numbers(values: list[float]) -> str:
    """``0.8, -0.3``; in Russian ``0,8; -0,3`` (the comma is the decimal mark there)."""
    return join_numbers(_n(v) for v in values)


def _dot_quoted(text: str) -> str:
    """Text for a quoted DOT attribute (the picture's tooltip, an SVG title): one line, ``\\``
    and ``"`` escaped, ``&`` as ``&amp;`` (Graphviz passes an entity through to the SVG), so it
    stays text; without the graphviz package, which `dot.dot_text` needs."""
    return clean(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def check_exercise(exercise: object) -> Exercise:
    """``exercise`` if it is an `nn.Exercise`, else TypeError."""
    if not isinstance(exercise, Exercise):
        raise TypeError(_("expected an nn.Exercise, got {kind}").format(kind=type(exercise).__name__))
    return exercise


def shown_name(name: str) -> str:
    """A quantity's name as the sheet and the practice page write it: the tutorial's symbol
    in the textbook notation (``z₁⁽¹⁾``, ``δ₁⁽¹⁾``), else the code name with δ for delta."""
    return show(name) if get_notation() == "textbook" else name.replace("delta", "δ")


def problem_network(exercise: Exercise, values: dict[str, dict[str, float]] | None = None) -> str:
    """The network with its weights, biases and input as DOT source; every quantity to find
    reads ``?``, or its value from ``values`` (nested as `Exercise.expected`)."""
    ex = check_exercise(exercise)
    forward = (values or {}).get("forward", {})
    deltas = (values or {}).get("deltas", {})

    def shown(section: dict[str, float], name: str) -> str:
        return html_text(_n(section[name])) if name in section else UNKNOWN

    tooltip = _dot_quoted(_("exercise"))  # the picture's hover text
    lines = ['digraph exercise {',
             '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.3, ranksep=1.4, '
             f'tooltip="{tooltip}"];',
             '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.5, color="#888888", fontcolor="#222222"];']
    for j, v in enumerate(ex.x):
        x_name = html_text(shown_name(f"x[{j}]"))
        lines.append(f'  x{j} [shape=box, style="rounded,filled", fillcolor="{COLOURS["data"]}", '
                     f'label=<<B>{x_name}</B> = {html_text(_n(v))}>];')
    n = len(ex.sizes) - 1
    for k in range(1, n + 1):
        act = ex.activation if k < n else ex.output_activation
        for i in range(ex.sizes[k]):
            b_name = html_text(shown_name(f"b{k}[{i}]"))
            rows = [f'<TR><TD><FONT COLOR="#666666">{html_text(act)}</FONT></TD></TR>',
                    f'<TR><TD ALIGN="LEFT">{b_name} = {html_text(_n(ex.biases[k - 1][i]))}</TD></TR>']
            for name, section in ((f"z{k}[{i}]", forward), (f"a{k}[{i}]", forward), (f"delta{k}[{i}]", deltas)):
                label = shown_name(name)
                rows.append(f'<TR><TD ALIGN="LEFT" WIDTH="110">{html_text(label)} = {shown(section, name)}</TD></TR>')
            lines.append(f'  n{k}_{i} [shape=box, style="rounded,filled", fillcolor="{COLOURS["intermediate"]}", '
                         f'margin=0.05, label=<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}'
                         '</TABLE>>];')
    targets = str(ex.target) if isinstance(ex.target, int) else _numbers(ex.y)  # cross-entropy: the class
    loss_name = html_text(shown_name("L"))
    lines.append(f'  loss [shape=box, style="rounded", margin=0.05, label=<<TABLE BORDER="0" CELLSPACING="0" '
                 f'CELLPADDING="1"><TR><TD ALIGN="LEFT" WIDTH="110">{loss_name} = {shown(forward, "L")}</TD></TR>'
                 f'<TR><TD ALIGN="LEFT">y = {html_text(targets)}</TD></TR></TABLE>>];')
    for k in range(1, n + 1):
        for i in range(ex.sizes[k]):
            for j in range(ex.sizes[k - 1]):
                source = f"x{j}" if k == 1 else f"n{k - 1}_{j}"
                w = ex.weights[k - 1][i][j]
                w_name = html_text(shown_name(f"W{k}[{i}][{j}]"))
                lines.append(f'  {source} -> n{k}_{i} [label=<{w_name} = {html_text(_n(w))}>];')
    for i in range(ex.sizes[-1]):
        lines.append(f'  n{n}_{i} -> loss;')
    lines.append("}")
    return "\n".join(lines)


def network_svg(exercise: Exercise, values: dict[str, dict[str, float]] | None = None, *,
                timeout: float = DEFAULT_TIMEOUT) -> str:
    """`problem_network` drawn by Graphviz, as SVG to sit inside HTML; without Graphviz a
    note saying so (the sheet's tables still hold every number)."""
    source = problem_network(exercise, values)
    try:
        return svg_body(pipe(source, "svg", timeout=timeout))
    except (GraphvizNotFoundError, RenderError) as err:
        note = _("The network picture needs Graphviz ({reason}); the tables below hold every number.").format(
            reason=str(err).split(";")[0])
        return f'<p class="note">{html.escape(note)}</p>'


def rules(exercise: Exercise) -> list[str]:
    """The rules the sheet states: the loss, the activation and the update."""
    ex = check_exercise(exercise)
    model = ex.model()
    out = [formula(model, "forward", "L", lr=ex.lr, loss=ex.loss)]
    if ex.loss == "cross_entropy":  # the softmax first, p[i] for every i, then L = -ln p[y]
        out.insert(0, formula(model, "forward", "p[i]", lr=ex.lr, loss=ex.loss))
    fprime = {"sigmoid": "sigmoid'(z) = a (1 - a)", "tanh": "tanh'(z) = 1 - a^2",
              "relu": _("relu'(z) = 1 if z > 0, else 0"), "linear": "f'(z) = 1"}
    for act in dict.fromkeys((ex.activation, ex.output_activation)):
        out.append(fprime[act])
    out.append(_("update: p <- p - lr * dL/dp, with lr = {lr}").format(lr=_n(ex.lr)))
    return out


def _data_table(ex: Exercise) -> str:
    def cell(*groups: str) -> str:  # a line breaks between groups only (a matrix's rows), never inside one
        return " ".join(f'<span class="group">{html.escape(g)}</span>' for g in groups)

    rows = [("x", cell(_numbers(ex.x))), ("y", cell(_numbers(ex.y))), ("lr", cell(_n(ex.lr)))]
    if isinstance(ex.target, int):  # cross-entropy: y is the class, and its one-hot row beside it
        rows[1:2] = [("y", cell(str(ex.target))), ("onehot(y)", cell(_numbers(ex.y)))]
    for k, (layer, bs) in enumerate(zip(ex.weights, ex.biases), start=1):
        # a matrix row by row, the rows apart by a space: "[0.2, -0.5] [0.4, -0.8]" (";" is taken in Russian)
        rows.append((f"W{k}", cell(*("[" + _numbers(row) + "]" for row in layer))))
        rows.append((f"b{k}", cell(_numbers(bs))))
    body = "".join(f"<tr><th>{html.escape(name)}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="data">{body}</table>'


def _quantities(ex: Exercise, values: dict[str, dict[str, float]] | None) -> str:
    parts = []
    for section, names in ex.template().items():
        items = []
        for name in names:
            shown = html.escape(_n(values[section][name])) if values else ""
            label = f"dL/d{name}" if section == "gradients" else (
                _("{name} (new)").format(name=name) if section == "updated" else name)
            items.append(f'<li><span class="name">{html.escape(label)}</span> = '
                         f'<span class="blank">{shown}</span></li>')
        parts.append(f'<section class="quantities"><h2>{html.escape(_(SECTION_TITLES[section]))}</h2>'
                     f'<ol>{"".join(items)}</ol></section>')
    return "".join(parts)


def _sheet(ex: Exercise, values: dict[str, dict[str, float]] | None, title: str, student: str | None,
           timeout: float) -> str:
    size = "-".join(map(str, ex.sizes))
    who = _("Student: {student}").format(student=student) if student else _("Name:")
    intro = _("One step of backpropagation on the {size} network below ({act} hidden units, {loss}). Compute "
              "every quantity in order and write it to {sig} significant figures.").format(
                  size=size, act=ex.activation, loss=_(LOSS_NAMES[ex.loss]), sig=ex.sig)
    return page("sheet.html",
                title=title,
                style=inline_style("sheet.css"),
                heading=html.escape(title),
                who=html.escape(who),
                exercise_id=html.escape(ex.id or size),
                intro=html.escape(intro),
                picture=network_svg(ex, values, timeout=timeout),
                data_title=html.escape(_("Given")),
                data=_data_table(ex),
                rules_title=html.escape(_("Rules")),
                rules="".join(f"<li><code>{html.escape(r)}</code></li>" for r in rules(ex)),
                quantities=_quantities(ex, values))


class Sheet(Page):
    """A printable exercise page (A4 and Letter): ``.html``, ``.save(path)``, ``_repr_html_()``."""

    height = 900


def problem_sheet(exercise: Exercise, *, student: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Sheet:
    """The problem sheet: the network with its numbers, the data, the rules and a blank
    for every quantity to find, in the tutorial's order."""
    ex = check_exercise(exercise)
    return Sheet(_sheet(ex, None, _("Backpropagation exercise"), student, timeout))


def key_sheet(exercise: Exercise, *, student: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Sheet:
    """The answer key: the problem sheet with every right value filled in (for the teacher)."""
    ex = check_exercise(exercise)
    return Sheet(_sheet(ex, ex.expected(), _("Answer key (for the teacher)"), student, timeout))


def key_data(exercise: Exercise) -> dict[str, Any]:
    """The answer key as JSON data: the problem and every right value."""
    ex = check_exercise(exercise)
    return {"problem": ex.to_dict(), **ex.expected()}
