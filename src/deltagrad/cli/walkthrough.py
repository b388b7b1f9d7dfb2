"""The walk-through of one gradient-descent step: autograd beside the textbook delta rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deltagrad import nn, viz
from deltagrad.autograd import Value, topological_sort
from deltagrad.autograd.notation import get_notation, show, show_text
from deltagrad.autograd.text import fixed, format_table, significant
from deltagrad.i18n import N_, _, join_numbers, localize_number, ngettext

INSTALL_HINT = N_("install Graphviz: apt-get install graphviz, brew install graphviz, or https://graphviz.org/download/")
# A graph with more values than this is drawn as the network view instead: past it, the
# boxes of a 2-page graph shrink below what a person can read.
MAX_READABLE_NODES = 400

# The classic 2-2-1 example (../shared/reference/worked_example.md in the project's notes).
WORKED_WEIGHTS = [[[0.1, 0.4], [0.3, -0.5]], [[0.6, -0.1]]]
WORKED_BIASES = [[0.2, -0.1], [0.3]]
WORKED_X = [0.5, -0.2]
WORKED_Y = [1.0]
WORKED_LR = 0.1

# A 2-3-3 softmax network for ``demo --classes 3``: sigmoid hidden layer, linear output (the
# logits), cross-entropy of class 2 at the same input as the 2-2-1.
SOFTMAX_WEIGHTS = [[[0.1, 0.4], [0.3, -0.5], [-0.2, 0.2]], [[0.6, -0.1, 0.3], [-0.4, 0.5, 0.2], [0.1, 0.2, -0.6]]]
SOFTMAX_BIASES = [[0.2, -0.1, 0.05], [0.3, -0.2, 0.1]]
SOFTMAX_CLASS = 2

# The general formulas, in each notation: symbols, not words, so they are not translated.
FORMULAS = {
    "code": {
        "forward": "z = W a_prev + b,  a = f(z)",
        "delta": "delta = dL/dz",
        "output": "delta{n}[i] = (a{n}[i] - y[i]) * f'(z{n}[i])",
        "hidden": "delta_l[i] = (sum_k W_l+1[k][i] * delta_l+1[k]) * f'(z_l[i])",
        "gradients": "dL/dW_l[i][j] = delta_l[i] * a_l-1[j],  dL/db_l[i] = delta_l[i]",
        "update": "p <- p - eta * dL/dp",
        "eta": "eta",
        "loss": "L = 1/2 (y_hat - y)^2",
        "dloss": "dL/dy_hat = y_hat - y",
        "loss_ce": "L = -ln p[y], p = softmax(a{n})",
        "dloss_ce": "dL/da{n}[i] = p[i] - onehot(y)[i]",
        "output_ce": "delta{n}[i] = (p[i] - onehot(y)[i]) * f'(z{n}[i])",
    },
    "textbook": {
        "forward": "z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾,  a⁽ˡ⁾ = f(z⁽ˡ⁾)",
        "delta": "δ = dL/dz",
        "output": "δᵢ⁽{n}⁾ = (aᵢ⁽{n}⁾ − yᵢ) · f′(zᵢ⁽{n}⁾)",
        "hidden": "δᵢ⁽ˡ⁾ = (Σₖ Wₖᵢ⁽ˡ⁺¹⁾ δₖ⁽ˡ⁺¹⁾) · f′(zᵢ⁽ˡ⁾)",
        "gradients": "dL/dWᵢⱼ⁽ˡ⁾ = δᵢ⁽ˡ⁾ · aⱼ⁽ˡ⁻¹⁾,  dL/dbᵢ⁽ˡ⁾ = δᵢ⁽ˡ⁾",
        "update": "p ← p − η · dL/dp",
        "eta": "η",
        "loss": "𝓛 = ½ (ŷ − y)²",
        "dloss": "dL/dŷ = ŷ − y",
        "loss_ce": "𝓛 = −ln p_y,  p = softmax(a⁽{n}⁾)",
        "dloss_ce": "dL/daᵢ⁽{n}⁾ = pᵢ − [i = y]",
        "output_ce": "δᵢ⁽{n}⁾ = (pᵢ − [i = y]) · f′(zᵢ⁽{n}⁾)",
    },
}


def _formula(key: str, **values: object) -> str:
    """One of `FORMULAS` in the notation in use, with the layer number filled in."""
    text = FORMULAS[get_notation()][key]
    if get_notation() == "textbook":
        sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
        return text.replace("{n}", str(values.get("n", "")).translate(sup))
    return text.format(**values) if values else text


def _g(x: float) -> str:
    """A short number (``{:g}``) with the language's decimal mark: 0.1, in Russian 0,1."""
    return localize_number(f"{x:g}")


