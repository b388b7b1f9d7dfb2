"""Watch backprop happen: one self-contained HTML page that steps through a graph or a network.

`stepper(root)` lays the graph out with Graphviz (the same drawing as `draw_dot`) and
writes one HTML file with the picture, its script and its data inline: no network, no
CDN. Its steps are

1. **forward**: first "the given values" (inputs, target, parameters, every leaf) in one
   step, then one step per computed value in topological order, with the formula in names
   and in numbers (``z1[0] = W1[0][0]·x[0] + W1[0][1]·x[1] + b1[0] = 0.05 + (−0.08) + 0.2
   = 0.17``);
2. **backward**: the seed ``dL/dL = 1``, then one step per value whose gradient is
   complete; it sends its gradient to its operands, ``dL/dx += dL/dnode × local``, with
   the rule of the local derivative and the running sum where a value receives gradient
   from several places. The gradient of a neuron's pre-activation is named δ. For a
   network (``model=``, or a graph with `nn`'s labels) the order is the tutorial's: δ of
   the output layer, its weights' and biases' gradients, then δ of the layer below;
   ``order="graph"`` keeps `backward()`'s own order. Both end with `backward()`'s
   gradients, to the bit;
3. **update** (with ``update=lr``): ``W ← W − η·dL/dW`` for every parameter, with the digits
   that show the change.

``view="network"`` steps on the textbook network view instead, one step per neuron: its z
and a going forward, its δ going back (with the sum over the layer above written out) and
its weights' gradients. It is the default for models with more than `NETWORK_FROM`
neurons.

``reference=`` (label -> hand-computed gradient) shows each hand value only from the step
where autograd reaches that gradient, never before. ``quiz=True`` asks for each backward
step's gradient before it is shown.

The page's interface for tests and tools is ``window.deltagrad``:

- ``steps``: how many steps there are; ``step``: how many are applied now (0 to steps);
- ``go(n)``: apply the first ``n`` steps (with a quiz, it stops at the first question not
  answered yet);
- ``state()``: an object per key (node ids ``n0``, ``n1``, ... of the picture; in the network
  view the names ``x[0]``, ``z1[0]``, ``W1[0][0]``, ``b1[0]``, ``L``) holding ``{label,
  data, grad}``: ``data`` is null before the value's forward step, ``grad`` null until its
  first gradient contribution (after it, the running sum); ``updated`` after the update;
- ``answer(text)`` and ``reveal()`` with ``quiz=True``: the verdict on the current question;
- ``zoom``: ``fit()``, ``actual()`` (1:1) and ``view()`` (the visible part of the drawing).

Keys: ← and → step, space plays and pauses. ``#step=N`` in the URL opens the page at step
N and follows the current step, so a link can point at a moment.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deltagrad import nn
from deltagrad.autograd import Value
from deltagrad.autograd.arguments import real
from deltagrad.autograd.ops import GATES
from deltagrad.i18n import _, decimal_separator, join_numbers

from .dot import DEFAULT_MAX_NODES, DEFAULT_TIMEOUT, check_layout, check_rows, check_size, copy_id, graph_dot, pipe
from .graph import (
    MINUS,
    GraphView,
    NodeView,
    check_reference,
    const_text,
    frame_rank,
    matches,
    minus,
    number,
    read_graph,
    render_formula,
    signed,
    updated_text,
)
from .pages import Page, data_script, inline_script, inline_style, page, svg_body

NETWORK_FROM = 12  # a model with more neurons than this steps on the network view by default
ORDERS = ("tutorial", "graph")
VIEWS = ("graph", "network")


class Stepper(Page):
    """A stepper page: ``.html`` (one self-contained file), ``.save(path)``, and inline
    display in Jupyter and VS Code notebooks."""

    def __init__(self, html_text: str, steps: int, view: str = "graph") -> None:
        super().__init__(html_text)
        self.steps = steps
        self.view = view

    def __repr__(self) -> str:
        return f"Stepper({self.steps} steps)"


@dataclass
class _Pass:
    """The backward pass as the page tells it: who receives what, and every final gradient."""

    order: list[int]  # node indices, in the order their backward steps come
    totals: list[float]  # each node's gradient, as backward() sums it
    left: list[int]  # per node, the contributions it has still to receive


def _backward_pass(view: GraphView, order: str) -> _Pass:
    """The gradients of backward() (reverse topological order, a relu that is off passes 0,
    the first contribution kept as it is), and the order of the page's backward steps."""
    n = len(view.order)
    totals: list[float | None] = [None] * n
    totals[-1] = 1.0
    left = [0] * n
    for i in range(n - 1, -1, -1):
        node = view.order[i]
        g = totals[i]
        assert g is not None  # the root, or a node some consumer reached
        for child, local in zip(node.inputs, node.local_grads):
            j = view.index[id(child)]
            term = 0.0 if (node.op in GATES and not local) else g * local
            before = totals[j]
            totals[j] = term if before is None else before + term
            left[j] += 1
    if order == "graph":
        steps = list(range(n - 1, -1, -1))
    else:
        steps = _tutorial_order(view)
    return _Pass(steps, [0.0 if t is None else t for t in totals], left)


