"""Training loops: `fit` a model to data, eagerly or with a compiled per-example loss."""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import real_sequence, sequence, whole
from deltagrad.autograd.engine import gc_paused
from deltagrad.i18n import _, localize_number

from .activations import ACTIVATIONS
from .compiled import compile_loss
from .inference import predict_rows
from .init import RngLike, make_rng
from .losses import LOSSES, LossFn, class_targets, cross_entropy, hinge_loss
from .module import MLP, check_parameter_count
from .optim import Optimizer

# How many examples `fit(compiled=True)` checks the replay against eager on, before training.
TRACE_CHECKS = 3

# What a training step costs, measured (docs/performance.md): an eager graph value takes
# about 120 bytes and 0.4 us (forward and backward); compiling takes about 7.5 KB and 35 us
# per value of one example's graph. The limits keep one step or one compile near 3 GB.
EAGER_BYTES_PER_VALUE = 120
COMPILE_BYTES_PER_VALUE = 7_500
COMPILE_SECONDS_PER_VALUE = 35e-6
MAX_STEP_VALUES = 25_000_000  # eager: the values of one batch's graph
MAX_COMPILED_VALUES = 400_000  # compiled: the values of one example's graph


def graph_values(model: MLP) -> int:
    """The number of Values one example's forward pass and loss make (`estimate_graph_values`)."""
    return estimate_graph_values(model.sizes, [layer.activation for layer in model.layers])


def estimate_graph_values(sizes: Sequence[int], activations: Sequence[str]) -> int:
    """The Values one example of a network of ``sizes`` makes: the leaves (inputs, parameters),
    a product per weight, a sum and an activation per neuron, a few for the loss."""
    count = sizes[0] + 4 * sizes[-1]
    for nin, nout, act in zip(sizes, sizes[1:], activations):
        per_neuron = nin + 1 + 1 + (0 if ACTIVATIONS[act].identity else 1)  # weights, bias, sum, activation
        count += nout * (per_neuron + nin)  # and a product per weight
    return count


def check_cost(model: MLP, batch: int, compiled: bool) -> None:
    """`check_cost_of` the model's sizes and activations."""
    check_cost_of(model.sizes, [layer.activation for layer in model.layers], batch, compiled)


def check_cost_of(sizes: Sequence[int], activations: Sequence[str], batch: int, compiled: bool) -> None:
    """ValueError, with the estimate, for a step that would not fit the machine: eager, the
    graph of ``batch`` examples; compiled, compiling one example's graph. Before any Value
    is made, so that the command can refuse at once."""
    check_parameter_count(sizes)
    per_example = estimate_graph_values(sizes, activations)
    if compiled and per_example > MAX_COMPILED_VALUES:
        raise ValueError(_(
            "compiling this network's loss would take about {gb:.1f} GB and {seconds:.0f} s ({values:,} graph "
            "values, about 7.5 KB and 35 us each; the limit is {limit:,} values): use smaller layers, or train "
            "eagerly").format(gb=per_example * COMPILE_BYTES_PER_VALUE / 1e9,
                              seconds=per_example * COMPILE_SECONDS_PER_VALUE, values=per_example,
                              limit=MAX_COMPILED_VALUES))
    if not compiled and per_example * batch > MAX_STEP_VALUES:
        raise ValueError(_(
            "one eager step of {batch} examples would build {values:,} graph values, about {gb:.1f} GB (about "
            "120 bytes each; the limit is {limit:,}): use a smaller batch_size, smaller layers, or "
            "compiled=True").format(batch=batch, values=per_example * batch,
                                   gb=per_example * batch * EAGER_BYTES_PER_VALUE / 1e9, limit=MAX_STEP_VALUES))