def _numbers(values: Sequence[float], write: Callable[[float], str] = _g) -> str:
    """``[0.5, -0.2]``; in Russian ``[0,5; -0,2]`` (the comma is the decimal mark there)."""
    return "[" + join_numbers(write(v) for v in values) + "]"


def worked_model() -> nn.MLP:
    """The 2-2-1 sigmoid network of the worked example."""
    return nn.MLP.from_weights(WORKED_WEIGHTS, WORKED_BIASES)


def softmax_model(classes: int = 3) -> nn.MLP:
    """A 2-3-``classes`` network, sigmoid hidden layer and a linear output of one logit per
    class: for 3 classes the fixed example weights, else weights of seed 0 rounded to 2 decimals."""
    if classes == 3:
        return nn.MLP.from_weights(SOFTMAX_WEIGHTS, SOFTMAX_BIASES, output_activation="linear")
    seeded = nn.MLP(2, [3, classes], activation="sigmoid", output_activation="linear", rng=0)
    weights = [[[round(w, 2) for w in row] for row in layer] for layer in seeded.weights()]
    biases = [[0.1 * ((i % 3) - 1) for i in range(len(layer))] for layer in seeded.biases()]
    return nn.MLP.from_weights(weights, biases, output_activation="linear")


@dataclass
class DemoResult:
    """What the walk-through computed and wrote."""

    loss: Value
    manual: nn.ManualBackprop
    rows: list[nn.GradientRow]
    before: dict[str, float]
    after: dict[str, float]
    picture: Path | None
    dot_source: Path | None
    network: Path | None = None
    page: Path | None = None


def _r(x: float) -> str:
    """A number rounded as a person reads it (never ``-0.0000``)."""
    return fixed(x, 4)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _describe(model: nn.MLP) -> str:
    n = model.sizes[0]
    parts = [ngettext("{count} input", "{count} inputs", n).format(count=n)]
    for layer in model.layers:
        parts.append(f"{layer.nout} {layer.activation}")
    return " -> ".join(parts)


def _derivative_text(activation: str) -> str:
    """f'(z) of an activation in the neuron's names, from the op table: ``sigmoid'(z) = a (1 - a)``."""
    prime = "′" if get_notation() == "textbook" else "'"
    return f"{activation}{prime}(z) = {_fprime_text(activation, 'z', 'a')}"