def _tutorial_order(view: GraphView) -> list[int]:
    """Backward steps layer by layer: a value comes once all its consumers are done, and of
    those ready, the one in the highest frame (loss, then the last layer, ...) comes first,
    so a layer's weight gradients are complete before the δ of the layer below."""
    import heapq

    n = len(view.order)
    waiting = [0] * n  # consumers not processed yet
    for node in view.order:
        for child in node.inputs:
            waiting[view.index[id(child)]] += 1
    ready = [(_priority(view, n - 1), n - 1)]
    out = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(i)
        for child in view.order[i].inputs:
            j = view.index[id(child)]
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (_priority(view, j), j))
    return out


def _priority(view: GraphView, i: int) -> tuple[int, int, int, int]:
    """Smallest first: a higher frame, then computed values before leaves, then the earlier
    node (neuron 0 before neuron 1, as the tutorial counts)."""
    rank = frame_rank(view.nodes[i].frame)
    return (-rank[0], -rank[1], 0 if view.order[i].op else 1, i)


def _given_step(view: GraphView, key: Any) -> dict[str, Any]:
    """One forward step with every leaf's value: the given values."""
    groups: dict[str, list[str]] = {"data": [], "parameter": [], "leaf": []}
    sets = []
    for i, nv in enumerate(view.nodes):
        if nv.value.op:
            continue
        groups.get(nv.role, groups["leaf"]).append(f"{nv.name} = {minus(nv.data_text)}")
        sets.append([key(i), "data", nv.value.data, nv.data_text])
    parts = []
    titles = {"data": _("data"), "parameter": _("parameters"), "leaf": _("other leaves")}
    for role, items in groups.items():
        if items:
            # "x[0] = 0,5; x[1] = −0,2" in Russian, where the comma is the decimal mark
            parts.append(_("{what}: {values}").format(what=titles[role], values=join_numbers(items)))
    text = _("Forward: the given values. {values}.").format(values="; ".join(parts))
    return {"kind": "forward", "focus": None, "edges": [], "text": text, "set": sets}


def _forward_text(nv: NodeView) -> str:
    parts = [nv.name]
    if nv.formula != nv.name:
        parts.append(nv.formula)
    if nv.numbers not in parts and nv.numbers not in (nv.data_text, minus(nv.data_text)):
        parts.append(nv.numbers)
    parts.append(minus(nv.data_text))
    return _("Forward: {equation}").format(equation=" = ".join(parts))


def _graph_steps(view: GraphView, ref: dict[str, float], lr: float | None, order: str,
                 quiz: bool) -> list[dict[str, Any]]:
    """Every step of the graph view as data for the page's script: what changes and what to say."""
    def key(i: int) -> str:
        return f"n{i}"

    steps = [_given_step(view, key)]
    for i, nv in enumerate(view.nodes):
        if nv.value.op:
            edges = [f"e{i}_{k}" for k in range(len(nv.value.inputs))]
            steps.append({"kind": "forward", "focus": key(i), "edges": edges,
                          "text": _forward_text(nv), "set": [[key(i), "data", nv.value.data, nv.data_text]]})
    passed = _backward_pass(view, order)
    root = len(view.order) - 1
    steps.append({"kind": "seed", "focus": key(root), "edges": [], "set": [[key(root), "grad", 1.0, "1"]],
                  "text": _("Backward starts: {grad} = 1 (the seed)").format(grad=view.grad_name(root))})
    running: dict[int, float] = {root: 1.0}
    received: dict[int, list[str]] = {root: []}
    for i in passed.order:
        steps.append(_backward_step(view, i, running, received, passed, ref, quiz, key))
    if lr is not None:
        steps.append(_update_step(view, passed.totals, lr, key))
    return steps


