"""The textbook view of a network: a box per neuron, an edge per weight.

Where `draw_dot` shows every value of the computation graph, this draws the picture of
the seed text: inputs on the left, one column per layer with its neurons in index order
from the top, the loss on the right; each neuron shows its pre-activation ``z``, activation
``a``, delta ``δ = dL/dz`` and bias (for cross-entropy an output also its softmax ``p``),
and each edge its weight ``w`` and gradient ``dL/dw``.
Up to `LABELLED_WEIGHTS` weights every edge carries its numbers; past that the numbers are
in the tooltips (hover) and an edge's colour and width show its gradient (blue: negative,
red: positive; the wider, the larger), with a legend. It stays readable for models whose
graph would not (a 16-16 network has about 900 values but 33 neurons).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deltagrad import nn
from deltagrad.autograd import Value
from deltagrad.autograd.arguments import is_sequence
from deltagrad.autograd.notation import show_text
from deltagrad.i18n import _, join_numbers
from deltagrad.nn.losses import class_index, one_hot
from deltagrad.nn.manual import HAND_LOSSES, BackpropNumbers

from .dot import COLOURS, DEFAULT_TIMEOUT, check_rows, dot_text, html_text, new_digraph, pipe
from .graph import GraphView, check_reference, matches, minus, number, read_graph
from .pages import svg_body

MAX_NEURONS = 400  # past this even the network view is a wall of boxes
LABELLED_WEIGHTS = 32  # up to this many weights (a 2-4-4-1 has 28) every edge shows its numbers
NEGATIVE, POSITIVE = "#2166ac", "#b2182b"  # a gradient's sign, on an edge of a big network


@dataclass
class NetworkNumbers(BackpropNumbers):
    """What the network view shows: a step's numbers (z, a, δ per neuron, dL/dw per
    parameter), with dL/da per neuron, the loss's name and formula and, for cross-entropy,
    the softmax ``p`` of the outputs (``y`` is then the one-hot row of the class)."""

    dl_da: list[list[float]] = field(default_factory=list)
    loss_formula: str = "½ Σ (a − y)²"
    data: dict[str, float] = field(default_factory=dict)  # parameter -> its value
    loss_name: str = "half_squared_error"
    p: list[float] = field(default_factory=list)



def _manual_delta() -> str:
    """The start of a neuron's hand-derived δ row, ``manual δ = `` (the stepper page finds
    the row by it, so the picture and the page use this one text)."""
    return _("manual") + " δ = "


def draw_network(model: nn.MLP, x: Sequence[float], y: float | Sequence[float], *,
                 loss: str = "half_squared_error", reference: Mapping[str, float] | None = None,
                 check: Any = None, rankdir: str = "LR") -> Any:
    """The network ``model`` at example (``x``, ``y``) as a `graphviz.Digraph`.

    The numbers are autograd's, for ``loss``, one of the losses the delta rule derives by
    hand (`nn.manual.HAND_LOSSES`): ``"half_squared_error"`` L = 1/2 sum (a - y)^2 (the
    default), ``"binary_cross_entropy"`` (sigmoid outputs, y in [0, 1]: L = mean of
    -(y ln a + (1 - y) ln(1 - a))) or ``"cross_entropy"`` (L = -ln p[y] with p the softmax
    of the outputs; y a class index or its one-hot row). ``reference`` (label -> gradient,
    e.g. ``nn.manual_backprop(...).reference()``) adds the hand-computed value beside each
    weight gradient and delta: green where they agree within 1e-9, red where not. The
    model's ``.grad`` fields are left as they were. A ``check`` with an ``updated`` section
    draws the student's updated values too, and the tolerance it graded with.
    """
    _check_model(model, rankdir)
    loss = _check_loss(model, loss)
    xs = nn.inference.check_row(x, model.sizes[0], "input")
    ys, target = _targets(model, y, loss)
    numbers = _own_numbers(model, xs, ys, loss, target)
    ref = check_reference(reference, _labels(model))
    dot = network_dot(model, numbers, ref=ref, answers=check_rows(check), rankdir=rankdir,
                      updates=_checked_updates(check))
    describe = getattr(getattr(check, "tolerance", None), "describe", None)
    if callable(describe):  # the tolerance the answers were graded with, under the picture
        dot.attr(label=_("answers checked to {tolerance}").format(tolerance=describe()), labelloc="b")
    return dot


def _checked_updates(check: Any) -> dict[str, str]:
    """Parameter -> the student's updated value, marked, for a check with an ``updated`` section."""
    marks = {"ok": "✓", "wrong": "✗", "follows": "→"}
    return {r.name: _("new: yours {value} {mark}").format(value=number(r.yours), mark=marks.get(r.verdict, "?"))
            for r in getattr(check, "rows", []) if getattr(r, "section", "") == "updated"}


