"""Draw a computation graph with Graphviz: every value with its name, data and gradient.

Legend of the picture (the roles present are also drawn in a legend beside the graph):

- a box per Value: its name (a label, or a short expression such as ``W1[0][0]·x[0]``)
  above ``data`` and ``grad`` to 4 significant digits; with a ``reference`` a third row
  holds the hand-computed gradient, with a ``check`` the student's answer;
- the op that made a value is written in its box (``= σ(z1[0])``); ``op_nodes=True``
  draws micrograd's look instead, a circle per op with numeric constants beside it;
- fill colours give the role, from what the caller passes: ``params`` gold, ``inputs``
  (data) light blue, the root (usually the loss) pink, other leaves grey, intermediate
  values white;
- with a ``reference``, a border is green where autograd matches it within 1e-9 and red
  where it does not; with a ``check``, wrong answers are red, answers that follow from an
  earlier mistake orange, and the first mistake is marked;
- ``highlight=node`` draws the chain-rule path from the root down to that node in bold;
- values of one network layer are framed together, and the loss computation has a frame;
- hovering over a box (in a browser) shows the full floats, the op's derivative from the
  op table, and each operand's local derivative.

Node ids are ``n0``, ``n1``, ... in topological order, so the DOT source of a graph is the
same from run to run.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deltagrad.autograd import Value, topological_sort
from deltagrad.autograd.arguments import real, whole
from deltagrad.autograd.files import atomic_write
from deltagrad.autograd.limits import GraphTooLargeError, check_graph_size
from deltagrad.autograd.ops import OPS
from deltagrad.i18n import _, localize_number, ngettext

from .graph import (
    MAX_NAME,
    ROLE_TEXT,
    GraphView,
    check_reference,
    clean,
    frame_order,
    matches,
    number,
    path_to,
    read_graph,
)

DEFAULT_MAX_NODES = 5000
DEFAULT_TIMEOUT = 30.0  # seconds dot may take before RenderTimeoutError
DEFAULT_MEMORY = 4 * 1024**3  # bytes of address space dot may use, where the OS allows a limit
MAX_MEMORY = 2**63 - 1  # the largest limit setrlimit takes
LARGE_GRAPH = 300  # from this many values, Graphviz's layout effort is bounded
FORMATS = (".svg", ".png", ".pdf", ".dot")

COLOURS = {
    "data": "#cfe8ff",
    "input": "#cfe8ff",  # the data's colour under its earlier name
    "parameter": "#ffe08a",
    "leaf": "#e8e8e8",
    "intermediate": "#ffffff",
    "output": "#ffc9d6",
    "match": "#1a9850",
    "mismatch": "#d73027",
    "follows": "#f39c12",
    "highlight": "#1f2d3d",
    "border": "#555555",
}
_INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows and others: https://graphviz.org/download/)"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed, so the picture cannot be rendered."""


class RenderError(RuntimeError):
    """Graphviz's ``dot`` failed; the message carries what it printed."""


class RenderTimeoutError(RenderError):
    """Graphviz's ``dot`` took longer than the time limit and was stopped."""


def html_text(text: str) -> str:
    """Text for a Graphviz HTML label: escaped, one line, never markup."""
    return html.escape(clean(text), quote=True)