@dataclass
class History:
    """Per epoch: the mean training loss over the epoch's batches (each before its update),
    the accuracy on the training set after the epoch, and the seconds the epoch took.

    Two histories are equal when their losses and accuracies are: timings always differ.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.loss)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, epoch_index: int) -> dict[str, Any]:
        """The record of one epoch; ``history[0]`` is epoch 1, ``history[-1]`` the last."""
        i = range(len(self.loss))[epoch_index]  # IndexError past the end, negatives allowed
        return {"epoch": i + 1, "loss": self.loss[i], "accuracy": self.accuracy[i], "seconds": self.seconds[i]}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return self.loss == other.loss and self.accuracy == other.accuracy

    __hash__ = None  # type: ignore[assignment]  # mutable


def accuracy(model: MLP, X: Sequence[Sequence[float]], Y: Sequence[Any]) -> float | None:
    """Fraction of rows classified right, or None when the targets are not class labels.

    One output with two label values (0/1 or -1/+1): the class is the label nearer to the
    output (threshold halfway between them). Several outputs: the largest output's index
    must be the target's class index (or the largest entry's index of a one-hot target).
    ValueError for no rows or for X and Y of different lengths.
    """
    if not isinstance(model, MLP):
        raise TypeError(_("accuracy() expects an nn.MLP, got {kind}").format(kind=type(model).__name__))
    if model.sizes[-1] > 1:  # class indices as one-hot rows
        Y = class_targets(Y, model.sizes[-1], "accuracy()")
    xs, ys = check_data(model, X, Y, "accuracy()")
    return _accuracy(model, predict_rows(model, xs), ys)


def _accuracy(model: MLP, outputs: list[list[float]], ys: list[Any]) -> float | None:
    """`accuracy` of outputs for targets already checked (floats, or lists of floats)."""
    if model.sizes[-1] == 1:
        labels = sorted(set(ys))
        if len(labels) > 2:
            return None
        low, high = labels[0], labels[-1]
        threshold = (low + high) / 2.0
        hits = sum((high if out[0] > threshold else low) == target for out, target in zip(outputs, ys))
        return float(hits / len(ys))
    hits = sum(max(range(len(o)), key=o.__getitem__) == max(range(len(y)), key=y.__getitem__)
               for o, y in zip(outputs, ys))
    return hits / len(ys)


def check_data(model: MLP, X: object, Y: object, caller: str = "fit()") -> tuple[list[list[float]], list[Any]]:
    """(X, Y) as floats, checked once: rows of the model's input width, targets of its
    output width (a number per row for one output). Lists, tuples and NumPy arrays alike;
    TypeError for the wrong kind of thing, ValueError for wrong lengths, non-finite numbers
    and numbers too large for a float."""
    nin, nout = model.sizes[0], model.sizes[-1]
    rows_x = sequence(X, f"{caller} X", what="rows")
    rows_y = sequence(Y, f"{caller} Y", what="targets")
    if len(rows_x) == 0:
        raise ValueError(_("{caller} got no training examples (X is empty)").format(caller=caller))
    if len(rows_x) != len(rows_y):
        raise ValueError(_("{caller} got {n_x} inputs but {n_y} targets").format(
            caller=caller, n_x=len(rows_x), n_y=len(rows_y)))
    xs = [real_sequence(x, f"{caller} X[{i}]", length=nin, finite=True) for i, x in enumerate(rows_x)]
    ys: list[Any] = []
    for i, y in enumerate(rows_y):
        single = isinstance(y, numbers.Real) and not isinstance(y, bool)
        values = real_sequence([y] if single else y, f"{caller} Y[{i}]", length=nout, finite=True)
        ys.append(values[0] if nout == 1 else values)
    return xs, ys


def _check_positive_int(name: str, value: object, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    return whole(value, f"fit() {name}", low=1)


def fit(
    model: MLP,
    X: Sequence[Sequence[float]],
    Y: Sequence[Any],
    *,
    loss: LossFn | str,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    compiled: bool = False,
    progress: bool = True,
    callback: Callable[[int, dict[str, Any]], Any] | None = None,
    rng: RngLike = 0,
) -> History:
    """Train ``model`` on (X, Y) and return the `History`.

    Args:
        loss: a per-example loss ``loss(output, target) -> Value`` or one of ``"hinge"``
            (labels -1/+1, linear output), ``"mse"``, ``"half_squared_error"``,
            ``"binary_cross_entropy"``, ``"cross_entropy"`` (Y class indices, a linear
            output of one logit per class); each batch minimises the mean.
        optimizer: built on ``model.parameters()``, e.g. ``nn.Adam(model.parameters(), 0.05)``.
        batch_size: None for the whole data set per step; else mini-batches, shuffled each
            epoch by ``rng`` (an int seed or `random.Random`), so a seed fixes the history.
        compiled: replay a compiled per-example loss (`nn.compile_loss`) instead of building
            a graph per example: same numbers within 1e-9, many times faster. Without it,
            each step (``loss`` included) runs with Python's cyclic garbage collector
            paused (`autograd.engine.gc_paused`): the step's graph is freed by reference
            counting, and the collector is back before the next step.
        progress: show a tqdm progress bar with the epoch's loss and accuracy.
        callback: called as ``callback(epoch, record)`` after every epoch.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"fit() expects an nn.MLP, got {type(model).__name__}")
    if loss is cross_entropy or loss == "cross_entropy":  # class indices as one-hot rows
        Y = class_targets(Y, model.sizes[-1], "fit()")
    xs, ys = check_data(model, X, Y)
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)} or a function")
        loss_fn = LOSSES[loss]
    elif callable(loss):
        loss_fn = loss
    else:
        raise TypeError(f"fit() loss must be a function or a name, got {type(loss).__name__}")
    if loss_fn is hinge_loss:
        labels = {y if isinstance(y, float) else tuple(y) for y in ys}
        if not labels <= {-1.0, 1.0}:
            raise ValueError(
                f"the hinge loss needs labels -1 and +1, got {sorted(labels)[:4]}; "
                "for 0/1 labels use nn.datasets.signed(Y)"
            )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit() optimizer must be an nn optimizer (SGD, Adam), got {type(optimizer).__name__}")
    n_epochs = _check_positive_int("epochs", epochs)
    size = _check_positive_int("batch_size", batch_size, allow_none=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"fit() callback must be callable, got {type(callback).__name__}")
    assert n_epochs is not None
    check_cost(model, min(size or len(xs), len(xs)), compiled)
    generator = make_rng(rng)
    step = _compiled_step(model, loss_fn, xs, ys) if compiled else _eager_step(model, loss_fn)

    history = History()
    order = list(range(len(xs)))
    bar = _Quiet(n_epochs)
    if progress:  # imported only when shown: tqdm.auto warns in a notebook without widgets
        from tqdm.auto import tqdm

        bar = tqdm(range(1, n_epochs + 1), desc=_("training"), unit="epoch", leave=True)
    try:
        for epoch in bar:
            started = time.perf_counter()
            if size is not None:
                generator.shuffle(order)
            batch = size or len(xs)
            total = 0.0
            for start in range(0, len(order), batch):
                idx = order[start : start + batch]
                optimizer.zero_grad()
                total += step([xs[i] for i in idx], [ys[i] for i in idx]) * len(idx)
                optimizer.step()
            mean_loss = total / len(xs)
            acc = _accuracy(model, predict_rows(model, xs), ys)
            history.loss.append(mean_loss)
            history.accuracy.append(acc)
            history.seconds.append(time.perf_counter() - started)
            if progress:  # preformatted: tqdm's own postfix writes English names and decimal points
                accuracy = "-" if acc is None else localize_number(f"{acc:.1%}")
                bar.set_postfix_str(_("acc={accuracy}, loss={loss:.4f}").format(accuracy=accuracy, loss=mean_loss))
            if callback is not None:
                callback(epoch, history[-1])
    finally:  # an interrupted or failed run leaves no bar open on the terminal
        bar.close()
    return history