def _check_model(model: object, rankdir: str) -> None:
    if not isinstance(model, nn.MLP):
        raise TypeError(f"draw_network() expects an nn.MLP, got {type(model).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    n_neurons = sum(model.sizes)
    if n_neurons > MAX_NEURONS:
        raise ValueError(f"draw_network() draws at most {MAX_NEURONS} neurons, the model has {n_neurons}; "
                         "draw a smaller model, or write its weights with nn.save")


def _check_loss(model: nn.MLP, loss: object) -> str:
    """``loss`` if the delta rule derives it by hand for this model's outputs; TypeError or ValueError otherwise."""
    if not isinstance(loss, str):
        raise TypeError(_("loss must be a name such as 'cross_entropy', got {kind}: {value!r}").format(
            kind=type(loss).__name__, value=loss))
    if loss not in HAND_LOSSES:
        raise ValueError(_("the network view draws the losses the delta rule derives by hand, {known}; got "
                           "{value!r}").format(known=", ".join(HAND_LOSSES), value=loss))
    output = model.layers[-1].activation
    if loss == "binary_cross_entropy" and output != "sigmoid":
        raise ValueError(_("binary_cross_entropy by hand needs sigmoid outputs, got {act!r}").format(act=output))
    if loss == "cross_entropy" and model.sizes[-1] < 2:
        raise ValueError(_("cross-entropy needs a model with one output per class (at least 2), got {n}").format(
            n=model.sizes[-1]))
    return loss


def _targets(model: nn.MLP, y: object, loss: str) -> tuple[list[float], int | None]:
    """(the target, one number per output; for cross-entropy the class index, else None).

    For cross-entropy ``y`` is a class index or its one-hot row, and the target is that row."""
    n = model.sizes[-1]
    if loss != "cross_entropy":
        ys = nn.inference.check_row(y, n, "target")
        if loss == "binary_cross_entropy" and not all(0.0 <= t <= 1.0 for t in ys):
            raise ValueError(_("binary_cross_entropy targets must be in [0, 1], got y = {y}").format(y=ys))
        return ys, None
    if not is_sequence(y):
        index = class_index(y, n)
        return one_hot(index, n), index
    row = nn.inference.check_row(y, n, "target")
    if sorted(row) != [0.0] * (n - 1) + [1.0]:
        raise ValueError(_("a cross-entropy target is a class index or its one-hot row (one 1, the rest 0), "
                           "got {y}").format(y=row))
    return row, row.index(1.0)


def _labels(model: nn.MLP) -> list[str]:
    labels = [name for name, _ in model.named_parameters()]
    return labels + [f"z{k + 1}[{i}]" for k, layer in enumerate(model.layers) for i in range(layer.nout)]


def labelled(model: nn.MLP) -> bool:
    """True when every edge of the model's network view carries its numbers."""
    return sum(layer.nin * layer.nout for layer in model.layers) <= LABELLED_WEIGHTS


def network_dot(model: nn.MLP, numbers: NetworkNumbers, *, ref: Mapping[str, float] | None = None,
                answers: Mapping[str, Any] | None = None, rankdir: str = "LR",
                updates: Mapping[str, str] | None = None, values_in_tooltips: bool = True) -> Any:
    """The `graphviz.Digraph` of the network view (what `draw_network` returns; the stepper
    passes ``updates``, parameter -> its updated value's text, to keep room for it)."""
    ref = ref or {}
    answers = answers or {}
    updates = updates or {}
    show_labels = labelled(model)
    dot = new_digraph(
        "deltagrad_network",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12", "ordering": "out",
                    "nodesep": "0.12" if show_labels else "0.06", "ranksep": "0.25" if show_labels else "1.6",
                    "splines": "true" if show_labels else "line", "outputorder": "edgesfirst",
                    "tooltip": "deltagrad network view", "pad": "0.1"},
        node_attr={"fontname": "Helvetica", "fontsize": "12", "shape": "box", "style": "rounded,filled",
                   "margin": "0.06,0.03"},
        edge_attr={"fontname": "Helvetica", "fontsize": "12", "arrowsize": "0.5" if show_labels else "0.3",
                   "color": "#888888", "fontcolor": "#333333"},
    )
    def tip(text: str) -> str:
        return dot_text(text if values_in_tooltips else text.split(" = ")[0])

    # Each column is one rank, its neurons chained by invisible edges under a title: that
    # keeps them in index order from the top (Graphviz's clusters would let them move).
    with dot.subgraph(name="inputs") as inputs:
        for j, value in enumerate(numbers.x):
            inputs.node(f"x{j}", html_text(f"x[{j}] = {number(value)}"), fillcolor=COLOURS["data"],
                        tooltip=tip(f"x[{j}] = {value!r}"), id=f"x{j}")
        _keep_order(inputs, "h0", _("inputs"), [f"x{j}" for j in range(len(numbers.x))])
    largest = max((abs(g) for name, g in numbers.grads.items() if name.startswith("W") and math.isfinite(g)),
                  default=0.0)
    for k, layer in enumerate(model.layers, start=1):
        with dot.subgraph(name=f"layer{k}") as frame:
            for i, neuron in enumerate(layer.neurons):
                _neuron(frame, model, numbers, k, i, neuron, ref, answers, updates, tip, show_labels)
                for j, w in enumerate(neuron.w):
                    _weight_edge(dot, numbers, k, i, j, w, ref, answers, updates, show_labels, largest,
                                 values_in_tooltips)
            _keep_order(frame, f"h{k}", _("layer {k} ({activation})").format(k=k, activation=layer.activation),
                        [f"l{k}n{i}" for i in range(layer.nout)])
    last = len(model.layers)
    target = join_numbers(number(t) for t in numbers.y)  # 1, 0; in Russian 1; 0 (the comma is the decimal mark)
    lines = [f"L = {number(numbers.loss)}", numbers.loss_formula, f"y = {target}"]
    if numbers.loss_name == "cross_entropy":  # y is the class; its one-hot row is what p is compared with
        lines[2:] = [f"y = {numbers.y.index(1.0)}", f"onehot(y) = {target}"]
    dot.node("loss", "<" + "<BR/>".join(html_text(line) for line in lines) + ">",
             fillcolor=COLOURS["output"], tooltip=tip(f"L = {numbers.loss!r}"), id="loss")
    for i in range(model.sizes[-1]):
        dot.edge(f"l{last}n{i}", "loss", style="dashed", id=f"loss_{i}")
    if not show_labels:
        _gradient_legend(dot, largest)
    return dot