def dot_text(text: str) -> str:
    """Text for a quoted DOT attribute (a tooltip): backslashes and quotes escaped, lines as
    ``\\n``, and never read as an HTML-like label (a label ``<b>x</b>`` stays text)."""
    import graphviz

    lines = (line.replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n"))
    return graphviz.nohtml("\\n".join(clean(line) for line in lines))  # type: ignore[no-any-return]


_DRAWING: Any = None
_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def new_digraph(name: str, **attrs: Any) -> Any:
    """A `graphviz.Digraph` that shows in a notebook scaled to the cell's width (and renders
    there with the time limit of `pipe`)."""
    global _DRAWING
    if _DRAWING is None:
        import graphviz

        class Drawing(graphviz.Digraph):  # type: ignore[misc]
            """A Digraph whose notebook SVG has width="100%" and its viewBox."""

            def _repr_image_svg_xml(self) -> str:
                return fit_svg(pipe(self.source, "svg").decode("utf-8"))

        _DRAWING = Drawing
    return _DRAWING(name, **attrs)


def fit_svg(svg: str) -> str:
    """An SVG that scales to its container: ``width="100%"`` with its viewBox, and never
    wider than its own size (a small graph stays small)."""
    return _SVG_SIZE.sub(r'<svg width="100%" style="max-width: \1pt; height: auto"', svg, count=1)


MAX_LAYOUT_POINTS = 6_000  # nodes plus the points of long edges: past this dot runs for minutes
MAX_RANK_EDGES = 1_500  # edges between two neighbouring ranks: past this its crossing minimisation does


@dataclass
class LayoutPlan:
    """What Graphviz's dot will have to lay out, estimated from the graph's shape.

    dot gives every value a rank (its depth) and an edge that spans k ranks k − 1 extra
    points; a leaf used at many depths (the ``x`` of ``x ** x ** …``, the ``w`` of a
    recurrence) makes thousands of them. Such a leaf is drawn beside each of its uses
    instead (``copies``), which keeps the drawing honest (every copy is the same value, its
    tooltip says so) and the layout small.
    """

    copies: dict[int, list[tuple[int, int]]]  # leaf -> the (consumer, operand) edges that get their own copy
    points: int  # nodes and long-edge points to lay out
    rank_edges: int  # the most edges between two neighbouring ranks

    def refusal(self) -> str | None:
        """Why dot would take minutes on this graph, or None."""
        if self.points > MAX_LAYOUT_POINTS:
            return _("its long edges give Graphviz about {points} points to place (more than {limit})").format(
                points=self.points, limit=MAX_LAYOUT_POINTS)
        if self.rank_edges > MAX_RANK_EDGES:
            return _("{edges} edges run between two neighbouring levels (more than {limit})").format(
                edges=self.rank_edges, limit=MAX_RANK_EDGES)
        return None


def layout_plan(view: GraphView) -> LayoutPlan:
    """The shape of the layout dot would make of ``view`` (see `LayoutPlan`), in linear time."""
    order, index = view.order, view.index
    n = len(order)
    rank = [0] * n
    consumers: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, node in enumerate(order):
        for k, child in enumerate(node.inputs):
            consumers[index[id(child)]].append((i, k))
        if node.op:
            rank[i] = 1 + max((rank[index[id(c)]] for c in node.inputs if order[index[id(c)]].op), default=0)
    for i, node in enumerate(order):  # a leaf sits just above its first use
        if not node.op and consumers[i]:
            rank[i] = max(0, min(rank[j] for j, _ in consumers[i]) - 1)
    copies: dict[int, list[tuple[int, int]]] = {}
    if n >= LARGE_GRAPH // 3:
        for i, node in enumerate(order):
            uses = consumers[i]
            if not node.op and len(uses) > 1 and max(rank[j] for j, _ in uses) - rank[i] > 2:
                copies[i] = sorted(uses)[1:]
    copied = {edge for edges in copies.values() for edge in edges}
    depth = max(rank, default=0) + 2
    through = [0] * (depth + 1)  # edges crossing between rank r and r + 1, by a difference array
    points = n + sum(len(e) for e in copies.values())
    for j, node in enumerate(order):
        for k, child in enumerate(node.inputs):
            if (j, k) in copied:
                through[max(rank[j] - 1, 0)] += 1
                through[max(rank[j], 0)] -= 1
                continue
            i = index[id(child)]
            low, high = rank[i], rank[j]
            if high > low:
                points += high - low - 1
                through[low] += 1
                through[high] -= 1
    widest, running = 0, 0
    for count in through:
        running += count
        widest = max(widest, running)
    return LayoutPlan(copies, points, widest)


def check_layout(view: GraphView) -> LayoutPlan:
    """The layout plan of ``view``; `GraphTooLargeError` at once, with the reason and the
    alternatives, when dot would take minutes on it."""
    plan = layout_plan(view)
    reason = plan.refusal()
    if reason is not None:
        raise GraphTooLargeError(_(
            "the graph has {count} values, within the limit, but Graphviz would take minutes to lay it out: "
            "{reason}; draw a model with viz.draw_network (or viz.stepper(view='network')), draw a smaller "
            "graph, or read the gradients without a picture (deltagrad expr prints them)").format(
            count=len(view.order), reason=reason))
    return plan


def layout_limits(view: GraphView) -> dict[str, str]:
    """Graphviz attributes that bound the layout's effort on a large graph (see `LARGE_GRAPH`)."""
    if len(view.order) < LARGE_GRAPH:
        return {}
    return {"nslimit": "0.5", "nslimit1": "0.5", "mclimit": "0.1", "searchsize": "10", "remincross": "false"}


def copy_id(i: int, j: int, k: int) -> str:
    """The id of the copy of leaf ``i`` drawn beside operand ``k`` of node ``j``."""
    return f"n{i}_{j}_{k}"


def check_size(n_nodes: int, max_nodes: int) -> None:
    """`GraphTooLargeError` when a graph of ``n_nodes`` values is past ``max_nodes``."""
    check_graph_size(n_nodes, max_nodes, "Graphviz would take very long to lay it out",
                     "draw a smaller graph, draw a model with viz.draw_network, or raise max_nodes")


def draw_dot(
    root: Value,
    *,
    params: Any = None,
    inputs: Any = None,
    reference: Mapping[str, float] | None = None,
    check: Any = None,
    highlight: Value | None = None,
    rankdir: str = "TB",
    op_nodes: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Any:
    """The graph under ``root`` as a `graphviz.Digraph` (shows inline in Jupyter).

    Args:
        params, inputs: the parameter Values and the data Values (e.g.
            ``model.parameters()`` and the inputs), coloured as such; without them a leaf
            is just a leaf.
        reference: label -> expected gradient (e.g. ``nn.manual_backprop(...).reference()``);
            each node with that label also shows it, green where it matches autograd
            within 1e-9, red where not. A label not in the graph gives a warning.
        check: a report of `nn.check_answers` or `autograd.check_gradients`: each answered
            node shows the student's number beside the true one.
        highlight: a node of the graph; the path from the root to it is drawn in bold.
        rankdir: ``"TB"`` (top to bottom, the default: it fits a page) or ``"LR"``, ``"BT"``, ``"RL"``.
        op_nodes: draw each op as a separate circle (micrograd's look) instead of in the box.
        max_nodes: a larger graph raises `GraphTooLargeError` instead of hanging in ``dot``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot() expects a Value, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of TB, LR, BT, RL, got {rankdir!r}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"highlight must be a Value of the graph, got {type(highlight).__name__}")
    view = read_graph(root, params, inputs)
    check_size(len(view.order), max_nodes)
    ref = check_reference(reference, (n.label for n in view.order if n.label))
    bold = path_to(view.order, view.index, highlight) if highlight is not None else set()
    return graph_dot(view, ref=ref, answers=check_rows(check), bold=bold, rankdir=rankdir, op_nodes=op_nodes,
                     tolerance=_tolerance_text(check))


def graph_dot(view: GraphView, *, ref: Mapping[str, float] | None = None, answers: Mapping[str, Any] | None = None,
              bold: set[int] | None = None, rankdir: str = "TB", op_nodes: bool = False,
              updates: Mapping[int, str] | None = None, values_in_tooltips: bool = True,
              tolerance: str | None = None) -> Any:
    """The `graphviz.Digraph` of a graph view (what `draw_dot` returns, and what the stepper
    draws: with ``updates``, node index -> the updated value's text, a parameter's box gets
    a ``new`` row; without ``values_in_tooltips`` the tooltips tell no number)."""
    import graphviz

    ref = ref or {}
    answers = answers or {}
    bold = bold or set()
    updates = updates or {}
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica", "nodesep": "0.12", "ranksep": "0.28",
                  "fontsize": "10", "tooltip": "deltagrad computation graph"}
    graph_attr.update(layout_limits(view))
    plan = check_layout(view)
    copy_of = {edge: i for i, edges in plan.copies.items() for edge in edges}
    dot = new_digraph(
        "deltagrad",
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "none", "margin": "0"},
        edge_attr={"arrowsize": "0.5", "color": "#777777"},
    )
    clusters: dict[str, Any] = {}
    for frame in frame_order(view.frames):
        clusters[frame] = graphviz.Digraph(name=f"cluster_{frame.replace(' ', '_')}")
        shown = _("loss") if frame == "loss" else _("layer {k}").format(k=frame.split()[-1])
        clusters[frame].attr(label=shown, style="rounded,dashed", color="#999999", fontcolor="#666666",
                             fontsize="10", margin="6")

    status_seen: set[str] = set()
    for i, node in enumerate(view.order):
        where = view.nodes[i].frame
        group: Any = dot if where is None else clusters[where]
        label, status = _box(view, i, ref, answers, i in bold, status_seen, updates.get(i))
        if status:
            status_seen.add(status)
        tooltip = dot_text(view.tooltip(i, values_in_tooltips))
        group.node(f"n{i}", f"<{label}>", tooltip=tooltip, id=f"n{i}")
        for j, k in plan.copies.get(i, []):  # the same value again, beside another of its uses
            shared = _("the same value as the other boxes named {name}, drawn beside each of its {count} uses").format(
                name=view.nodes[i].name, count=len(plan.copies[i]) + 1)
            group.node(copy_id(i, j, k), f"<{label}>", id=copy_id(i, j, k),
                       tooltip=dot_text(view.tooltip(i, values_in_tooltips) + "\n" + shared))
        if not node.op:
            continue
        edge = {}
        if i in bold:
            edge = {"penwidth": "2.2", "color": COLOURS["highlight"]}
        if op_nodes:
            op_id = f"n{i}op"
            spec = OPS.get(node.op)
            group.node(op_id, html_text(getattr(spec, "symbol", node.op) if spec is not None else node.op),
                       shape="circle", margin="0.02", width="0.3", fontsize="9", tooltip=tooltip)
            dot.edge(op_id, f"n{i}", **edge)
            target = op_id
            if node.const is not None:
                group.node(f"n{i}c", html_text(repr(node.const)), shape="plaintext", fontcolor="#555555")
                dot.edge(f"n{i}c", op_id, style="dashed")
        else:
            target = f"n{i}"
        for k, child in enumerate(node.inputs):  # one edge per operand: a + a gets two
            j = view.index[id(child)]
            source = copy_id(j, i, k) if (i, k) in copy_of else f"n{j}"
            dot.edge(source, target, id=f"e{i}_{k}", **(edge if j in bold else {}))

    _stack_frames(dot, view)
    for cluster in clusters.values():
        dot.subgraph(cluster)
    _add_legend(dot, view, status_seen, bool(bold), tolerance)
    return dot


def _stack_frames(dot: Any, view: GraphView) -> None:
    """Invisible edges from the outputs of each frame to the leaves of the next, so that the
    frames stack along the layout instead of standing side by side (a page, not a banner)."""
    frames = frame_order(view.frames)
    members: dict[str, list[int]] = {f: [] for f in frames}
    for i, f in enumerate(view.frames):
        if f is not None:
            members[f].append(i)
    for before, after in zip(frames, frames[1:]):
        inside = set(members[before])
        used_inside = {view.index[id(c)] for i in members[before] for c in view.order[i].inputs}
        outputs = [i for i in members[before] if i not in used_inside and view.order[i].op]
        leaves = [i for i in members[after] if not view.order[i].op]
        for i in outputs:
            for j in leaves:
                if i in inside:
                    dot.edge(f"n{i}", f"n{j}", style="invis")


def check_rows(check: Any) -> dict[str, Any]:
    """label -> row of a check report (anything with ``.rows`` of ``name``/``verdict``)."""
    if check is None:
        return {}
    from deltagrad.autograd.grading import CheckReport

    if not isinstance(check, CheckReport):
        raise TypeError(_("check must be a CheckReport (from nn.check_answers or autograd.check_gradients), "
                          "got {kind}").format(kind=type(check).__name__))
    rows = check.rows
    first = getattr(check, "first_mistake", None)
    out: dict[str, Any] = {}
    for row in rows:
        key = getattr(row, "node", row.name)
        if key:  # an answer with no node (an updated weight) is in the report's table only
            out.setdefault(key, []).append((row, row is first))
    return out


def _box(view: GraphView, i: int, ref: Mapping[str, float], answers: Mapping[str, Any],
         bold: bool, seen: set[str], updated: str | None = None) -> tuple[str, str]:
    """The HTML label of node ``i`` and its status (match, mismatch, ...); adds every status
    shown to ``seen`` (for the legend)."""
    node = view.order[i]
    role = view.roles[i]
    name = view.names[i]
    head = f"<B>{html_text(name)}</B>"
    if node.op and node.label:  # a labelled result: say what made it
        formula = _formula(view, i)
        head += f' <FONT COLOR="#666666">= {html_text(formula)}</FONT>'
    elif node.op and name.startswith("v") and name[1:].isdigit():
        spec = OPS.get(node.op)
        head += f' <FONT COLOR="#666666">({html_text(spec.symbol if spec else node.op)})</FONT>'
    rows = [f'<TR><TD COLSPAN="2">{head}</TD></TR>',
            f'<TR><TD ALIGN="LEFT">{html_text(_("data"))}</TD>'
            f'<TD ALIGN="RIGHT">{html_text(number(node.data))}</TD></TR>',
            f'<TR><TD ALIGN="LEFT">{html_text(_(view.grad_word(i)))}</TD>'
            f'<TD ALIGN="RIGHT">{html_text(number(node.grad))}</TD></TR>']
    if updated is not None:  # the stepper's update step writes the new value here
        rows.append(f'<TR><TD ALIGN="LEFT">{html_text(_("new"))}</TD><TD ALIGN="RIGHT">{html_text(updated)}</TD></TR>')
    status = ""
    border = COLOURS["border"]
    if node.label in ref:
        expected = ref[node.label]
        ok = matches(node.grad, expected)
        status = "match" if ok else "mismatch"
        border = COLOURS[status]
        rows.append(f'<TR><TD ALIGN="LEFT">{html_text(_("manual"))}</TD>'
                    f'<TD ALIGN="RIGHT">{html_text(number(expected))} {"✓" if ok else "✗"}</TD></TR>')
    key = node.label or name
    rank = {"": 0, "match": 1, "follows": 2, "mismatch": 3}  # the worst answer decides the border
    for row, first in answers.get(key, []):
        verdict = row.verdict
        mark = {"ok": "✓", "wrong": "✗", "follows": "→"}.get(verdict, "?")
        this = {"ok": "match", "wrong": "mismatch", "follows": "follows"}.get(verdict, "mismatch")
        seen.add(this)
        if rank[this] > rank[status]:
            status = this
        border = COLOURS[status]
        what = html_text(_("yours ({field})").format(field=getattr(row, "field", "grad")))
        yours = html_text(number(row.yours))
        rows.append(f'<TR><TD ALIGN="LEFT">{what}</TD><TD ALIGN="RIGHT">{yours} {mark}</TD></TR>')
        if first:
            rows.append(f'<TR><TD COLSPAN="2"><FONT COLOR="{COLOURS["mismatch"]}">'
                        f"<B>{html_text(_('first mistake'))}</B></FONT></TD></TR>")
    width = "3" if (bold or status in ("mismatch", "follows")) else ("2" if status else "1")
    if bold and not status:
        border = COLOURS["highlight"]
    table = (f'<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
             f'COLOR="{border}" BGCOLOR="{COLOURS[role]}">' + "".join(rows) + "</TABLE>")
    return table, status


def _formula(view: GraphView, i: int) -> str:
    """``σ(z1[0])``, ``a2[0] − y`` ...: what made a labelled node, shortened in a long sum."""
    node = view.nodes[i]
    if len(node.formula) <= MAX_NAME + 6:
        return node.formula
    v = node.value
    if v.op == "+":
        return _("sum of {count}").format(count=len(v.inputs) + (v.const is not None))
    spec = OPS.get(v.op)
    return f"{getattr(spec, 'symbol', v.op)}(…)" if spec is not None and len(v.inputs) == 1 else f"v{i}"


def _tolerance_text(check: Any) -> str | None:
    """The tolerance a check report graded with, in words (None without one)."""
    describe = getattr(getattr(check, "tolerance", None), "describe", None)
    return str(describe()) if callable(describe) else None


def _add_legend(dot: Any, view: GraphView, statuses: set[str], highlighted: bool,
                tolerance: str | None = None) -> None:
    """One small table beside the graph: the roles present, then the border colours used
    (with a check, the tolerance its answers were graded with)."""
    present = set(view.roles)
    rows = [(COLOURS[r], COLOURS["border"], "1", _(ROLE_TEXT[r])) for r in ROLE_TEXT if r in present]
    status_text = {"match": _("matches the reference (1e-9)"), "mismatch": _("differs / wrong answer"),
                   "follows": _("follows from an earlier mistake")}
    if tolerance is not None:
        status_text["match"] = _("right, to {tolerance}").format(tolerance=tolerance)
    rows += [("#ffffff", COLOURS[s], "2", status_text[s]) for s in ("match", "mismatch", "follows") if s in statuses]
    if highlighted:
        rows.append(("#ffffff", COLOURS["highlight"], "3", _("chain-rule path")))
    cells = "".join(
        f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="{width}" WIDTH="14" HEIGHT="10"></TD>'
        f'<TD ALIGN="LEFT">{html_text(text)}</TD></TR>'
        for fill, border, width, text in rows
    )
    dot.node("legend", f'<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
                       f'<TR><TD COLSPAN="2"><FONT COLOR="#666666">{html_text(_("legend"))}</FONT></TD></TR>'
                       f'{cells}</TABLE>>',
             tooltip="legend")
    dot.edge(f"n{len(view.order) - 1}", "legend", style="invis")  # below the root: keeps the page narrow


# The longest finite time limit: past it, the operating system's timers overflow. For no
# limit at all, pass ``timeout=float("inf")``.
MAX_TIMEOUT = 1e6


def check_timeout(timeout: object) -> float | None:
    """``timeout`` in seconds for `subprocess`: None (no limit) for ``inf``; TypeError for a
    non-number, ValueError for 0, a negative number, nan or a finite number past `MAX_TIMEOUT`."""
    value = real(timeout, "timeout")
    if value == math.inf:
        return None
    if not 0.0 < value <= MAX_TIMEOUT:
        raise ValueError(_("timeout must be a positive number of seconds up to {most:g} (about 11 days), "
                           "or float('inf') for no limit; got {value!r}").format(most=MAX_TIMEOUT, value=timeout))
    return value


def pipe(source: str, fmt: str, *, timeout: float = DEFAULT_TIMEOUT, memory: int | None = DEFAULT_MEMORY,
         n_nodes: int | None = None) -> bytes:
    """Run Graphviz's ``dot -T<fmt>`` on ``source`` with a time limit and a memory limit.

    ``memory``: bytes of address space (None: no limit), where the OS allows a limit. Raises
    `GraphvizNotFoundError` without ``dot``, `RenderTimeoutError` past ``timeout`` seconds (the
    process is killed), and `RenderError` with dot's stderr for any failure.
    """
    limit = check_timeout(timeout)
    if memory is not None:  # bytes of address space: a limit RLIMIT_AS can hold
        memory = whole(memory, "memory", low=1, high=MAX_MEMORY)
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(f"Graphviz's 'dot' program was not found on PATH; {_INSTALL_HINT}")

    size = ngettext("{n} value", "{n} values", n_nodes).format(n=n_nodes) if n_nodes is not None else \
        _("this graph")
    try:
        returncode, out, err_bytes, applied = _run_limited([exe, f"-T{fmt}"], source.encode("utf-8"), limit, memory)
    except subprocess.TimeoutExpired:
        raise RenderTimeoutError(_(
            "Graphviz's dot took more than {seconds:g} s to lay out {size} and was stopped; draw a "
            "model with viz.draw_network (the network view), try rankdir='LR', draw a smaller graph, "
            "or give render() a longer timeout").format(seconds=timeout, size=size)) from None
    if returncode != 0:
        err = err_bytes.decode("utf-8", "replace").strip()
        if returncode < 0 or "memory" in err.lower() or "alloc" in err.lower():
            err = err or _("killed by signal {signal}").format(signal=-returncode)
            limit_text = _("limit {size}").format(size=_bytes(applied)) if applied is not None else \
                _("no memory limit set")
            raise RenderError(_("Graphviz's dot failed on {size} (out of memory? {limit}): {error}").format(
                size=size, limit=limit_text, error=err))
        raise RenderError(_("Graphviz's dot failed on {size} (exit status {status}): {error}").format(
            size=size, status=returncode, error=err))
    return out


def _bytes(memory: int) -> str:
    """A memory limit for people: "4 GiB", "16 MiB"."""
    if memory >= 1024**3:
        return _("{n} GiB").format(n=localize_number(f"{memory / 1024**3:.4g}"))
    return _("{n} MiB").format(n=localize_number(f"{memory / 1024**2:.4g}"))


def _run_limited(args: list[str], data: bytes, timeout: float | None,
                 memory: int | None) -> tuple[int, bytes, bytes, int | None]:
    """Run ``args`` on ``data`` (stdin) with ``memory`` bytes of address space at most, where
    the OS allows a limit: (exit status, stdout, stderr, the limit set or None).
    `subprocess.TimeoutExpired` past ``timeout`` seconds, the program killed.

    On Linux the limit is set with ``prlimit`` once the program has started, before it is given
    its input: it waits on stdin till then, so the whole layout runs under the limit (only the
    loading of its libraries may come first, some 20 MB: a small graph takes dot 60-70 MB in all,
    and the default limit is 4 GiB). Python can then start it with vfork, where a ``preexec_fn``
    would make it fork and copy the caller's page tables: 15 ms of CPU instead of 0.4 ms in a
    260 MB process (a notebook's). Where ``prlimit`` is refused, the program is started again
    with the limit set in a ``preexec_fn`` (as on other POSIX systems; Windows sets none). The
    limit never goes above the caller's own hard limit.
    """
    try:
        import resource
    except ImportError:  # Windows: no limit to set, the time limit still holds
        resource = None  # type: ignore[assignment]
    if memory is None or resource is None:
        memory = None
    else:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            memory = min(memory, hard)  # a limit can only be lowered
    limit = (memory, memory)
    prlimit = getattr(resource, "prlimit", None) if memory is not None else None
    if prlimit is not None:
        done = _run(args, data, timeout, lambda pid: prlimit(pid, resource.RLIMIT_AS, limit))
        if done is not None:
            return (*done, memory)
        # refused (a security module, a setuid dot): start it again, the limit set before it runs

    def limit_self() -> None:  # in the child, before the program starts
        try:
            resource.setrlimit(resource.RLIMIT_AS, limit)  # type: ignore[arg-type]
        except (ValueError, OSError):  # the time limit still holds
            pass

    done = _run(args, data, timeout, None, preexec_fn=limit_self if memory is not None else None)
    assert done is not None  # nothing to refuse without a late limit
    return (*done, memory)


def _run(args: list[str], data: bytes, timeout: float | None, late_limit: Callable[[int], object] | None,
         preexec_fn: Callable[[], None] | None = None) -> tuple[int, bytes, bytes] | None:
    """Start ``args``, call ``late_limit(pid)`` before giving it ``data``, and wait for it:
    (exit status, stdout, stderr), or None when ``late_limit`` was refused (OSError; the
    program is killed)."""
    with subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          preexec_fn=preexec_fn) as proc:
        try:
            if late_limit is not None:
                try:
                    late_limit(proc.pid)
                except OSError:
                    _kill(proc)
                    return None
            out, err = proc.communicate(data, timeout=timeout)
        except BaseException:  # the time limit, Ctrl-C: never leave it running
            _kill(proc)
            raise
    return proc.returncode, out, err


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc`` and reap it, its pipes closed first. Not ``communicate``: a process it
    started (a wrapper script's real dot) could hold them open for ever (CPython bpo-37424);
    that one ends when it next writes to them."""
    proc.kill()  # nothing is sent once it has been reaped
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            try:
                stream.close()
            except OSError:  # stdin's unwritten bytes: the reader is gone
                pass
    proc.wait()


def render(root: Value, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT,
           **draw_kwargs: Any) -> Path:
    """Draw the graph under ``root`` to ``path`` (.svg, .png, .pdf or .dot) and return it.

    The DOT source is always written beside it (``path`` with suffix ``.dot``). ``dot`` runs
    with a time limit (``timeout`` seconds, `RenderTimeoutError`) and a memory limit. Without
    Graphviz's ``dot`` program this raises `GraphvizNotFoundError`, saying where the DOT
    source was written. ``timeout=float("inf")`` means no time limit.
    """
    check_timeout(timeout)  # before any work
    dot = draw_dot(root, **draw_kwargs)
    return save_picture(dot, path, timeout=timeout, n_nodes=len(topological_sort(root)))


def save_picture(dot: Any, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT,
                 n_nodes: int | None = None) -> Path:
    """Write a `graphviz.Digraph` to ``path`` (.svg, .png, .pdf or .dot), the DOT source beside it."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"unknown picture format {target.suffix or '(no suffix)'!r} for {target}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    dot_path = target.with_suffix(".dot")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dot_path, dot.source.encode("utf-8"))
    except OSError as err:
        raise OSError(f"cannot write the graph to {target}: {err.strerror or err}") from err
    if suffix == ".dot":
        return target
    try:
        data = pipe(dot.source, suffix[1:], timeout=timeout, n_nodes=n_nodes)
    except GraphvizNotFoundError as err:
        raise GraphvizNotFoundError(f"{err}. {target.name} was not rendered; the DOT source was written "
                                    f"to {dot_path}") from None
    try:
        atomic_write(target, data)
    except OSError as err:
        raise OSError(f"cannot write the graph to {target}: {err.strerror or err}") from err
    return target
