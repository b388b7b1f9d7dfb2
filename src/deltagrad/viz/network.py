"""The textbook view of a network: a circle per neuron, an edge per weight.

Where `draw_dot` shows every value of the computation graph, this draws the picture of
the seed text: inputs on the left, one column per layer, the loss on the right; each
neuron shows its pre-activation ``z``, activation ``a`` and delta ``δ = dL/dz``, and each
edge its weight ``w`` and gradient ``dL/dw``. It stays readable for models whose graph
would not (a 16-16 network has about 900 values but 33 neurons).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deltagrad import nn
from deltagrad.autograd import Value

from .dot import COLOURS, check_rows, dot_text, html_text
from .graph import check_reference, matches, number

MAX_NEURONS = 400  # past this even the network view is a wall of circles
LABELLED_WEIGHTS = 64  # past this many weights the edges carry their numbers in tooltips only


def draw_network(model: nn.MLP, x: Sequence[float], y: float | Sequence[float], *,
                 reference: Mapping[str, float] | None = None, check: Any = None,
                 rankdir: str = "LR") -> Any:
    """The network ``model`` at example (``x``, ``y``) as a `graphviz.Digraph`.

    The numbers are autograd's, for the half squared error L = 1/2 sum (a - y)^2 (the loss
    `nn.manual_backprop` derives by hand). ``reference`` (label -> gradient, e.g.
    ``nn.manual_backprop(...).reference()``) adds the hand-computed value beside each weight
    gradient and delta: green where they agree within 1e-9, red where not. The model's
    ``.grad`` fields are left as they were.
    """
    import graphviz

    if not isinstance(model, nn.MLP):
        raise TypeError(f"draw_network() expects an nn.MLP, got {type(model).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    n_neurons = sum(model.sizes)
    if n_neurons > MAX_NEURONS:
        raise ValueError(f"draw_network() draws at most {MAX_NEURONS} neurons, the model has {n_neurons}")
    xs = nn.inference.check_row(x, model.sizes[0], "input")
    ys = nn.inference.check_row(y, model.sizes[-1], "target")
    numbers = _network_numbers(model, xs, ys)
    n_weights = sum(layer.nin * layer.nout for layer in model.layers)
    compact = n_weights > LABELLED_WEIGHTS
    labels = [name for name, _ in model.named_parameters()]
    labels += [f"z{k + 1}[{i}]" for k, layer in enumerate(model.layers) for i in range(layer.nout)]
    ref = check_reference(reference, labels)
    answers = check_rows(check)

    dot = graphviz.Digraph(
        "deltagrad_network",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "10",
                    "nodesep": "0.08" if compact else "0.35", "ranksep": "2.5" if compact else "1.3",
                    "splines": "line" if compact else "true", "tooltip": "deltagrad network view"},
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "8", "arrowsize": "0.5", "color": "#888888",
                   "fontcolor": "#333333"},
    )
    with dot.subgraph(name="cluster_inputs") as inputs:
        inputs.attr(label="inputs", style="rounded,dashed", color="#999999", fontcolor="#666666")
        for j, value in enumerate(xs):
            inputs.node(f"x{j}", f"<<B>x[{j}]</B><BR/>{html_text(number(value))}>", shape="box", style="rounded,filled",
                        fillcolor=COLOURS["data"], tooltip=f"x[{j}] = {value!r}")
    for k, layer in enumerate(model.layers, start=1):
        with dot.subgraph(name=f"cluster_layer{k}") as frame:
            frame.attr(label=f"layer {k} ({layer.activation})", style="rounded,dashed", color="#999999",
                       fontcolor="#666666")
            for i, neuron in enumerate(layer.neurons):
                z, a, delta = numbers["z"][k - 1][i], numbers["a"][k - 1][i], numbers["delta"][k - 1][i]
                zname = f"z{k}[{i}]"
                rows = [f"<B>z{k}[{i}]</B> = {html_text(number(z))}", f"<B>a{k}[{i}]</B> = {html_text(number(a))}",
                        f"δ = {html_text(number(delta))}",
                        f"b{k}[{i}] = {html_text(number(neuron.b.data))}, dL/db = {html_text(number(delta))}"]
                colour = "#555555"
                if zname in ref:
                    ok = matches(delta, ref[zname])
                    rows.append(f"manual δ {html_text(number(ref[zname]))} {'✓' if ok else '✗'}")
                    colour = COLOURS["match" if ok else "mismatch"]
                colour, extra = _answer(answers, zname, colour)
                rows += extra
                if compact:  # a big model: one small box per neuron, z and a on one line, then delta
                    rows = [f"{rows[0]} {rows[1]}", *rows[2:]]
                frame.node(f"l{k}n{i}", "<" + "<BR/>".join(rows) + ">", shape="box" if compact else "ellipse",
                           style="rounded,filled" if compact else "filled",
                           fontsize="8" if compact else "10", margin="0.04,0.02" if compact else "0.11,0.055",
                           fillcolor=COLOURS["output"] if k == len(model.layers) else COLOURS["intermediate"],
                           color=colour, penwidth="2" if colour != "#555555" else "1",
                           tooltip=dot_text(f"{zname} = {z!r}\na{k}[{i}] = {a!r}\n"
                                            f"delta{k}[{i}] = dL/d{zname} = {delta!r}"))
                for j, w in enumerate(neuron.w):
                    source = f"x{j}" if k == 1 else f"l{k - 1}n{j}"
                    g = numbers["grads"][w.label]
                    text = f"{w.label}\nw {number(w.data)}\ndL/dw {number(g)}"
                    colour = "#888888"
                    if w.label in ref:
                        ok = matches(g, ref[w.label])
                        text += " ✓" if ok else f" ✗ (manual {number(ref[w.label])})"
                        colour = COLOURS["match" if ok else "mismatch"]
                    colour, extra = _answer(answers, w.label, colour)
                    text += "".join("\n" + e for e in extra)
                    if compact:  # a wall of labels: keep them for the tooltip
                        text = ""
                    dot.edge(source, f"l{k}n{i}", label=text, color=colour,
                             penwidth="0.4" if compact else "1",
                             tooltip=f"{w.label} = {w.data!r}, dL/d{w.label} = {g!r}")
    last = len(model.layers)
    target = ", ".join(number(t) for t in ys)
    dot.node("loss", f"<<B>L = {html_text(number(numbers['loss']))}</B><BR/>½ Σ (a − y)²<BR/>y = {html_text(target)}>",
             shape="box", style="rounded,filled", fillcolor=COLOURS["output"],
             tooltip=f"L = {numbers['loss']!r}")
    for i in range(model.sizes[-1]):
        dot.edge(f"l{last}n{i}", "loss", style="dashed")
    return dot


def _answer(answers: dict[str, Any], key: str, colour: str) -> tuple[str, list[str]]:
    extra: list[str] = []
    for row, first in answers.get(key, []):
        if getattr(row, "field", "grad") != "grad":
            continue
        mark = {"ok": "✓", "wrong": "✗", "follows": "→"}.get(row.verdict, "?")
        status = {"ok": "match", "wrong": "mismatch", "follows": "follows"}.get(row.verdict, "mismatch")
        if colour != COLOURS["mismatch"]:
            colour = COLOURS[status]
        extra += [f"yours {html_text(number(row.yours))} {mark}"] + (["first mistake"] if first else [])
    return colour, extra


def _network_numbers(model: nn.MLP, xs: list[float], ys: list[float]) -> dict[str, Any]:
    """z, a, delta per layer and dL/dw per weight, by autograd, leaving ``.grad`` as it was."""
    params = model.named_parameters()
    with nn.grads_kept(p for _, p in params):
        prev: list[Value] = [Value(v, label=f"x[{j}]") for j, v in enumerate(xs)]
        zs: list[list[Value]] = []
        acts: list[list[Value]] = []
        for layer in model.layers:
            outs = layer(prev)
            # the neuron's z is its activation's operand (or the output itself when linear)
            zs.append([a if nn.ACTIVATIONS[layer.activation].identity else a.inputs[0] for a in outs])
            acts.append(outs)
            prev = outs
        loss = nn.half_squared_error(prev if len(prev) > 1 else prev[0], ys if len(ys) > 1 else ys[0])
        loss.backward()
        return {
            "z": [[z.data for z in row] for row in zs],
            "a": [[a.data for a in row] for row in acts],
            "delta": [[z.grad for z in row] for row in zs],
            "grads": {name: p.grad for name, p in params},
            "loss": loss.data,
        }
