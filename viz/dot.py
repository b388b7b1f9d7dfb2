"""Draw a computation graph with Graphviz: every value with its data and gradient.

Legend of the picture (it is also drawn in a corner of every graph):

- a box per Value, ``label | data | grad`` (4 decimals); with a ``reference`` a fourth
  field ``manual`` holds the hand-computed gradient;
- box colours give the role: data (inputs ``x...`` and targets ``y...``) light blue,
  parameters (other labelled leaves) gold, intermediate values white, the output (the root, usually the loss L) pink,
  numeric constants folded into an operation plain grey text;
- a small circle per operation (``+``, ``*``, ``**``, ``exp``, ``log``, ``sigmoid``,
  ``tanh``, ``relu``) with one edge per operand, so ``a + a`` shows two edges;
- with a ``reference``, a box's border and ``manual`` field are green where autograd
  matches the reference within 1e-9 and red where it does not;
- values of one network layer (labels ``W1[..]``, ``b1[..]``, ``z1[..]``, ``a1[..]``) are
  grouped in a frame per layer.

Node ids are ``n0``, ``n1``, ... in topological order, so the DOT source of a graph is the
same from run to run.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograd import Value, topological_sort
from nn.io import atomic_write

MATCH_TOLERANCE = 1e-9
DEFAULT_MAX_NODES = 5000
FORMATS = (".svg", ".png", ".pdf", ".dot")

COLOURS = {
    "input": "#cfe8ff",
    "parameter": "#ffe08a",
    "intermediate": "#ffffff",
    "output": "#ffc9d6",
    "match": "#1a9850",
    "mismatch": "#d73027",
}
_LAYER = re.compile(r"^[A-Za-z]+(\d+)\[")  # W1[0][1], b2[0], z1[0], a1[1] -> layer number
_INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
    "Windows and others: https://graphviz.org/download/)"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed, so the picture cannot be rendered."""


class GraphTooLargeError(ValueError):
    """The graph has more values than can be drawn in reasonable time."""


def _escape(text: str) -> str:
    """Escape the characters that have a meaning inside a Graphviz record label."""
    return re.sub(r'([{}|<>"\\])', r"\\\1", text).replace("\n", " ")


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def _role(node: Value, root: Value) -> str:
    if node is root:
        return "output"
    if node.op:
        return "intermediate"
    if node.label.startswith(("x", "y")):  # the data: inputs and targets
        return "input"
    return "parameter" if node.label else "intermediate"


def _layers(order: list[Value]) -> list[int | None]:
    """The network layer of each node: from its label, else (for unlabelled interior nodes,
    such as the products W*x) the highest layer among its inputs."""
    index = {id(n): i for i, n in enumerate(order)}
    layers: list[int | None] = []
    for node in order:
        m = _LAYER.match(node.label)
        if m:
            layers.append(int(m.group(1)))
        elif node.op and not node.label:
            found = [layers[index[id(c)]] for c in node.inputs]
            known = [x for x in found if x is not None]
            layers.append(max(known) if known else None)
        else:
            layers.append(None)
    return layers


def _check_reference(reference: object) -> dict[str, float]:
    if reference is None:
        return {}
    if not isinstance(reference, Mapping):
        raise TypeError(f"reference must be a dict of name -> number, got {type(reference).__name__}")
    out = {}
    for key, value in reference.items():
        if not isinstance(key, str):
            raise TypeError(f"reference keys must be labels (str), got {type(key).__name__}: {key!r}")
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"reference[{key!r}] must be a number, got {type(value).__name__}: {value!r}")
        out[key] = float(value)
    return out