def run_demo(
    model: nn.MLP,
    x: Sequence[float],
    y: Sequence[float],
    lr: float,
    out_dir: Path | None,
    fmt: str = "svg",
    echo: Callable[[str], None] = print,
    *,
    rankdir: str = "TB",
    html: bool = False,
    torch: bool = False,
    loss_name: str = "half_squared_error",
    view: str | None = None,
) -> DemoResult:
    """Print the walk-through for ``model`` at ``(x, y)`` and write the pictures to ``out_dir``.

    ``out_dir`` gets ``graph.<fmt>`` (the computation graph, with the chain-rule path from
    L to W1[0][0] in bold) and ``network.<fmt>`` (the textbook view), each with its DOT
    source; with ``html`` also ``backprop.html``, the page that steps through the forward and
    backward pass with the delta rule's values and the SGD step. A model whose graph is too
    big to read gets the network view only, and one line that says so. With
    ``loss_name="cross_entropy"``, ``y`` is ``[class index]`` and the loss is the cross-entropy
    of the softmax of the outputs.
    """
    ce = loss_name == "cross_entropy"
    n_layers = len(model.layers)
    out_name = f"a{n_layers}"
    echo(_("deltagrad demo: one step of gradient descent, by autograd and by the delta rule"))
    echo("")
    n_params = len(model.parameters())
    echo(ngettext("Network   {network}   ({count} parameter)", "Network   {network}   ({count} parameters)",
                  n_params).format(network=_describe(model), count=n_params))
    y_text = _g(y[0]) if len(y) == 1 else _numbers(y)
    if ce:
        echo(_("Inputs    x = {x}, target class y = {y} (of {k})").format(x=_numbers(x), y=y_text, k=model.sizes[-1]))
        echo(_("Loss      {loss} (cross-entropy of the softmax), so {dloss};  learning rate {eta} = {lr}").format(
            loss=_formula("loss_ce", n=n_layers), dloss=_formula("dloss_ce", n=n_layers), eta=_formula("eta"),
            lr=_g(lr)))
    else:
        echo(_("Inputs    x = {x}, target y = {y}").format(x=_numbers(x), y=y_text))
        loss_line = (_("Loss      {loss}, so {dloss};  learning rate {eta} = {lr}") if len(y) == 1
                     else _("Loss      {loss} summed over outputs, so {dloss};  learning rate {eta} = {lr}"))
        echo(loss_line.format(loss=_formula("loss"), dloss=_formula("dloss"), eta=_formula("eta"), lr=_g(lr)))
    echo("")

    # autograd: forward, loss, backward; data leaves labelled so the pictures show x and y
    before = model.state_dict()
    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    pred = model(inputs)
    if ce:  # the target is a class index, not a leaf of the graph
        targets: list[Value] = []
        target: float | list[float] = int(y[0])
        loss = nn.cross_entropy(pred, int(y[0]))
    else:
        targets = [Value(t, label="y" if len(y) == 1 else f"y[{i}]") for i, t in enumerate(y)]
        target = list(y)
        loss = nn.half_squared_error(pred, targets if len(targets) > 1 else targets[0])
    model.zero_grad()
    loss.backward()
    manual = nn.manual_backprop(model, x, target, loss=loss_name)

    echo(_("Forward pass  ({formula})").format(formula=_formula("forward")))
    first = 1 if get_notation() == "textbook" else 0  # the tutorial counts neurons from 1
    cells = [(layer, i, show(f"z{layer + 1}[{i}]"), _r(z),
              f"{show(f'a{layer + 1}[{i}]')} = {model.layers[layer].activation}(z)", _r(a))
             for layer in range(n_layers) for i, (z, a) in enumerate(zip(manual.z[layer], manual.a[layer]))]
    # names padded and numbers right-aligned inside each cell, so that the = signs line up
    # in every column however long the names get (z1[10])
    w = [max(len(str(c[k])) for c in cells) for k in range(2, 6)]
    rows = [[_("layer {layer}, neuron {neuron}").format(layer=layer + 1, neuron=i + first),
             f"{zn:<{w[0]}} = {zv:>{w[1]}}", f"{an:<{w[2]}} = {av:>{w[3]}}"]
            for layer, i, zn, zv, an, av in cells]
    echo(_indent(format_table(["", _("pre-activation"), _("activation")], rows)))
    outputs = join_numbers(_r(a) for a in manual.a[-1])
    echo(show_text(f"  y_hat = {out_name} = {outputs}"))
    if ce:
        echo(show_text(f"  p = softmax({out_name}) = {_numbers(manual.p, _r)}"))
        echo(show_text(f"  L = -ln p[{int(y[0])}] = {_r(manual.loss)}"))
    else:
        echo(show_text(f"  L = {_r(manual.loss)}"))
    echo("")

    echo(_("Deltas by hand  ({formula})").format(formula=_formula("delta")))
    echo(_("  output:  {formula}").format(formula=_formula("output_ce" if ce else "output", n=n_layers)))
    if n_layers > 1:
        echo(_("  hidden:  {formula}").format(formula=_formula("hidden")))
    used = dict.fromkeys(layer.activation for layer in model.layers)
    echo(show_text(_("  f':      {formulas}").format(formulas=";  ".join(_derivative_text(a) for a in used))))
    for layer in range(n_layers - 1, -1, -1):
        echo(show_text(f"  delta{layer + 1} = {_numbers(manual.deltas[layer], lambda d: significant(d, 4))}"))
    echo("")

    echo(_("Gradients: autograd beside the delta rule"))
    echo("  " + _formula("gradients"))
    grad_rows = nn.compare_gradients(model, x, target, loss=loss_name)
    echo(_indent(nn.format_gradient_table(grad_rows, digits=6)))
    worst = max(r.abs_diff for r in grad_rows)
    verdict = (_("  largest difference: {worst}  (agree within {tolerance})") if worst <= 1e-9
               else _("  largest difference: {worst}  (DISAGREE by more than {tolerance})"))
    echo(verdict.format(worst=localize_number(f"{worst:.1e}"), tolerance="1e-9"))
    echo("")
    if torch:
        _torch_table(model, x, y, grad_rows, echo, loss_name)

    for line in _chain_rule(model, manual, ce):
        echo(line)

    # The pictures show the graph as backward left it: drawn before the step changes the weights.
    picture = dot_source = network = page = None
    notes: list[str] = []
    if out_dir is not None:
        picture, dot_source, network, page, notes = _pictures(
            model, loss, inputs, targets, manual, list(x), list(y), out_dir, fmt, rankdir, html, lr, ce, view)

    opt = nn.SGD(model.parameters(), lr=lr)
    opt.step()
    after = model.state_dict()
    echo(_("SGD step  {formula}  ({eta} = {lr})").format(formula=_formula("update"), eta=_formula("eta"), lr=_g(lr)))
    grads = {r.name: r.autograd for r in grad_rows}
    step_rows = [
        [show(name), fixed(before[name], 6), fixed(grads[name], 6, sign=True), fixed(after[name], 6)]
        for name in before
    ]
    echo(_indent(format_table([_("parameter"), _("before"), "dL/dp", _("after")], step_rows)))
    echo("")
    for note in notes:
        echo(note)
    return DemoResult(loss, manual, grad_rows, before, after, picture, dot_source, network, page)


