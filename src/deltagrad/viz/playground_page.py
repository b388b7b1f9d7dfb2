"""A live page of your own network: every weight, input and rate editable, training in the browser.

`playground(model, X, Y)` traces the model's per-example loss once, has the compiler write
it as JavaScript (`CompiledGraph.javascript_with`: forward and backward, from the same op
rules as `backward()`), and writes one self-contained page around that code. The page
draws the network (each neuron's z, a and δ; each edge's w and dL/dw), recomputes
everything at every edit, steps and trains with SGD, and, for 2-D data, draws the decision
boundary as a heat map. No number is computed by a hand-written copy of backprop.

The page's interface for tests and tools is ``window.deltagrad_play``:

- ``setWeight(name, v)`` (any parameter, ``"W1[0][1]"`` or ``"b1[0]"``), ``setInput(i, v)``,
  ``setTarget(v)``, ``setLearningRate(v)``;
- ``step()``: one SGD step (the current example without a data set, else one full-batch
  step on the mean loss, as one epoch of ``nn.fit(..., batch_size=None)`` with
  ``nn.SGD(lr)``); ``train(epochs)``: that many steps, synchronously, returning the loss of
  each (before its update, as `nn.History.loss`);
- ``state()``: ``{neurons, params, loss, accuracy}`` with ``neurons`` keyed by the neuron's
  z name (``{"z1[0]": {z, a, delta}}``), ``params`` by parameter name (``{value, grad}``),
  and ``accuracy`` null without a data set (else ``{train, test}``);
- ``reset()``: back to the starting weights; ``init(name, seed)``: a new start
  (``uniform``, ``xavier``, ``he``, ``zeros`` or ``constant``, also called ``equal``: every
  weight 0.5), drawn as `nn.MLP` draws it for the same seed.
"""

from __future__ import annotations

import html
import json
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from deltagrad import nn
from deltagrad.autograd import Value, compile_graph, topological_sort
from deltagrad.autograd.notation import check_notation
from deltagrad.autograd.ops import OPS
from deltagrad.i18n import _, decimal_separator

from .pages import Page, data_script, inline_script, inline_style, page

# Starts the page offers: `nn.INITS` (``constant``: every weight equal and non-zero, the
# symmetric start that still has a gradient); ``equal`` is another name for ``constant``.
STARTS = tuple(nn.INITS)
ALIASES = {"equal": "constant"}
# More neurons than this (inputs included) and the drawing is compact: no numbers on it.
MAX_DRAWN_NEURONS = 64
# The page replays its code in the browser: a graph this large would make every edit slow.
MAX_NODES = 200_000
# More weights than this and the compact drawing leaves the edges out (still in the panels).
MAX_DRAWN_EDGES = 4_000
# The heat map's grid: cells per side.
HEATMAP_CELLS = 60
__all__ = ["ALIASES", "STARTS", "Playground", "playground"]


class Playground(Page):
    """A playground page: ``.html`` (one self-contained file), ``.save(path)``, and inline
    display in Jupyter and VS Code notebooks."""

    height = 900

    def __init__(self, html_text: str, description: str) -> None:
        super().__init__(html_text)
        self._description = description

    def __repr__(self) -> str:
        return f"Playground({self._description})"