def _eager_step(model: MLP, loss_fn: LossFn) -> Callable[[list[list[float]], list[Any]], float]:
    def step(batch_x: list[list[float]], batch_y: list[Any]) -> float:
        with gc_paused():  # the step's graph is freed, by reference counting, before the GC is back
            terms = [loss_fn(model(x), y) for x, y in zip(batch_x, batch_y)]
            batch_loss = Value.sum(terms) * (1.0 / len(terms))  # the mean over the batch
            batch_loss.backward()
            value = batch_loss.data
            del terms, batch_loss
        return value

    return step


class _Quiet:
    """The epochs without a progress bar: tqdm's three calls, doing nothing."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Iterator[int]:
        return iter(range(1, self.n + 1))

    def set_postfix_str(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class TracingError(ValueError):
    """A compiled loss replays differently from eager: the loss's graph depends on the data."""


def _compiled_step(model: MLP, loss_fn: LossFn, xs: list[list[float]],
                   ys: list[Any]) -> Callable[[list[list[float]], list[Any]], float]:
    compiled = compile_loss(model, loss_fn)
    check_trace(model, loss_fn, compiled, xs[:TRACE_CHECKS], ys[:TRACE_CHECKS])
    graph = compiled.graph  # the rows were checked once, by fit: replay them as they are

    def step(batch_x: list[list[float]], batch_y: list[Any]) -> float:
        rows = [[*x, y] if isinstance(y, float) else [*x, *y] for x, y in zip(batch_x, batch_y)]
        return graph.accumulate(rows, 1.0 / len(batch_x))

    return step


def check_trace(model: MLP, loss_fn: LossFn, compiled: Any, xs: list[list[float]], ys: list[Any]) -> None:
    """Replay ``compiled`` on a few real examples and hold it against eager; `TracingError` on
    a mismatch. The trace ran on placeholder zeros, so a loss that branches on ``.data``
    (``if out.data > 0``) gives another graph here. The parameters' ``.grad`` is left as it was.
    """
    with model.grads_kept() as params:
        for i, (x, y) in enumerate(zip(xs, ys)):
            model.zero_grad()
            eager = loss_fn(model(x), y)
            eager.backward()
            want = [eager.data] + [p.grad for p in params]
            model.zero_grad()
            got = [compiled(x, y)] + [p.grad for p in params]
            for w, g in zip(want, got):
                if not (w == g or abs(w - g) <= 1e-9 * max(1.0, abs(w)) or (w != w and g != g)):
                    raise TracingError(
                        f"the compiled loss gives {g!r} where eager gives {w!r} on example {i}: the loss's "
                        "graph depends on the data (an `if` on a Value's .data?), so it cannot be traced "
                        "once and replayed; see 'Compiled graphs' in the README, or train with compiled=False"
                    )
