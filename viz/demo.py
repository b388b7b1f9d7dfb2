"""The walk-through of one gradient-descent step: autograd beside the textbook delta rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd import Value

from .dot import GraphvizNotFoundError, render

# The classic 2-2-1 example (../shared/reference/worked_example.md in the project's notes).
WORKED_WEIGHTS = [[[0.1, 0.4], [0.3, -0.5]], [[0.6, -0.1]]]
WORKED_BIASES = [[0.2, -0.1], [0.3]]
WORKED_X = [0.5, -0.2]
WORKED_Y = [1.0]
WORKED_LR = 0.1


def worked_model() -> nn.MLP:
    """The 2-2-1 sigmoid network of the worked example."""
    return nn.MLP.from_weights(WORKED_WEIGHTS, WORKED_BIASES)


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


def _r(x: float) -> str:
    """A number rounded as a person reads it."""
    return f"{x:.4f}"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _describe(model: nn.MLP) -> str:
    parts = [f"{model.sizes[0]} inputs"]
    for layer in model.layers:
        parts.append(f"{layer.nout} {layer.activation}")
    return " -> ".join(parts)


def run_demo(
    model: nn.MLP,
    x: Sequence[float],
    y: Sequence[float],
    lr: float,
    out_dir: Path | None,
    fmt: str = "svg",
    echo: Callable[[str], None] = print,
) -> DemoResult:
    """Print the walk-through for ``model`` at ``(x, y)`` and write the graph to ``out_dir``."""
    sizes = model.sizes
    n_layers = len(model.layers)
    out_name = f"a{n_layers}"
    echo("deltagrad demo: one step of gradient descent, by autograd and by the delta rule")
    echo("")
    echo(f"Network   {_describe(model)}   ({sum(1 for _ in model.parameters())} parameters)")
    y_text = f"{y[0]:g}" if len(y) == 1 else str(list(y))
    echo(f"Inputs    x = {list(x)}, target y = {y_text}")
    echo(f"Loss      L = 1/2 (y_hat - y)^2{' summed over outputs' if len(y) > 1 else ''},"
         f" so dL/dy_hat = y_hat - y;  learning rate eta = {lr:g}")
    echo("")

    # autograd: forward, loss, backward
    before = model.state_dict()
    pred = model(list(x))
    # the target as labelled leaves, so that the picture shows y as data beside x
    targets = [Value(t, label="y" if len(y) == 1 else f"y[{i}]") for i, t in enumerate(y)]
    loss = nn.half_squared_error(pred, targets if len(targets) > 1 else targets[0])
    loss.backward()
    manual = nn.manual_backprop(model, x, y)

    echo("Forward pass  (z = W a_prev + b,  a = f(z))")
    rows = []
    for layer in range(n_layers):
        act = model.layers[layer].activation
        for i, (z, a) in enumerate(zip(manual.z[layer], manual.a[layer])):
            rows.append([f"layer {layer + 1}, neuron {i}", f"z{layer + 1}[{i}] = {_r(z)}",
                         f"a{layer + 1}[{i}] = {act}(z) = {_r(a)}"])
    echo(_indent(nn.format_table(["", "pre-activation", "activation"], rows)))
    outputs = ", ".join(_r(a) for a in manual.a[-1])
    echo(f"  y_hat = {out_name} = {outputs}")
    echo(f"  L = {_r(manual.loss)}")
    echo("")

    echo("Deltas by hand  (delta = dL/dz)")
    last = n_layers
    echo(f"  output:  delta{last}[i] = (a{last}[i] - y[i]) * f'(z{last}[i])"
         + ("  with sigmoid' = a (1 - a)" if model.layers[-1].activation == "sigmoid" else ""))
    if n_layers > 1:
        echo("  hidden:  delta_l[i] = (sum_k W_l+1[k][i] * delta_l+1[k]) * f'(z_l[i])")
    for layer in range(n_layers - 1, -1, -1):
        values = ", ".join(f"{d:.4g}" for d in manual.deltas[layer])
        echo(f"  delta{layer + 1} = [{values}]")
    echo("")

    echo("Gradients: autograd beside the delta rule")
    echo("  dL/dW_l[i][j] = delta_l[i] * a_l-1[j],  dL/db_l[i] = delta_l[i]")
    grad_rows = nn.compare_gradients(model, x, y)
    table = nn.format_gradient_table(grad_rows, digits=6)
    echo(_indent(table))
    worst = max(r.abs_diff for r in grad_rows)
    echo(f"  largest difference: {worst:.1e}  ({'agree' if worst <= 1e-9 else 'DISAGREE'} within 1e-9)")
    echo("")

    if n_layers == 2 and sizes[-1] == 1 and sizes[1] >= 1:
        # One path from L to W1[0][0]: the chain rule written out with the numbers.
        a2, a1, w2 = manual.a[1][0], manual.a[0][0], model.weights()[1][0][0]
        f2 = _fprime(model.layers[1].activation, manual.z[1][0], a2)
        f1 = _fprime(model.layers[0].activation, manual.z[0][0], a1)
        x0 = manual.x[0]
        product = (a2 - manual.y[0]) * f2 * w2 * f1 * x0
        echo("Following L back to W1[0][0] (the chain rule along the graph)")
        echo("  dL/dW1[0][0] = dL/da2 * da2/dz2 * dz2/da1[0] * da1[0]/dz1[0] * dz1[0]/dW1[0][0]")
        echo(f"               = ({_r(a2)} - {manual.y[0]:g}) * {_r(f2)} * {_r(w2)} * {_r(f1)} * {_r(x0)}"
             f" = {product:.6f}")
        echo("")

    # The picture shows the graph as backward left it: drawn before the step changes the weights.
    picture = dot_source = None
    render_error: GraphvizNotFoundError | None = None
    if out_dir is not None:
        target = out_dir / f"graph.{fmt}"
        dot_source = target.with_suffix(".dot")
        try:
            picture = render(loss, target, reference=manual.reference())
        except GraphvizNotFoundError as err:
            render_error = err

    opt = nn.SGD(model.parameters(), lr=lr)
    opt.step()
    after = model.state_dict()
    echo(f"SGD step  p <- p - eta * dL/dp  (eta = {lr:g})")
    grads = {r.name: r.autograd for r in grad_rows}
    step_rows = [
        [name, f"{before[name]:.6f}", f"{grads[name]:+.6f}", f"{after[name]:.6f}"] for name in before
    ]
    echo(_indent(nn.format_table(["parameter", "before", "dL/dp", "after"], step_rows)))
    echo("")

    if picture is not None:
        echo(f"Graph written to {picture}  (DOT source: {dot_source})")
        echo("  every box: label | data | grad | manual (green: autograd matches the delta rule)")
    elif render_error is not None:
        echo(f"Graph not rendered: {render_error}")
    return DemoResult(loss, manual, grad_rows, before, after, picture, dot_source)


def generated_backward(model: nn.MLP, x: Sequence[float], y: Sequence[float]) -> str:
    """The code `compile_graph` writes for this network's loss, each backward statement beside
    the delta-rule quantity it computes and its value at (x, y)."""
    from autograd import compile_graph
    from autograd.compile import CompiledGraph

    xs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    ys = [Value(v, label="y" if len(y) == 1 else f"y[{i}]") for i, v in enumerate(y)]
    pred = model(xs)
    loss = nn.half_squared_error(pred, ys[0] if len(ys) == 1 else ys)
    graph: CompiledGraph = compile_graph(loss, xs + ys, model.parameters(), input_grads=False)
    saved = [p.grad for p in model.parameters()]
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
            fprime = {"sigmoid": f"a{layer}[{i}] (1 - a{layer}[{i}])", "tanh": f"(1 - a{layer}[{i}]^2)",
                      "relu": f"[z{layer}[{i}] > 0]", "linear": "1"}[acts[layer - 1]]
            upstream = (f"(a{layer}[{i}] - y)" if layer == n_layers
                        else f"sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]")
            return f"delta{layer}[{i}] = {upstream} * {fprime}"
        if kind == "a":
            if layer == n_layers:
                return f"dL/da{layer}[{i}] = a{layer}[{i}] - y"
            return f"dL/da{layer}[{i}] = sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]  (so far)"
        if kind == "W":
            return f"dL/dW{layer}[{i}][{j}] = delta{layer}[{i}] * {prev}[{j}]"
        return f"dL/db{layer}[{i}] = delta{layer}[{i}]"

    loads = [f"v{plan.index[id(v)]} = {v.label}" for v in [*xs, *ys, *model.parameters()]]
    lines = ["inputs and parameters: " + ", ".join(loads), "forward (one statement per node):"]
    lines += ["  " + line for line in plan.forward]
    lines.append("backward (g<i> = dL/dv<i>), beside the delta rule it reproduces:")
    rows = []
    for statement in plan.backward:
        j = int(statement.split(" ", 1)[0][1:])  # "g21 = ..." -> 21
        node = plan.order[j]
        rows.append((statement, f"{meaning(node)} = {node.grad:+.6f}"))
    for k, p in enumerate(model.parameters()):
        g = plan.grad_names[plan.index[id(p)]]
        rows.append((f"_P[{k}].grad += {g}", f"{meaning(p)} = {p.grad:+.6f}"))
    width = max(len(code) for code, _ in rows)
    lines += [f"  {code.ljust(width)}   # {note}" for code, note in rows]
    for p, old in zip(model.parameters(), saved):
        p.grad = old
    return "\n".join(lines)


def _fprime(act: str, z: float, a: float) -> float:
    """f'(z) from the activation's output, as the delta rule uses it."""
    if act == "sigmoid":
        return a * (1.0 - a)
    if act == "tanh":
        return 1.0 - a * a
    if act == "relu":
        return 1.0 if z > 0.0 else 0.0
    return 1.0