def playground(model: nn.MLP, X: Sequence[Any] | None = None, Y: Sequence[Any] | Any = None, *,
               loss: str | Callable[..., Value] | None = None, lr: float = 0.1,
               test: tuple[Sequence[Sequence[float]], Sequence[Any]] | None = None,
               class_names: Sequence[str] | None = None, title: str | None = None,
               notation: str | None = None) -> Playground:
    """The live page of ``model``: on one example, or on a data set (X, Y).

    Args:
        X, Y: the data set, rows of inputs and their targets (class labels 0/1 for one
            sigmoid output, class indices for several outputs); or one example, ``X`` a row
            of numbers and ``Y`` its target; or neither (the example is all zeros).
        loss: a name in ``nn.LOSSES`` or a per-example ``loss(output, target) -> Value``;
            by default the half squared error on one example, ``binary_cross_entropy`` for
            a data set and one output, ``cross_entropy`` for several.
        lr: the learning rate the page starts with.
        test: a held-out ``(X_test, Y_test)``, whose accuracy the page shows beside the
            training accuracy.
        class_names: the classes' names (shown as text, never markup), in index order.
        title: the page's heading.
        notation: how the page writes names: ``"textbook"`` (the default: W₁₂⁽¹⁾, δ₁⁽¹⁾, x₂,
            as the tutorial's formulas) or ``"code"`` (W1[0][1], delta1[0], x[1]).
    """
    if not isinstance(model, nn.MLP):
        raise TypeError(_("playground() expects an nn.MLP, got {kind}").format(kind=type(model).__name__))
    nin, nout = model.sizes[0], model.sizes[-1]
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(_("playground() needs finite weights, got {name} = {value}").format(
                name=name, value=repr(p.data)))
    rate = _check_rate(lr)
    written = "textbook" if notation is None else check_notation(notation)
    single = X is None or _is_row(X)
    loss_name, loss_fn = _choose_loss(loss, single, model)
    classes = loss_name == "cross_entropy"
    if single:
        if test is not None:
            raise ValueError(_("playground() test= needs a data set: pass X as rows and Y as their targets"))
        x = _row(X if X is not None else [0.0] * nin, nin, "X")
        y = _targets([Y if Y is not None else 0 if classes else [0.0] * nout if nout > 1 else 0.0],
                     nout, classes, "Y")[0]
        data = None
    else:
        assert X is not None
        data = _data_set(X, Y, nin, nout, classes, "X", "Y")
        x, y = data[0][0], data[1][0]
    test_set = None if test is None else _test_set(test, nin, nout, classes)
    names = _class_names(class_names, model, classes, data)
    spec = _spec(model, loss_name, loss_fn, classes, x, y, data, test_set, names, rate)
    spec["notation"] = written
    kernels = _kernels(model, loss_fn, classes)
    page = _page(spec, kernels, title if title is not None else _("deltagrad playground"))
    shape = "-".join(map(str, model.sizes))
    where = "one example" if data is None else f"{len(data[0])} examples"
    return Playground(page, f"{shape} {model.activation}, {loss_name}, {where}")