def _chain_rule(model: nn.MLP, manual: nn.ManualBackprop, ce: bool = False) -> list[str]:
    """The chain rule from L back to W1[0][0], with the numbers, for any MLP."""
    n = len(model.layers)
    weights = model.weights()
    x0 = manual.x[0]
    lines = [show_text(_("Following L back to W1[0][0] (the chain rule along the graph)"))]
    fprimes = [_fprime(model.layers[k].activation, manual.z[k][0]) for k in range(n)]
    if not ce and all(layer.nout == 1 for layer in model.layers[1:]):
        # one path: every factor of the product along it, as the textbook writes it
        factors = [f"dL/da{n}[0]", f"da{n}[0]/dz{n}[0]"]
        numbers = [f"({_r(manual.a[-1][0])} - {_g(manual.y[0])})", _r(fprimes[-1])]
        product = (manual.a[-1][0] - manual.y[0]) * fprimes[-1]
        for k in range(n - 1, 0, -1):  # back through layer k+1's weight into layer k
            w = weights[k][0][0]
            factors += [f"dz{k + 1}[0]/da{k}[0]", f"da{k}[0]/dz{k}[0]"]
            numbers += [_r(w), _r(fprimes[k - 1])]
            product = product * w * fprimes[k - 1]
        factors.append("dz1[0]/dW1[0][0]")
        numbers.append(_r(x0))
        product *= x0
        head = show_text(f"  dL/dW1[0][0] = {' * '.join(factors)}")
        lines.append(head)
        indent = " " * (head.index("=") - 1)
        lines.append(show_text(f"{indent} = {' * '.join(numbers)} = {significant(product, 4)}"))
    else:
        # several paths: the deltas carry their sum, layer by layer
        upstream = "p[0] - onehot(y)[0]" if ce else f"a{n}[0] - y[0]"
        lines.append(show_text(f"  delta{n}[0] = ({upstream}) * f'(z{n}[0])"
                               f" = {significant(manual.deltas[-1][0], 4)}"))
        for k in range(n - 1, 0, -1):
            total = show_text(f"  delta{k}[0] = (sum_k W{k + 1}[k][0] * delta{k + 1}[k]) * f'(z{k}[0])"
                              f" = {significant(manual.deltas[k - 1][0], 4)}")
            lines.append(total + _("   (sum over every path through layer {layer})").format(layer=k + 1))
        lines.append(show_text(f"  dL/dW1[0][0] = delta1[0] * x[0] = {significant(manual.deltas[0][0], 4)}"
                               f" * {_r(x0)} = {significant(manual.grads['W1[0][0]'], 4)}"))
    lines.append("")
    return lines