def _keep_order(group: Any, head: str, title: str, ids: list[str]) -> None:
    """A column: its title, then its neurons in index order from the top, one rank."""
    group.attr(rank="same")
    group.node(head, html_text(title), shape="plaintext", style="", fontcolor="#666666", fontsize="11",
               tooltip=dot_text(title), id=head)
    chain = [head, *ids]
    for a, b in zip(chain, chain[1:]):
        group.edge(a, b, style="invis")


def _neuron(frame: Any, model: nn.MLP, numbers: NetworkNumbers, k: int, i: int, neuron: Any,
            ref: Mapping[str, float], answers: Mapping[str, Any], updates: Mapping[str, str], tip: Any,
            show_labels: bool) -> None:
    z, a, delta = numbers.z[k - 1][i], numbers.a[k - 1][i], numbers.deltas[k - 1][i]
    zname, bname = f"z{k}[{i}]", f"b{k}[{i}]"
    bias = number(neuron.b.data)
    if bname in updates:
        bias += f" → {updates[bname]}"
    rows = [f"{zname} = {number(z)}", f"a{k}[{i}] = {number(a)}", f"δ = {number(delta)}",
            f"{bname} = {bias}", f"dL/db = {number(numbers.grads[bname])}"]
    if nn.ACTIVATIONS[neuron.activation].identity:
        rows[1] = f"a{k}[{i}] = {zname}"
    softmax = ""
    if numbers.p and k == len(model.layers):  # cross-entropy: the output's softmax, p[i] = e^a[i] / sum_j e^a[j]
        rows.insert(2, f"p[{i}] = {number(numbers.p[i])}")
        softmax = f"p[{i}] = {numbers.p[i]!r}\n"
    colour = "#555555"
    if zname in ref:
        ok = matches(delta, ref[zname])
        rows.append(f"{_manual_delta()}{number(ref[zname])} {'✓' if ok else '✗'}")
        colour = COLOURS["match" if ok else "mismatch"]
    colour, extra = _answer(answers, zname, colour)
    rows += extra
    if not show_labels:  # a big model: a small box per neuron
        rows = [f"{zname} = {number(z)}", f"δ = {number(delta)}"]
    frame.node(f"l{k}n{i}", "<" + "<BR/>".join(html_text(show_text(r)) for r in rows) + ">",
               fontsize="12" if show_labels else "10",
               fillcolor=COLOURS["output"] if k == len(model.layers) else COLOURS["intermediate"],
               color=colour, penwidth="2" if colour != "#555555" else "1", id=f"l{k}n{i}",
               tooltip=tip(f"{zname} = {z!r}\na{k}[{i}] = {a!r}\n{softmax}delta{k}[{i}] = dL/d{zname} = {delta!r}\n"
                           f"{bname} = {neuron.b.data!r}"))