def _grad_intro(view: GraphView, i: int, g: float) -> str:
    """``dL/da1[0] = 0.2`` or, for a neuron's pre-activation, ``δ = dL/dz1[0] = …``."""
    if view.nodes[i].delta:
        return f"δ = {view.grad_name(i)} = {minus(number(g))}"
    return f"{view.grad_name(i)} = {minus(number(g))}"


def _backward_step(view: GraphView, i: int, running: dict[int, float], received: dict[int, list[str]],
                   passed: _Pass, ref: dict[str, float], quiz: bool, key: Any) -> dict[str, Any]:
    nv = view.nodes[i]
    node = nv.value
    g = passed.totals[i]
    sets: list[list[Any]] = []
    edges = []
    lines = []
    question = None
    if node.op:
        what = nv.name if nv.formula == nv.name else f"{nv.name} = {nv.formula}"
        lines.append(_("Backward: {grad} is complete: every value that uses it has passed its gradient back. "
                       "{node} sends it to its operands:").format(grad=_grad_intro(view, i, g), node=what))
        for k, (child, local) in enumerate(zip(node.inputs, node.local_grads)):
            j = view.index[id(child)]
            gate = node.op in GATES and not local  # relu off: selects 0, as backward()
            term = 0.0 if gate else g * local
            before = running.get(j)
            total = term if before is None else before + term  # the first contribution as it is
            passed.left[j] -= 1
            if passed.left[j] == 0:
                total = passed.totals[j]  # complete: backward()'s own sum, to the bit
            running[j] = total
            edges.append(f"e{i}_{k}")
            formula = nv.locals[k]
            informative = formula and formula not in (number(local), minus(number(local)), signed(local))
            line = _("{target} += {grad} × {local} = {g} × {l} = {term}   ({rule})").format(
                target=view.grad_name(j), grad=view.grad_name(i), local=formula if informative else signed(local),
                g=signed(g), l=signed(local), term=minus(number(term)), rule=nv.rules[k])
            if before is not None:
                line += "; " + _("running sum {before} {sign} {term} = {total}").format(
                    before=minus(number(before)), sign=MINUS if term < 0 else "+",
                    term=number(abs(term)), total=minus(number(total)))
            lines.append(line)
            received.setdefault(j, []).append(_("{product} (from {name})").format(
                product=f"{signed(g)} × {signed(local)} = {minus(number(term))}", name=nv.name))
            sets.append([key(j), "grad", total, number(total)])
            if quiz and question is None:
                question = {"key": key(j), "field": "grad", "value": total, "text": number(total),
                            "question": f"{view.grad_name(j)} = ?"}
    else:
        sources = received.get(i, [])
        if len(sources) > 1:
            head = _("Backward: {name} is a leaf, so its gradient is complete: {grad}, the sum of {count} "
                     "contributions.").format(name=nv.name, grad=_grad_intro(view, i, g), count=len(sources))
        else:
            head = _("Backward: {name} is a leaf, so its gradient is complete: {grad}.").format(
                name=nv.name, grad=_grad_intro(view, i, g))
        lines.append(head)
        lines += [f"{view.grad_name(i)} += {source}" for source in sources]
    status = []
    label = node.label
    if label in ref:  # the hand value, shown from here on and not before
        ok = matches(g, ref[label])
        status.append([key(i), "match" if ok else "mismatch"])
        mark = "✓" if ok else "✗"
        sets.append([key(i), "manual", ref[label], f"{number(ref[label])} {mark}"])
        lines.append(_("The hand-computed value is {value}: it matches.").format(value=minus(number(ref[label])))
                     if ok else _("The hand-computed value is {value}: it DIFFERS.").format(
                         value=minus(number(ref[label]))))
    return {"kind": "backward", "focus": key(i), "edges": edges, "set": sets, "status": status,
            "quiz": question, "text": "\n".join(lines)}