def _pictures(model: nn.MLP, loss: Value, inputs: list[Value], targets: list[Value], manual: nn.ManualBackprop,
              x: list[float], y: list[float], out_dir: Path, fmt: str, rankdir: str, html: bool,
              lr: float, ce: bool = False, view: str | None = None,
              ) -> tuple[Path | None, Path | None, Path | None, Path | None, list[str]]:
    """Write the graph, the network view and (with ``html``) the stepper; return them and
    the lines to print."""
    picture = dot_source = network = page = None
    notes: list[str] = []
    reference = manual.reference()
    params = model.parameters()
    n_nodes = len(topological_sort(loss))
    readable = n_nodes <= MAX_READABLE_NODES
    out_dir.mkdir(parents=True, exist_ok=True)
    missing: list[str] = []  # pictures whose DOT source was written but not rendered: no Graphviz

    def attempt(what: str, draw: Callable[[], Path]) -> Path | None:
        try:
            return draw()
        except viz.GraphvizNotFoundError as err:
            missing.append(what)
            if len(missing) == 1:
                notes.append(_("Not rendered: {reason}; {hint}").format(reason=str(err).split(";")[0],
                                                                         hint=_(INSTALL_HINT)))
        except (viz.GraphTooLargeError, viz.RenderError) as err:
            notes.append(_("{picture} not rendered: {reason}").format(picture=what, reason=err))
        return None

    if readable:
        target = out_dir / f"graph.{fmt}"
        dot_source = target.with_suffix(".dot")
        graph = viz.draw_dot(loss, params=params, inputs=inputs + targets, reference=reference,
                             highlight=params[0], rankdir=rankdir)
        picture = attempt(_("Graph"), lambda: viz.save_picture(graph, target, n_nodes=n_nodes))
        if picture is not None:
            notes.append(_("Graph written to {picture}  (DOT source: {source})").format(picture=picture,
                                                                                       source=dot_source))
            notes.append(show_text(_("  every box: name, data, grad, manual (green: autograd matches the delta rule);"
                                     " bold: the chain from L to W1[0][0]")))
    n_neurons = sum(model.sizes)
    drawable = n_neurons <= viz.network.MAX_NEURONS
    if not readable:
        if drawable:
            notes.append(_("The computation graph has {count} values, too many to read in one picture "
                           "(more than {limit}): drawing the network view only").format(count=n_nodes,
                                                                                       limit=MAX_READABLE_NODES))
        else:
            notes.append(_("Nothing drawn: the computation graph has {n} values (more than {most} are too many to "
                           "read) and the network {neurons} neurons (the network view draws at most {limit}); the "
                           "tables above are the whole walk-through").format(
                n=n_nodes, most=MAX_READABLE_NODES, neurons=n_neurons, limit=viz.network.MAX_NEURONS))
    if drawable:
        net = viz.draw_network(model, x, int(y[0]) if ce else y, loss="cross_entropy" if ce else "half_squared_error",
                               reference=reference, rankdir="LR")
        network = attempt(_("Network view"), lambda: viz.save_picture(net, out_dir / f"network.{fmt}"))
        if network is not None:
            notes.append(show_text(_("Network view written to {picture}  (z, a and delta per neuron, w and dL/dw"
                                     " per edge)").format(picture=network)))
    if view is None:  # the stepper's default: the network view past 12 neurons
        view = "network" if sum(model.sizes[1:]) > viz.NETWORK_FROM and drawable else "graph"
    if html and (readable or (view == "network" and drawable)):
        def save_page() -> Path:
            step = viz.stepper(loss, model=model, params=params, inputs=inputs + targets, reference=reference,
                               update=lr, rankdir=rankdir, view=view)
            return step.save(out_dir / "backprop.html")

        page = attempt(_("Step-by-step page"), save_page)
        if page is not None:
            notes.append(_("Step-by-step page written to {page}  (open it in a browser: Next, Play or the arrow"
                           " keys)").format(page=page))
    elif html:
        notes.append(_("No step-by-step page: the graph is too big to step through"))
    if missing:
        notes.append(_("  the DOT sources are in {folder} (graph.dot, network.dot); not drawn: {pictures}").format(
            folder=out_dir, pictures=", ".join(missing)))
    return picture, dot_source, network, page, notes


def _torch_table(model: nn.MLP, x: Sequence[float], y: Sequence[float], rows: list[nn.GradientRow],
                 echo: Callable[[str], None], loss_name: str = "half_squared_error") -> None:
    """The gradients by autograd, by the delta rule and by PyTorch in one table."""
    from deltagrad.nn.pytorch import torch_gradients

    try:
        theirs = torch_gradients(model, x, y, loss=loss_name)
    except ImportError as err:
        echo(_("No PyTorch column: {reason}").format(reason=err))
        echo("")
        return
    table = [[show(r.name), fixed(r.autograd, 8, sign=True), fixed(r.manual, 8, sign=True),
              fixed(theirs[r.name], 8, sign=True), localize_number(f"{abs(r.autograd - theirs[r.name]):.1e}")]
             for r in rows]
    echo(_("The same gradients by autograd, by the delta rule and by PyTorch (float64)"))
    echo(_indent(format_table([_("parameter"), "autograd", _("delta rule"), "pytorch", "|autograd - pytorch|"],
                              table)))
    worst = max(abs(r.autograd - theirs[r.name]) for r in rows)
    echo(_("  largest difference from PyTorch: {worst}").format(worst=localize_number(f"{worst:.1e}")))
    echo("")