def _weight_edge(dot: Any, numbers: NetworkNumbers, k: int, i: int, j: int, w: Value, ref: Mapping[str, float],
                 answers: Mapping[str, Any], updates: Mapping[str, str], show_labels: bool, largest: float,
                 values_in_tooltips: bool) -> None:
    source = f"x{j}" if k == 1 else f"l{k - 1}n{j}"
    g = numbers.grads[w.label]
    value = number(w.data) + (f" → {updates[w.label]}" if w.label in updates else "")
    lines = [f"{w.label} = {value}", f"dL/dw = {number(g)}"]
    colour = "#888888"
    if w.label in ref:
        ok = matches(g, ref[w.label])
        lines[1] += " ✓" if ok else f" ✗ ({_('manual')} {number(ref[w.label])})"
        colour = COLOURS["match" if ok else "mismatch"]
    colour, extra = _answer(answers, w.label, colour)
    lines += extra
    tooltip = f"{w.label} = {w.data!r}, dL/d{w.label} = {g!r}" if values_in_tooltips else w.label
    attrs = {"id": _edge_id(w.label), "tooltip": dot_text(tooltip)}
    if show_labels:
        attrs.update(label=dot_text(show_text("\n".join(lines))), color=colour, labeltooltip=dot_text(tooltip))
    else:  # a wall of labels: the numbers are in the tooltip, the gradient in colour and width
        share = abs(g) / largest if largest > 0 and math.isfinite(g) else 0.0
        attrs.update(color=colour if colour != "#888888" else (NEGATIVE if g < 0 else POSITIVE),
                     penwidth=f"{0.3 + 3.2 * share:.2f}")
    dot.edge(source, f"l{k}n{i}", **attrs)