def _update_step(view: GraphView, grads: Sequence[float], lr: float, key: Any,
                 names: Sequence[int] | None = None) -> dict[str, Any]:
    lines = [_("Update: W ← W − η·{root}/dW for every parameter, with η = {lr}:").format(
        root="d" + view.root_name, lr=const_text(lr))] if view.root_name != "L" else [
        _("Update: W ← W − η·dL/dW for every parameter, with η = {lr}:").format(lr=const_text(lr))]
    sets = []
    for i in names if names is not None else range(len(view.nodes)):
        nv = view.nodes[i]
        if nv.role != "parameter":
            continue
        old, g = nv.value.data, grads[i]
        new = old - lr * g
        shown = updated_text(old, lr * g, new)
        lines.append(f"{nv.name} ← {nv.name} − η·{view.grad_name(i)} = {minus(number(old))} − {const_text(lr)} × "
                     f"{signed(g)} = {minus(shown)}")
        sets.append([key(i), "new", new, shown])
    return {"kind": "update", "focus": None, "edges": [], "set": sets, "text": "\n".join(lines)}


def page_strings() -> dict[str, str]:
    """Every word the page's script shows, in the language in use."""
    return {
        "start": _("Start: nothing computed yet. Press Next (or →) to run the forward pass, then the backward pass."),
        "counter": _("step {n} / {total}"),
        "play": _("Play"),
        "pause": _("Pause"),
        "right": _("Right: {value}."),
        "wrong": _("Not {answer}: try again, or press Show."),
        "not_number": _("not a number: {text}"),
        "revealed": _("Shown: {value}."),
        "ask": _("Your answer first: {question}"),
        "waiting": _("Answer the question (or press Show) to go on."),
    }


def _controls() -> dict[str, str]:
    """The page's static words, HTML-escaped for the template."""
    words = {
        "heading": _("Backprop, step by step"),
        "reset": _("Reset"),
        "prev": _("Previous"),
        "play": _("Play"),
        "next": _("Next"),
        "step_label": _("step"),
        "speed": _("speed"),
        "slow": _("slow"),
        "normal": _("normal"),
        "fast": _("fast"),
        "fit": _("Fit"),
        "actual": _("1:1"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "answer_label": _("Your answer"),
        "check": _("Check"),
        "show": _("Show"),
        "picture": _("the picture: drag to pan, wheel or pinch to zoom"),
    }
    return {k: html.escape(v, quote=True) for k, v in words.items()}


def _build_page(svg: str, data: dict[str, Any], quiz: bool) -> str:
    return page("stepper.html", title=_("deltagrad: backprop, step by step"), style=inline_style("stepper.css"),
                svg=svg, data=data_script(data), script=inline_script("common.js", "stepper.js"),
                quiz_hidden="" if quiz else " hidden", **_controls())


def _check_lr(update: object, params_given: bool) -> float | None:
    if update is None:
        return None
    lr = real(update, "update (a learning rate)")  # np.float32 too; 10**400 is a ValueError
    if not params_given:
        raise ValueError("update= needs params= (the Values that the update step changes) or model=")
    if not lr > 0 or not math.isfinite(lr):
        raise ValueError(f"update must be a positive, finite learning rate, got {update!r}")
    return lr


def _model_graph(model: nn.MLP, x: object, y: object) -> tuple[Value, list[Value]]:
    """The loss ½ Σ (a − y)² of ``model`` at (``x``, ``y``), and its data Values."""
    xs = nn.inference.check_row(x, model.sizes[0], "input")
    ys = nn.inference.check_row(y, model.sizes[-1], "target")
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(xs)]
    targets = [Value(v, label="y" if len(ys) == 1 else f"y[{k}]") for k, v in enumerate(ys)]
    out = model(data)
    loss = nn.half_squared_error(out if isinstance(out, list) else [out], targets)
    return loss, data + targets