def generated_backward(model: nn.MLP, x: Sequence[float], y: Sequence[float]) -> str:
    """The code `compile_graph` writes for this network's loss, each backward statement beside
    the delta-rule quantity it computes and its value at (x, y)."""
    from deltagrad.autograd import CompiledGraph, compile_graph

    xs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    ys = [Value(v, label="y" if len(y) == 1 else f"y[{i}]") for i, v in enumerate(y)]
    pred = model(xs)
    loss = nn.half_squared_error(pred, ys[0] if len(ys) == 1 else ys)
    graph: CompiledGraph = compile_graph(loss, xs + ys, model.parameters(), input_grads=False)
    with model.grads_kept():  # the eager gradients are shown, then the old .grad is back
        loss.backward()  # eager gradients: the values each statement computes
        plan = graph.plan
        n_layers = len(model.layers)
        acts = [layer.activation for layer in model.layers]

        def name(node: Value) -> str:
            return node.label or f"v{plan.index[id(node)]}"

        def meaning(node: Value) -> str:
            label = node.label
            m = re.fullmatch(r"([zaWb])(\d+)\[(\d+)\](?:\[(\d+)\])?", label)
            if m is None:  # an unlabelled step: say which expression it differentiates
                if not node.inputs:
                    return f"dL/d{label or 'v'}"
                terms = [name(c) for c in node.inputs] + ([repr(node.const)] if node.const is not None else [])
                joined = f" {node.op} ".join(terms) if node.op in ("+", "*", "**") else f"{node.op}({terms[0]})"
                return f"dL/d({joined})"
            kind, layer, i, j = m.group(1), int(m.group(2)), m.group(3), m.group(4)
            prev = "x" if layer == 1 else f"a{layer - 1}"
            if kind == "z":
                fprime = _fprime_text(acts[layer - 1], f"z{layer}[{i}]", f"a{layer}[{i}]")
                upstream = (f"(a{layer}[{i}] - y)" if layer == n_layers
                            else f"sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]")
                return f"delta{layer}[{i}] = {upstream} * {fprime}"
            if kind == "a":
                if layer == n_layers:
                    return f"dL/da{layer}[{i}] = a{layer}[{i}] - y"
                return f"dL/da{layer}[{i}] = sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]  " + _("(so far)")
            if kind == "W":
                return f"dL/dW{layer}[{i}][{j}] = delta{layer}[{i}] * {prev}[{j}]"
            return f"dL/db{layer}[{i}] = delta{layer}[{i}]"

        loads = [f"v{plan.index[id(v)]} = {v.label}" for v in [*xs, *ys, *model.parameters()]]
        lines = [show_text(_("inputs and parameters: {loads}").format(loads=", ".join(loads))),
                 _("forward (one statement per node):")]
        lines += ["  " + line for line in plan.forward]
        lines.append(_("backward (g<i> = dL/dv<i>), beside the delta rule it reproduces:"))
        rows = []
        for statement in plan.backward:
            j = int(statement.split(" ", 1)[0][1:])  # "g21 = ..." -> 21
            node = plan.order[j]
            rows.append((statement, show_text(f"{meaning(node)} = {fixed(node.grad, 6, sign=True)}")))
        for k, p in enumerate(model.parameters()):
            g = plan.grad_names[plan.index[id(p)]]
            rows.append((f"_P[{k}].grad += {g}", show_text(f"{meaning(p)} = {fixed(p.grad, 6, sign=True)}")))
        width = max(len(code) for code, _ in rows)
        lines += [f"  {code.ljust(width)}   # {note}" for code, note in rows]
    return "\n".join(lines)


def _fprime_text(act: str, z: str, a: str) -> str:
    """f'(z) in the value's own names, from the activation's record: sigmoid gives ``a (1 - a)``."""
    return nn.ACTIVATIONS[act].derivative_text(z, a)


def _fprime(act: str, z: float) -> float:
    """f'(z) of an activation, from its record (the op's rule; 1 for the identity)."""
    return nn.ACTIVATIONS[act].derivative(z)