def _edge_id(label: str) -> str:
    """``W1[0][2]`` -> ``w1_0_2``: an id for the weight's edge."""
    return "w" + "_".join(part for part in label[1:].replace("]", "").split("[") if part)


def _gradient_legend(dot: Any, largest: float) -> None:
    rows = [
        f'<TR><TD COLSPAN="2"><FONT COLOR="#666666">{html_text(_("edges: dL/dw"))}</FONT></TD></TR>',
        f'<TR><TD WIDTH="22" HEIGHT="6" BGCOLOR="{NEGATIVE}"></TD><TD ALIGN="LEFT">'
        f'{html_text(_("negative gradient"))}</TD></TR>',
        f'<TR><TD WIDTH="22" HEIGHT="6" BGCOLOR="{POSITIVE}"></TD><TD ALIGN="LEFT">'
        f'{html_text(_("positive gradient"))}</TD></TR>',
        f'<TR><TD COLSPAN="2" ALIGN="LEFT">'
        f'{html_text(_("width: |dL/dw|, widest {largest}").format(largest=number(largest)))}</TD></TR>',
        f'<TR><TD COLSPAN="2" ALIGN="LEFT">{html_text(_("hover over an edge for its numbers"))}</TD></TR>',
    ]
    dot.node("legend", '<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
             + "".join(rows) + "</TABLE>>", shape="plaintext", style="", fontsize="10", tooltip="legend", id="legend")
    dot.edge("loss", "legend", style="invis")


def _answer(answers: Mapping[str, Any], key: str, colour: str) -> tuple[str, list[str]]:
    extra: list[str] = []
    for row, first in answers.get(key, []):
        if getattr(row, "field", "grad") != "grad":
            continue
        mark = {"ok": "✓", "wrong": "✗", "follows": "→"}.get(row.verdict, "?")
        status = {"ok": "match", "wrong": "mismatch", "follows": "follows"}.get(row.verdict, "mismatch")
        if colour != COLOURS["mismatch"]:
            colour = COLOURS[status]
        extra.append(_("yours {value} {mark}").format(value=number(row.yours), mark=mark))
        if first:
            extra.append(_("first mistake"))
    return colour, extra


def loss_formula(loss: str, n_outputs: int, n_layers: int) -> str:
    """The loss's formula as the network view writes it beside L."""
    if loss == "cross_entropy":
        return f"−ln p[y],  p = softmax(a{n_layers})"
    if loss == "binary_cross_entropy":
        terms = "(y ln a + (1 − y) ln(1 − a))"
        return f"−{terms}" if n_outputs == 1 else f"−(1/{n_outputs}) Σ {terms}"
    return "½ Σ (a − y)²"


def _own_numbers(model: nn.MLP, xs: list[float], ys: list[float], loss_name: str = "half_squared_error",
                 target: int | None = None) -> NetworkNumbers:
    """The numbers of ``loss_name`` at (xs, ys), by autograd, leaving ``.grad`` as it was
    (for cross-entropy ``target`` is the class index, ``ys`` its one-hot row)."""
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(xs)]
    out = model(data)
    outs = out if isinstance(out, list) else [out]
    if loss_name == "cross_entropy":
        loss = nn.cross_entropy(outs, target)  # ln sum_j e^(a_j) - a_y
    elif loss_name == "binary_cross_entropy":
        loss = nn.binary_cross_entropy(outs, ys)  # from the logits: softplus(z) - y z, averaged
    else:
        loss = nn.half_squared_error(outs, ys)
    numbers = numbers_from_graph(model, read_graph(loss, model.parameters(), data))  # no backward(): .grad untouched
    numbers.y = list(ys)
    numbers.loss_name = loss_name
    numbers.loss_formula = loss_formula(loss_name, len(outs), len(model.layers))
    if loss_name == "cross_entropy":
        numbers.p = [p.data for p in nn.softmax([o.data for o in outs])]
    return numbers