def stepper(root: Value | None = None, *, model: nn.MLP | None = None, x: Any = None, y: Any = None,
            params: Any = None, inputs: Any = None, reference: Any = None, update: float | None = None,
            check: Any = None, order: str | None = None, view: str | None = None, quiz: bool = False,
            max_nodes: int = DEFAULT_MAX_NODES, rankdir: str = "TB", timeout: float = DEFAULT_TIMEOUT) -> Stepper:
    """The step-by-step page of the forward and backward pass of the graph under ``root``.

    Args:
        root: the graph's output (the loss); or give ``model``, ``x`` and ``y`` and the page
            builds the half squared error of the model at that example.
        model: the `nn.MLP` the graph was built from: its parameters are the params, the
            backward steps come in the tutorial's order, and ``view="network"`` is possible.
        params, inputs: the parameter and data Values, coloured as in `draw_dot`.
        reference: label -> expected gradient (e.g. the delta rule's); each is shown from
            the step where autograd reaches that gradient, green where they agree.
        update: a learning rate: adds a last step ``W ← W − η·dL/dW`` for every parameter.
        check: a report of `nn.check_answers` or `autograd.check_gradients`, drawn as in
            `draw_dot` (graph view).
        order: ``"tutorial"`` (the default for a network: layer by layer, output first) or
            ``"graph"`` (`backward()`'s own order).
        view: ``"graph"`` (every value) or ``"network"`` (one step per neuron; the default
            for a model with more than 12 neurons).
        quiz: ask for each backward step's gradient before showing it.
    """
    if model is not None and not isinstance(model, nn.MLP):
        raise TypeError(f"model must be an nn.MLP, got {type(model).__name__}")
    if root is None:
        if model is None or x is None or y is None:
            raise TypeError("stepper() needs a root Value, or model=, x= and y=")
        root, given = _model_graph(model, x, y)
        inputs = given if inputs is None else inputs
    elif not isinstance(root, Value):
        raise TypeError(f"stepper() expects a Value as the root, got {type(root).__name__}")
    if model is not None and params is None:
        params = model.parameters()
    if not isinstance(quiz, bool):
        raise TypeError(f"quiz must be True or False, got {type(quiz).__name__}")
    lr = _check_lr(update, params is not None)
    if view is None:
        view = "network" if model is not None and sum(model.sizes[1:]) > NETWORK_FROM else "graph"
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    if view == "network" and model is None:
        raise ValueError("view='network' needs model= (the network to draw)")
    if order is not None and order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    graph = read_graph(root, params, inputs)
    if view == "graph":
        check_size(len(graph.order), max_nodes)
    ref = check_reference(reference, (n.label for n in graph.order if n.label))
    if view == "graph":
        plan = check_layout(graph)  # a graph dot would take minutes on is refused before the steps are written
    if order is None:
        order = "tutorial" if model is not None or any(graph.frames) else "graph"
    if view == "network":
        assert model is not None
        from .network import network_stepper

        svg_text, data = network_stepper(model, graph, ref, lr, order, quiz, timeout)
        return Stepper(_build_page(svg_text, data, quiz), len(data["steps"]), "network")
    steps = _graph_steps(graph, ref, lr, order, quiz)
    updates = {int(s[0][1:]): s[3] for step in steps if step["kind"] == "update" for s in step["set"]}
    dot = graph_dot(graph, ref=ref, answers=check_rows(check), rankdir=rankdir, updates=updates,
                    values_in_tooltips=False)
    svg = svg_body(pipe(dot.source, "svg", timeout=timeout, n_nodes=len(graph.order)))
    copies = plan.copies
    nodes = {}
    for i, nv in enumerate(graph.nodes):
        # each cell is found by the word before it in the picture: the words draw_dot wrote
        cells = {"data": [_("data"), "next", "?"], "grad": [_(graph.grad_word(i)), "next", "?"]}
        if i in updates:
            cells["new"] = [_("new"), "next", ""]
        if nv.value.label in ref:
            cells["manual"] = [_("manual"), "next", "?"]
        nodes[f"n{i}"] = {"label": nv.value.label, "name": nv.name, "element": f"n{i}", "cells": cells,
                          "outline": "table", "copies": [copy_id(i, j, k) for j, k in copies.get(i, [])]}
    data = {"mode": "graph", "nodes": nodes, "steps": steps, "reference": bool(ref), "quiz": quiz,
            "strings": page_strings()}
    return Stepper(_build_page(svg, data, quiz), len(steps), "graph")


def backward_totals(view: GraphView) -> list[float]:
    """Every node's gradient as `backward()` sums it (whatever ``.grad`` holds now)."""
    return _backward_pass(view, "graph").totals


def _inline(view: GraphView, v: Value, depth: int = 0) -> tuple[str, int]:
    """A value's number, or for an unlabelled computed value its formula in numbers, inline
    (``0.5·(0.6392 − 1)²``)."""
    if v.op and not v.label and depth < 4:
        return render_formula(v, lambda c: _inline(view, c, depth + 1))
    return signed(v.data), 5