def draw_dot(
    root: Value,
    *,
    rankdir: str = "LR",
    reference: Mapping[str, float] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Any:
    """The graph under ``root`` as a `graphviz.Digraph` (shows inline in Jupyter).

    Args:
        rankdir: Graphviz layout direction, ``"LR"`` (left to right) or ``"TB"``, ``"RL"``, ``"BT"``.
        reference: label -> expected gradient (e.g. ``nn.manual_backprop(...).grads``);
            each node with that label also shows it, green where it matches autograd
            within 1e-9, red where not.
        max_nodes: a larger graph raises `GraphTooLargeError` instead of hanging in ``dot``.
    """
    import graphviz

    if not isinstance(root, Value):
        raise TypeError(f"draw_dot() expects a Value, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    ref = _check_reference(reference)
    order = topological_sort(root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {len(order)} values, more than max_nodes={max_nodes}; Graphviz "
            "would take very long to lay it out: draw a smaller graph or raise max_nodes"
        )

    dot = graphviz.Digraph(
        "deltagrad",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "nodesep": "0.25"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.6"},
    )
    ids = {id(n): f"n{i}" for i, n in enumerate(order)}
    layers = _layers(order)
    clusters: dict[int, Any] = {}
    for k in sorted({x for x in layers if x is not None}):
        clusters[k] = graphviz.Digraph(name=f"cluster_layer{k}")
        clusters[k].attr(label=f"layer {k}", style="rounded,dashed", color="#999999", fontcolor="#666666")

    for node, layer in zip(order, layers):
        group = dot if layer is None else clusters[layer]  # nodes go in their layer's frame
        nid = ids[id(node)]
        fields = [_escape(node.label)] if node.label else []
        fields += [f"data {_fmt(node.data)}", f"grad {_fmt(node.grad)}"]
        attrs = {"shape": "record", "style": "filled", "fillcolor": COLOURS[_role(node, root)]}
        if node.label in ref:
            expected = ref[node.label]
            ok = abs(node.grad - expected) <= MATCH_TOLERANCE
            fields.append(f"manual {_fmt(expected)} {'ok' if ok else 'DIFFERS'}")
            attrs.update(color=COLOURS["match" if ok else "mismatch"], penwidth="2.5")
        group.node(nid, "{ " + " | ".join(fields) + " }", **attrs)
        if not node.op:
            continue
        op_id = f"{nid}op"
        group.node(op_id, _escape(node.op), shape="circle", margin="0.02")
        dot.edge(op_id, nid)
        for child in node.inputs:  # one edge per operand: a + a gets two
            dot.edge(ids[id(child)], op_id)
        if node.const is not None:
            const_id = f"{nid}c"
            group.node(const_id, repr(node.const), shape="plaintext", fontcolor="#555555")
            dot.edge(const_id, op_id, style="dashed")

    for cluster in clusters.values():
        dot.subgraph(cluster)
    _add_legend(dot, bool(ref))
    return dot


def _add_legend(dot: Any, with_reference: bool) -> None:
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", style="rounded", color="#bbbbbb", fontcolor="#666666")
        entries = [
            ("legend_input", "data x, y", {"fillcolor": COLOURS["input"]}),
            ("legend_parameter", "parameter W, b", {"fillcolor": COLOURS["parameter"]}),
            ("legend_intermediate", "intermediate", {"fillcolor": COLOURS["intermediate"]}),
            ("legend_output", "output / loss", {"fillcolor": COLOURS["output"]}),
        ]
        if with_reference:
            entries += [
                ("legend_match", "manual matches (1e-9)", {"color": COLOURS["match"], "penwidth": "2.5",
                                                           "fillcolor": "#ffffff"}),
                ("legend_mismatch", "manual differs", {"color": COLOURS["mismatch"], "penwidth": "2.5",
                                                        "fillcolor": "#ffffff"}),
            ]
        for name, text, attrs in entries:
            legend.node(name, text, shape="box", style="filled", fontsize="10", **attrs)
        for (a, _, _), (b, _, _) in zip(entries, entries[1:]):
            legend.edge(a, b, style="invis")


def render(root: Value, path: str | os.PathLike[str], **draw_kwargs: Any) -> Path:
    """Draw the graph under ``root`` to ``path`` (.svg, .png, .pdf or .dot) and return it.

    The DOT source is always written beside it (``path`` with suffix ``.dot``). Without
    Graphviz's ``dot`` program this raises `GraphvizNotFoundError`, saying where the DOT
    source was written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"unknown picture format {target.suffix or '(no suffix)'!r} for {target}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    dot = draw_dot(root, **draw_kwargs)
    dot_path = target.with_suffix(".dot")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(dot_path, dot.source.encode("utf-8"))
    except OSError as err:
        raise OSError(f"cannot write the graph to {target}: {err.strerror or err}") from err
    if suffix == ".dot":
        return target
    import graphviz

    try:
        data = dot.pipe(format=suffix[1:])
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(
            f"Graphviz's 'dot' program was not found on PATH, so {target.name} could not be "
            f"rendered; {_INSTALL_HINT}. The DOT source was written to {dot_path}"
        ) from None
    try:
        atomic_write(target, data)
    except OSError as err:
        raise OSError(f"cannot write the graph to {target}: {err.strerror or err}") from err
    return target