def numbers_from_graph(model: nn.MLP, graph: GraphView) -> NetworkNumbers:
    """z, a, δ and the gradients of ``model``'s network, read from a graph built from it
    (gradients as `backward()` sums them, whatever the Values' ``.grad`` holds)."""
    from .stepper_page import backward_totals

    totals = backward_totals(graph)
    by_label: dict[str, int] = {}
    for i, node in enumerate(graph.order):
        if node.label and node.label not in by_label:
            by_label[node.label] = i
    index = graph.index
    params = model.named_parameters()
    missing = [name for name, p in params if id(p) not in index]
    if missing:
        raise ValueError(f"the graph was not built from this model: {len(missing)} of its parameters "
                         f"({', '.join(missing[:3])}) are not in it")
    xs: list[float] = []
    first = model.layers[0].neurons[0]
    for w in first.w:  # the inputs: the other operand of each first-layer product
        product = next(n for n in graph.order if n.op == "*" and any(c is w for c in n.inputs))
        other = next(c for c in product.inputs if c is not w)
        xs.append(other.data)
    z, a, delta, dl_da = [], [], [], []
    outputs: list[Value] = []  # the last layer's results, as the loss reads them (a, or z past a)
    for k, layer in enumerate(model.layers, start=1):
        zs, acts, ds, das = [], [], [], []
        activation = nn.ACTIVATIONS[layer.activation]
        for i in range(layer.nout):
            zi = by_label.get(f"z{k}[{i}]")
            ai = by_label.get(f"a{k}[{i}]", zi)
            if zi is None or ai is None:
                raise ValueError(f"the graph has no z{k}[{i}]: build it by calling the model")
            z_value = graph.order[zi].data
            zs.append(z_value)
            ds.append(totals[zi])
            if k == len(model.layers):
                outputs.append(graph.order[ai])
            if ai == zi and not activation.identity:
                # the loss reads z itself, past a = f(z) (binary cross-entropy of a sigmoid is
                # softplus(z) - y z): a by the engine's formula, dL/da = δ / f'(z)
                fprime = activation.derivative(z_value)
                acts.append(activation.floats()(z_value))
                das.append(totals[zi] / fprime if fprime != 0.0 else math.nan)
                continue
            acts.append(graph.order[ai].data)
            das.append(totals[ai])
        z.append(zs)
        a.append(acts)
        delta.append(ds)
        dl_da.append(das)
    root = graph.order[-1]
    ys = []
    for node in graph.order:  # the target: what the loss subtracts from the outputs
        if not node.op and node.label and (node.label == "y" or node.label.startswith("y[")):
            ys.append(node.data)
    formula = "½ Σ (a − y)²" if root.label == "L" else graph.nodes[-1].formula
    numbers = NetworkNumbers(xs, ys, z, a, root.data, delta, {name: totals[index[id(p)]] for name, p in params},
                             dl_da, formula, {name: p.data for name, p in params})
    loss = _graph_loss(graph, outputs, model)
    if loss is not None:
        numbers.loss_formula = loss_formula(loss, len(outputs), len(model.layers))
    if loss == "cross_entropy":
        p = [v.data for v in nn.softmax([o.data for o in outputs])]
        # no y leaves (a class index): dL/da = p - onehot(y), so onehot(y) = p - dL/da
        row = ys or [pi - g for pi, g in zip(p, dl_da[-1])]
        if all(abs(t - round(t)) <= 1e-9 for t in row) and sorted(map(round, row)) == [0] * (len(row) - 1) + [1]:
            numbers.loss_name, numbers.p, numbers.y = loss, p, [float(round(t)) for t in row]
        else:  # soft labels: -sum_i y_i ln p_i
            numbers.loss_formula = f"−Σ y ln p,  p = softmax(a{len(model.layers)})"
    elif loss is not None:
        numbers.loss_name = loss
    return numbers