def _row(values: list[float]) -> str:
    """``[0.5, −0.2]``; in Russian ``[0,5; −0,2]`` (the comma is the decimal mark there)."""
    return "[" + join_numbers(minus(number(x)) for x in values) + "]"


def _matrix(values: list[list[float]]) -> str:
    return "[" + join_numbers(_row(row) for row in values) + "]"


def network_steps(model: nn.MLP, numbers: Any, graph: GraphView, ref: dict[str, float], lr: float | None,
                  quiz: bool) -> list[dict[str, Any]]:
    """The network view's steps: the given values, z and a per neuron, the loss, δ and the
    weights' gradients per neuron (output layer first), the update."""
    from .network import _edge_id

    by_label = {n.label: i for i, n in reversed(list(enumerate(graph.order))) if n.label}
    given = [[f"x[{j}]", "data", x, number(x)] for j, x in enumerate(numbers.x)]
    parts = [f"x = {_row(numbers.x)}"]
    if numbers.y:
        target = join_numbers(minus(number(t)) for t in numbers.y)
        if len(numbers.y) > 1 and decimal_separator() == ",":
            target = f"[{target}]"  # 1; 0 would run into the "; " between the parts
        parts.append(f"y = {target}")
    for k, layer in enumerate(model.layers, start=1):
        ws = [[w.data for w in n.w] for n in layer.neurons]
        bs = [n.b.data for n in layer.neurons]
        for n in layer.neurons:
            given += [[w.label, "data", w.data, number(w.data)] for w in n.w] + [[n.b.label, "data", n.b.data,
                                                                                   number(n.b.data)]]
        if layer.nin * layer.nout <= 16:
            parts.append(f"W{k} = {_matrix(ws)}, b{k} = {_row(bs)}")
        else:
            parts.append(_("W{k}: {rows}×{cols} weights and b{k}: {rows} biases (hover over an edge or a "
                           "neuron)").format(k=k, rows=layer.nout, cols=layer.nin))
    steps: list[dict[str, Any]] = [{"kind": "forward", "focus": None, "edges": [], "set": given,
                                    "text": _("Forward: the given values. {values}.").format(values="; ".join(parts))}]
    for k, layer in enumerate(model.layers, start=1):
        for i, neuron in enumerate(layer.neurons):
            zname, aname = f"z{k}[{i}]", f"a{k}[{i}]"
            z = graph.order[by_label[zname]]
            numbers_text = render_formula(z, lambda c: _inline(graph, c, 1))[0]
            lines = [f"{zname} = {graph.of(z).formula} = {numbers_text} = {minus(number(z.data))}"]
            sets = [[zname, "data", z.data, number(z.data)]]
            if not nn.ACTIVATIONS[neuron.activation].identity:
                a = graph.order[by_label[aname]]
                lines.append(f"{aname} = {graph.of(a).formula} = {graph.of(a).numbers} = {minus(number(a.data))}")
                sets.append([zname, "a", a.data, number(a.data)])
            steps.append({"kind": "forward", "focus": f"l{k}n{i}", "edges": [_edge_id(w.label) for w in neuron.w],
                          "set": sets, "text": _("Forward, layer {k}, neuron {i}: {formulas}").format(
                              k=k, i=i, formulas="; ".join(lines))})
    root = graph.order[-1]
    equation = [graph.nodes[-1].name, graph.nodes[-1].formula, render_formula(root, lambda c: _inline(graph, c, 1))[0],
                minus(number(root.data))]
    steps.append({"kind": "forward", "focus": "loss", "edges": [f"loss_{i}" for i in range(model.sizes[-1])],
                  "set": [["L", "data", root.data, number(root.data)]],
                  "text": _("Forward, the loss: {equation}").format(equation=" = ".join(equation))})
    last = len(model.layers)
    for k in range(last, 0, -1):
        layer = model.layers[k - 1]
        below = [f"x[{j}]" for j in range(layer.nin)] if k == 1 else [f"a{k - 1}[{j}]" for j in range(layer.nin)]
        below_values = numbers.x if k == 1 else numbers.a[k - 2]
        for i, neuron in enumerate(layer.neurons):
            zname, aname = f"z{k}[{i}]", f"a{k}[{i}]"
            delta = numbers.deltas[k - 1][i]
            lines = []
            if k == last:
                dl_da = numbers.dl_da[k - 1][i]
                lines.append(_("dL/d{name} = {value}, from the loss").format(name=aname, value=minus(number(dl_da))))
            else:
                above = model.layers[k]
                terms = [f"δ{k + 1}[{m}]·W{k + 1}[{m}][{i}]" for m in range(above.nout)]
                values = [f"{signed(numbers.deltas[k][m])}·{signed(above.neurons[m].w[i].data)}"
                          for m in range(above.nout)]
                lines.append(f"dL/d{aname} = Σ δ{k + 1}[m]·W{k + 1}[m][{i}] = {_sum_text(terms)} = "
                             f"{_sum_text(values)} = {minus(number(numbers.dl_da[k - 1][i]))}")
            if nn.ACTIVATIONS[neuron.activation].identity:
                lines.append(f"δ = dL/d{zname} = dL/d{aname} = {minus(number(delta))}")
            else:
                a = graph.order[by_label[aname]]
                local = a.local_grads[0]
                lines.append(f"δ = dL/d{zname} = dL/d{aname} × {graph.of(a).locals[0]} = "
                             f"{signed(numbers.dl_da[k - 1][i])} × {signed(local)} = {minus(number(delta))}")
            sets = [[zname, "grad", delta, number(delta)]]
            grads = []
            for j, w in enumerate(neuron.w):
                g = numbers.grads[w.label]
                grads.append(f"dL/d{w.label} = δ·{below[j]} = {signed(delta)}·{signed(below_values[j])} = "
                             f"{minus(number(g))}")
                sets.append([w.label, "grad", g, number(g)])
            bname = f"b{k}[{i}]"
            grads.append(f"dL/d{bname} = δ = {minus(number(numbers.grads[bname]))}")
            sets.append([bname, "grad", numbers.grads[bname], number(numbers.grads[bname])])
            if len(grads) > 8:
                grads = grads[:3] + [_("… ({count} more)").format(count=len(grads) - 5)] + grads[-2:]
            lines.append(_("Its gradients: {grads}").format(grads="; ".join(grads)))
            status = []
            for label in [zname] + [w.label for w in neuron.w]:
                if label in ref:
                    value = delta if label == zname else numbers.grads[label]
                    ok = matches(value, ref[label])
                    status.append([label, "match" if ok else "mismatch"])
                    mark = "✓" if ok else "✗"
                    sets.append([label, "manual", ref[label], f"{number(ref[label])} {mark}" if label == zname
                                 else f"{number(value)} {mark}"])
            if any(st[1] == "mismatch" for st in status):
                lines.append(_("The hand-computed values differ: {labels}").format(
                    labels=", ".join(st[0] for st in status if st[1] == "mismatch")))
            elif status:
                lines.append(_("The hand-computed values match."))
            question = ({"key": zname, "field": "grad", "value": delta, "text": number(delta),
                         "question": f"δ = dL/d{zname} = ?"} if quiz else None)
            steps.append({"kind": "backward", "focus": f"l{k}n{i}",
                          "edges": [_edge_id(w.label) for w in neuron.w], "set": sets, "status": status,
                          "quiz": question,
                          "text": _("Back, layer {k}, neuron {i}: {formulas}").format(k=k, i=i,
                                                                                    formulas="\n".join(lines))})
    if lr is not None:
        lines = [_("Update: W ← W − η·dL/dW for every parameter, with η = {lr}:").format(lr=const_text(lr))]
        sets = []
        for name, p in model.named_parameters():
            g = numbers.grads[name]
            new = p.data - lr * g
            shown = updated_text(p.data, lr * g, new)
            lines.append(f"{name} ← {name} − η·dL/d{name} = {minus(number(p.data))} − {const_text(lr)} × "
                         f"{signed(g)} = {minus(shown)}")
            sets.append([name, "new", new, shown])
        steps.append({"kind": "update", "focus": None, "edges": [], "set": sets, "text": "\n".join(lines)})
    return steps


def _sum_text(terms: list[str]) -> str:
    """Terms joined by +, shortened with … past 6."""
    if len(terms) > 6:
        terms = terms[:3] + ["…"] + terms[-1:]
    return " + ".join(terms)


__all__ = ["NETWORK_FROM", "Stepper", "backward_totals", "network_steps", "page_strings", "stepper"]