# -- checking what the caller gave ------------------------------------------------------------
def _is_number(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_row(X: object) -> bool:
    """One example given as a flat row of numbers (not a list of rows)."""
    return (isinstance(X, Sequence) and not isinstance(X, (str, bytes)) and len(X) > 0
            and all(_is_number(v) for v in X))


def _check_rate(lr: object) -> float:
    if not _is_number(lr):
        raise TypeError(_("playground() lr must be a number, got {kind}: {value}").format(
            kind=type(lr).__name__, value=repr(lr)))
    rate = float(lr)  # type: ignore[arg-type]
    if not (math.isfinite(rate) and rate > 0.0):
        raise ValueError(_("playground() lr must be a finite number > 0, got {value}").format(value=repr(lr)))
    return rate


def _row(values: object, n: int, where: str) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(_("playground() {where} must be a list of {n} numbers, got {kind}").format(
            where=where, n=n, kind=type(values).__name__))
    if len(values) != n:
        raise ValueError(_("playground() {where} needs {n} values (the model's inputs), got {got}").format(
            where=where, n=n, got=len(values)))
    out = []
    for j, v in enumerate(values):
        if not _is_number(v):
            raise TypeError(_("playground() {where}[{j}] must be a number, got {kind}: {value}").format(
                where=where, j=j, kind=type(v).__name__, value=repr(v)))
        if not math.isfinite(float(v)):
            raise ValueError(_("playground() {where}[{j}] must be finite, got {value}").format(
                where=where, j=j, value=repr(v)))
        out.append(float(v))
    return out


def _targets(Y: Sequence[Any], nout: int, classes: bool, where: str) -> list[Any]:
    """Each target as a class index (cross-entropy), a float (one output) or a list of floats."""
    out: list[Any] = []
    for i, y in enumerate(Y):
        if classes:
            if not isinstance(y, numbers.Integral) or isinstance(y, bool) or not 0 <= int(y) < nout:
                raise ValueError(_("playground() {where}[{i}] must be a class index 0 to {last}, got {value}").format(
                    where=where, i=i, last=nout - 1, value=repr(y)))
            out.append(int(y))
        elif nout == 1:
            value = y[0] if isinstance(y, Sequence) and not isinstance(y, str) and len(y) == 1 else y
            if not _is_number(value) or not math.isfinite(float(value)):
                raise ValueError(_("playground() {where}[{i}] must be a finite number, got {value}").format(
                    where=where, i=i, value=repr(y)))
            out.append(float(value))
        else:
            out.append(_row(y, nout, f"{where}[{i}]"))
    return out


def _data_set(X: object, Y: object, nin: int, nout: int, classes: bool, xname: str,
              yname: str) -> tuple[list[list[float]], list[Any]]:
    for name, value in ((xname, X), (yname, Y)):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(_("playground() {name} must be a list, got {kind}").format(
                name=name, kind=type(value).__name__))
    assert isinstance(X, Sequence) and isinstance(Y, Sequence)
    if len(X) == 0:
        raise ValueError(_("playground() {name} has no rows").format(name=xname))
    if len(X) != len(Y):
        raise ValueError(_("playground() got {n} rows in {xname} but {m} targets in {yname}").format(
            n=len(X), xname=xname, m=len(Y), yname=yname))
    return [_row(r, nin, f"{xname}[{i}]") for i, r in enumerate(X)], _targets(Y, nout, classes, yname)


def _test_set(test: object, nin: int, nout: int, classes: bool) -> tuple[list[list[float]], list[Any]]:
    if not isinstance(test, (tuple, list)) or len(test) != 2:
        raise TypeError(_("playground() test must be a pair (X_test, Y_test), got {kind}").format(
            kind=type(test).__name__))
    return _data_set(test[0], test[1], nin, nout, classes, "test X", "test Y")


def _choose_loss(loss: object, single: bool, model: nn.MLP) -> tuple[str, Callable[..., Value]]:
    """The loss's name (for the page's words) and function."""
    losses: dict[str, Callable[..., Value]] = dict(nn.LOSSES)
    if loss is None:
        if single:
            loss = "half_squared_error"  # the tutorial's
        elif model.sizes[-1] > 1:
            loss = "cross_entropy"
        else:
            loss = "binary_cross_entropy" if model.output_activation == "sigmoid" else "half_squared_error"
    if isinstance(loss, str):
        if loss not in losses:
            raise ValueError(_("unknown loss {loss}; expected one of {names} or a function").format(
                loss=repr(loss), names=", ".join(losses)))
        if loss == "cross_entropy" and model.sizes[-1] < 2:
            raise ValueError(_("cross_entropy needs a model with one output per class, got {model}").format(
                model=repr(model)))
        return loss, losses[loss]
    if callable(loss):
        return getattr(loss, "__name__", "loss"), loss
    raise TypeError(_("playground() loss must be a name or a function, got {kind}").format(kind=type(loss).__name__))


def _class_names(names: object, model: nn.MLP, classes: bool,
                 data: tuple[list[list[float]], list[Any]] | None) -> list[str] | None:
    """The classes' names in index order, or None when the targets are not classes."""
    if classes:
        count = model.sizes[-1]
    elif model.sizes[-1] == 1 and data is not None and set(data[1]) <= {0.0, 1.0}:
        count = 2
    else:
        count = 0
    if names is None:
        return [str(k) for k in range(count)] if count else None
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise TypeError(_("playground() class_names must be a list of str, got {kind}").format(
            kind=type(names).__name__))
    if not count or len(names) != count:
        raise ValueError(_("playground() class_names has {n} names but the model and data have {count} classes").format(
            n=len(names), count=count))
    for k, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(_("playground() class_names[{k}] must be a str, got {kind}").format(
                k=k, kind=type(name).__name__))
    return [str(n) for n in names]


# -- the code the page runs -------------------------------------------------------------------
def _trace(model: nn.MLP, xs: list[Value]) -> tuple[list[list[Value]], list[list[Value]]]:
    """The forward pass on ``xs``, keeping every neuron's z and a (the same graph as model(xs))."""
    zs: list[list[Value]] = []
    acts: list[list[Value]] = []
    out: list[Value] = xs
    for layer in model.layers:
        a = [neuron(out) for neuron in layer.neurons]
        identity = nn.ACTIVATIONS[layer.activation].identity  # then a is z itself
        zs.append([ai if identity else ai.inputs[0] for ai in a])
        acts.append(a)
        out = a
    return zs, acts


def _output(acts: list[list[Value]]) -> Value | list[Value]:
    last = acts[-1]
    return last[0] if len(last) == 1 else last


def _kernels(model: nn.MLP, loss_fn: Callable[..., Value], classes: bool) -> dict[str, Any]:
    """The JavaScript the page replays, each one function written by the compiler:

    - ``forward``: every neuron's z and a (and the softmax, for classes) at (x, params);
    - ``loss``: the loss, dL/dparams, dL/dx and every dL/dz (δ) at (x, y, params), the
      target among the inputs (a class as its one-hot row);
    - ``derivative``: each activation's f'(z), for the δ written out one level.
    """
    nin, nout = model.sizes[0], model.sizes[-1]
    params = model.parameters()
    xs = [Value(0.0, label=f"x[{j}]") for j in range(nin)]
    zs, acts = _trace(model, xs)
    shown = [n for layer in zs for n in layer] + [n for layer in acts for n in layer]
    probs = list(nn.softmax(acts[-1])) if classes else []
    root = Value.sum(acts[-1] + probs) if len(acts[-1]) + len(probs) > 1 else acts[-1][0]
    forward = compile_graph(root, xs, params, allow_unused=True, max_nodes=MAX_NODES)
    # The loss with the target among the inputs; a class as its one-hot row, as nn.fit
    # gives it, so that one function serves every class.
    xs = [Value(0.0, label=f"x[{j}]") for j in range(nin)]
    ys = [Value(0.0, label="y" if nout == 1 else f"y[{i}]") for i in range(nout)]
    zs, acts = _trace(model, xs)
    loss = loss_fn(_output(acts), ys[0] if nout == 1 else ys)
    if not isinstance(loss, Value):
        raise TypeError(_("playground() loss must return a Value, got {kind}").format(kind=type(loss).__name__))
    in_graph = {id(n) for n in topological_sort(loss)}
    # dL/da of the output neurons, where the loss reads a (not the logit, as BCE does; none where a is z)
    identity_output = nn.ACTIVATIONS[model.output_activation].identity
    outputs = [] if identity_output else [a for a in acts[-1] if id(a) in in_graph]
    graph = compile_graph(loss, xs + ys, params, allow_unused=True, max_nodes=MAX_NODES)
    kernels: dict[str, Any] = {
        "forward": forward.javascript_with(shown + probs),
        "loss": graph.javascript_with([n for layer in zs for n in layer] + outputs),
        "derivative": {},
        "has_probs": bool(probs),
        "output_grad": [acts[-1].index(a) for a in outputs],
    }
    for name in {layer.activation for layer in model.layers}:
        act = nn.ACTIVATIONS[name]
        if not act.identity:  # the page's f' of the identity is 1
            t = Value(0.0, label="z")
            kernels["derivative"][name] = compile_graph(act(t), [t]).javascript
    return kernels


def _spec(model: nn.MLP, loss_name: str, loss_fn: Callable[..., Value], classes: bool, x: list[float],
          y: Any, data: tuple[list[list[float]], list[Any]] | None,
          test: tuple[list[list[float]], list[Any]] | None, names: list[str] | None,
          lr: float) -> dict[str, Any]:
    """Everything the page's script needs, as JSON-ready data."""
    sizes = model.sizes
    params: list[dict[str, Any]] = []
    for k, layer in enumerate(model.layers, start=1):  # nn.MLP's order: W row by row, then b
        params += [{"name": w.label, "kind": "W", "layer": k, "i": i, "j": j, "value": w.data}
                   for i, neuron in enumerate(layer.neurons) for j, w in enumerate(neuron.w)]
        params += [{"name": neuron.b.label, "kind": "b", "layer": k, "i": i, "j": None, "value": neuron.b.data}
                   for i, neuron in enumerate(layer.neurons)]
    assert [p["name"] for p in params] == [name for name, _ in model.named_parameters()]
    neurons = [{"z": f"z{k}[{i}]", "a": f"a{k}[{i}]", "layer": k, "i": i}
               for k, layer in enumerate(model.layers, start=1) for i in range(layer.nout)]
    accuracy = None
    if classes:
        accuracy = "argmax"
    elif names is not None:
        accuracy = "threshold"
    elif data is not None and sizes[-1] > 1:
        accuracy = "onehot"
    delta = ("ce" if classes else "bce" if loss_fn is nn.LOSSES.get("binary_cross_entropy")
             and model.output_activation == "sigmoid" else "chain")
    return {
        "sizes": sizes,
        "activations": [layer.activation for layer in model.layers],
        "params": params,
        "neurons": neurons,
        "x": x,
        "y": y,
        "data": None if data is None else {"X": data[0], "Y": data[1]},
        "test": None if test is None else {"X": test[0], "Y": test[1]},
        "target": "class" if classes else "value",
        "classes": names,
        "accuracy": accuracy,
        "heatmap": bool(data is not None and sizes[0] == 2 and accuracy in ("argmax", "threshold")),
        "heatmap_cells": HEATMAP_CELLS,
        "loss": {"name": loss_name, "delta": delta,
                 "half": loss_fn is nn.LOSSES.get("half_squared_error")},
        "lr": lr,
        "starts": list(STARTS),
        "aliases": ALIASES,
        "equal_weight": nn.init.CONSTANT_WEIGHT,
        "compact": sum(sizes) > MAX_DRAWN_NEURONS,
        "draw_edges": sum(a * b for a, b in zip(sizes, sizes[1:])) <= MAX_DRAWN_EDGES,
        "act_symbols": {name: OPS[name].symbol for name in nn.ACTIVATIONS if name in OPS},
        "decimal_mark": decimal_separator(),  # the page writes its numbers with it: 0,5424 in Russian
        "strings": page_strings(),
    }


# -- the page ---------------------------------------------------------------------------------
def page_strings() -> dict[str, str]:
    """Every text the page's script shows, in the language in use (the page gets them as data)."""
    return {
        "step": _("Step"),
        "train": _("Train"),
        "pause": _("Pause"),
        "reset": _("Reset"),
        "init": _("Initialization"),
        "seed": _("seed"),
        "lr": _("learning rate"),
        "epoch": _("epoch {n}"),
        "example": _("Example"),
        "example_of": _("example {i} of {n}"),
        "inputs": _("inputs x"),
        "target": _("target y"),
        "prediction": _("prediction"),
        "predicted_class": _("predicted class"),
        "loss": _("loss L"),
        "mean_loss": _("mean loss over the data set"),
        "accuracy_train": _("train accuracy"),
        "accuracy_test": _("test accuracy"),
        "curve_loss": _("loss per epoch"),
        "curve_accuracy": _("accuracy per epoch"),
        "curve_accuracy_test": _("accuracy per epoch: train (blue), test (green)"),
        "terms": _("{n} terms"),
        "heatmap": _("decision boundary: the model's class at every point of the input plane"),
        "help": _("Click a weight or a neuron to see its gradient written out; type a number or drag "
                  "to change it. Every number recomputes at once."),
        "not_number": _("{text} is not a number: type a decimal number such as 0.17 or 0,17."),
        "not_positive": _("{text}: the learning rate must be a number greater than 0."),
        "not_class": _("{text} is not a class: type one of {classes}."),
        "diverged": _("The weights became NaN or infinite (is the learning rate too large?). "
                      "Training stopped: press Reset."),
        "clones": _("The hidden neurons of layer {layer} are clones: equal weights get equal gradients, "
                    "so they never become different (the symmetry the tutorial warns about). "
                    "Pick a random initialization."),
        "compact": _("This network has {n} neurons, too many to label legibly: it is drawn compact. "
                     "Click a neuron or an edge to see its numbers."),
        "compact_no_edges": _("This network has {n} neurons, too many to label legibly: it is drawn compact, "
                              "without its edges. Click a neuron to see its numbers."),
        "no_heatmap": _("The data have {n} inputs: no decision-boundary picture, only the curves."),
        "edit_hint": _("Click an edge (a weight) or a neuron (its bias and δ) to edit it."),
        "weight": _("weight"),
        "bias": _("bias"),
        "gradient_of": _("gradient"),
        "delta_of": _("δ (dL/dz) of neuron {name}"),
        "from_loss": _("from the loss"),
        "uniform": _("uniform U[-1, 1]"),
        "xavier": _("Xavier"),
        "he": _("He"),
        "zeros": _("zeros"),
        "constant": _("equal non-zero weights ({weight} each)").format(weight=nn.init.CONSTANT_WEIGHT),
        "start": _("the given weights"),
        "drag": _("drag to change"),
        "legend": _("Edges: blue for a positive weight, orange for a negative one, thicker for a larger |w|; "
                    "the red halo is dL/dw, wider for a larger |dL/dw|. Hover an edge for its numbers."),
    }


def script_code(source: str) -> str:
    """Generated JavaScript for an inline ``<script>``: ``</`` written as ``<\\/`` (the same in
    a string or a comment, and the compiler writes it nowhere else), so no text in it can
    close the element."""
    return source.replace("</", "<\\/").replace("<!--", "<\\!--")


def _kernel_source(kernels: dict[str, Any]) -> str:
    """The generated functions as one object the page's script reads."""
    derivative = ",\n".join(f"{json.dumps(name)}: {code}" for name, code in sorted(kernels["derivative"].items()))
    return ("var deltagrad_kernels = {\n"
            f"forward: {kernels['forward']},\n"
            f"loss: {kernels['loss']},\n"
            f"derivative: {{{derivative}}},\n"
            f"hasProbs: {json.dumps(kernels['has_probs'])},\n"
            f"outputGrad: {json.dumps(kernels['output_grad'])}\n"
            "};\n")


def _runtime() -> str:
    from deltagrad import autograd

    return str(autograd.javascript_runtime())  # type: ignore[attr-defined]


def _page(spec: dict[str, Any], kernels: dict[str, Any], title: str) -> str:
    return page(
        "playground.html",
        title=title,
        style=inline_style("playground.css"),
        heading=html.escape(title),
        data=data_script(spec, "deltagrad-play-data"),
        runtime="<script>\n" + script_code(_runtime()) + "\n</script>",
        kernels="<script>\n" + script_code(_kernel_source(kernels)) + "</script>",
        script=inline_script("common.js", "playground.js"),
    )