def _graph_loss(graph: GraphView, outputs: list[Value], model: nn.MLP) -> str | None:
    """The loss the graph computes from the model's outputs, read from its structure: the
    cross-entropy takes the logsumexp of all of them, the binary cross-entropy of a sigmoid
    the softplus of each output's z; None for anything else."""
    out_ids = [id(o) for o in outputs]
    sigmoid = model.layers[-1].activation == "sigmoid"
    for node in graph.order:
        if node.op == "logsumexp" and [id(c) for c in node.inputs] == out_ids:
            return "cross_entropy"
        if sigmoid and node.op == "softplus" and id(node.inputs[0]) in out_ids:  # softplus(z) - y z
            return "binary_cross_entropy"
    return None


def network_stepper(model: nn.MLP, graph: GraphView, ref: dict[str, float], lr: float | None, order: str,
                    quiz: bool, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, dict[str, Any]]:
    """The stepper's network view: its SVG and the page's data, one step per neuron."""
    from .stepper_page import network_steps, page_strings

    _check_model(model, "LR")
    numbers = numbers_from_graph(model, graph)
    if not numbers.y:
        numbers.y = [math.nan] * model.sizes[-1]
    numbers.p = []  # the page shows each value at its step, and p has no step of its own
    steps = network_steps(model, numbers, graph, ref, lr, quiz)
    updates = {s[0]: s[3] for step in steps if step["kind"] == "update" for s in step["set"]}
    dot = network_dot(model, numbers, ref=ref, updates=updates, values_in_tooltips=False)
    svg = svg_body(pipe(dot.source, "svg", timeout=timeout, n_nodes=sum(model.sizes)))
    show = labelled(model)
    nodes: dict[str, Any] = {}
    for j in range(model.sizes[0]):
        nodes[f"x[{j}]"] = {"label": f"x[{j}]", "element": f"x{j}", "outline": "shape",
                            "cells": {"data": [f"x[{j}] = ", "prefix", "?"]}}
    for k, layer in enumerate(model.layers, start=1):
        for i, neuron in enumerate(layer.neurons):
            element = f"l{k}n{i}"
            zname, bname = f"z{k}[{i}]", f"b{k}[{i}]"
            cells: dict[str, list[str | None]] = {"data": [f"{zname} = ", "prefix", "?"],
                                                  "grad": ["δ = ", "prefix", "?"]}
            if show:
                cells["a"] = [f"a{k}[{i}] = ", "prefix", "?"] if not nn.ACTIVATIONS[neuron.activation].identity else \
                    [f"a{k}[{i}] = ", "prefix", None]
                cells["manual"] = [_manual_delta(), "prefix", "?"]
            nodes[zname] = {"label": zname, "element": element, "outline": "shape", "cells": cells}
            bias_cells: dict[str, list[str | None]] = {
                "data": [f"{bname} = ", "prefix", "?"], "new": [f"{bname} = ", "prefix", None],
                "grad": ["dL/db = ", "prefix", "?"]} if show else {}
            nodes[bname] = {"label": bname, "element": element, "outline": "none", "cells": bias_cells}
            for w in neuron.w:
                wcells: dict[str, list[str | None]] = {
                    "data": [f"{w.label} = ", "prefix", "?"], "new": [f"{w.label} = ", "prefix", None],
                          "grad": ["dL/dw = ", "prefix", "?"]} if show else {}
                nodes[w.label] = {"label": w.label, "element": _edge_id(w.label), "outline": "none",
                                  "cells": wcells, "edge": True}
    nodes["L"] = {"label": "L", "element": "loss", "outline": "shape", "cells": {"data": ["L = ", "prefix", "?"]}}
    for key, spec in nodes.items():
        if spec["label"] in ref and "manual" not in spec["cells"] and show and key.startswith("W"):
            spec["cells"]["manual"] = ["dL/dw = ", "prefix", None]
    data = {"mode": "network", "nodes": nodes, "steps": steps, "reference": bool(ref), "quiz": quiz,
            "strings": page_strings()}
    return svg, data


__all__ = ["LABELLED_WEIGHTS", "MAX_NEURONS", "NetworkNumbers", "draw_network", "loss_formula", "minus",
           "network_dot"]
