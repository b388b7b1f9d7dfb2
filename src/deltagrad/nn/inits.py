"""The seed's first lesson, made executable: the same network from different starts.

Zero weights keep every hidden neuron a clone of the others (same output, same update, so
the layer acts as one neuron); too small a start gives vanishing gradients and slow
learning; too large a start saturates the sigmoid; Xavier and He scale the start to each
layer's fan-in and fan-out. `compare_inits` trains one architecture on one data set, with
one seed and one optimizer, from each start, and measures what the lesson says.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from deltagrad.i18n import N_, _, localize_number

from .losses import LOSSES
from .module import MLP
from .optim import SGD
from .train import History, fit

# (name shown, init, init_scale): the seed's starts, in the order the lesson tells them.
STARTS: tuple[tuple[str, str, float | None], ...] = (
    (N_("zeros"), "zeros", None),
    (N_("constant 0.5"), "constant", None),
    (N_("uniform x0.01 (too small)"), "uniform", 0.01),
    (N_("uniform (the seed's U[-1, 1])"), "uniform", None),
    (N_("uniform x10 (too large)"), "uniform", 10.0),
    (N_("xavier"), "xavier", None),
    (N_("he"), "he", None),
)


@dataclass
class InitResult:
    """One start's run: the loss curve and the lesson's measures."""

    name: str
    init: str
    init_scale: float | None
    history: History
    grad_norm: float  # |dL/dparams| at epoch 0, over the whole data set
    symmetry: float  # nn.neuron_symmetry of the first hidden layer at the end
    epochs_to_90: int | None  # the first epoch with training accuracy >= 90%, or None

    @property
    def final_loss(self) -> float:
        return self.history.loss[-1]

    @property
    def final_accuracy(self) -> float | None:
        return self.history.accuracy[-1]


@dataclass
class InitComparison:
    """Every start's result, and what they shared."""

    results: list[InitResult]
    settings: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[list[str]]:
        """Table rows: start, final loss, accuracy, epochs to 90%, |grad| at epoch 0, symmetry
        (in the language in use, with its decimal mark)."""
        out = []
        for r in self.results:
            acc = "-" if r.final_accuracy is None else localize_number(f"{r.final_accuracy:.0%}")
            sym = _("clones") if r.symmetry == 0.0 else localize_number(f"{r.symmetry:.3g}")
            out.append([_(r.name), localize_number(f"{r.final_loss:.4f}"), acc,
                        _("never") if r.epochs_to_90 is None else str(r.epochs_to_90),
                        localize_number(f"{r.grad_norm:.3g}"), sym])
        return out

    HEADER = (N_("start"), N_("final loss"), N_("accuracy"), N_("epochs to 90%"), N_("|grad| at epoch 0"),
              N_("hidden symmetry"))

    def header(self) -> list[str]:
        """`HEADER` in the language in use."""
        return [_(h) for h in self.HEADER]

    def coinciding(self, rtol: float = 1e-3) -> list[list[int]]:
        """Groups (two or more) of results whose loss curves lie on top of each other: at every
        epoch within ``rtol`` of each other, so that a plot must tell them apart by style."""
        groups: list[list[int]] = []
        placed: set[int] = set()
        for i, a in enumerate(self.results):
            if i in placed:
                continue
            group = [i]
            for k in range(i + 1, len(self.results)):
                b = self.results[k]
                if k not in placed and len(a.history.loss) == len(b.history.loss) and all(
                        abs(u - v) <= rtol * max(abs(u), abs(v), 1e-12)
                        for u, v in zip(a.history.loss, b.history.loss)):
                    group.append(k)
            if len(group) > 1:
                placed.update(group)
                groups.append(group)
        return groups


def gradient_norm(model: MLP, X: Sequence[Sequence[float]], Y: Sequence[Any], loss: Callable[..., Any]) -> float:
    """The Euclidean norm of the mean loss's gradient over the data set, leaving ``.grad`` as it was."""
    from deltagrad.autograd import Value

    with model.grads_kept() as params:
        total = Value.sum([loss(model(x), y) for x, y in zip(X, Y)]) * (1.0 / len(X))
        total.backward()
        return math.sqrt(sum(p.grad * p.grad for p in params))


def neuron_symmetry(model: MLP) -> list[float]:
    """Per hidden layer, the largest difference between two neurons' incoming weights and biases.

    ``0.0`` means the layer's neurons are clones: they compute the same output and get the
    same update, so the layer acts as one neuron (the textbook's reason not to start at 0,
    or at any equal weights). It is a difference of weights, so it has no unit.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"neuron_symmetry() expects an nn.MLP, got {type(model).__name__}")
    hidden = model.layers[:-1]
    if not hidden:
        raise ValueError(f"neuron_symmetry() needs a model with a hidden layer, got {model!r}")
    out = []
    for layer in hidden:
        rows = [[w.data for w in n.w] + [n.b.data] for n in layer.neurons]
        worst = 0.0
        for i in range(len(rows)):
            for k in range(i + 1, len(rows)):
                worst = max(worst, max(abs(a - b) for a, b in zip(rows[i], rows[k])))
        out.append(worst)
    return out


def compare_inits(
    X: Sequence[Sequence[float]],
    Y: Sequence[Any],
    *,
    hidden: Sequence[int] = (8,),
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
    loss: str = "half_squared_error",
    lr: float = 2.0,
    epochs: int = 1500,
    seed: int = 0,
    compiled: bool = True,
    starts: Sequence[tuple[str, str, float | None]] = STARTS,
    progress: Callable[[str, int, int], None] | None = None,
) -> InitComparison:
    """Train the same MLP on (X, Y) from each start, with the same seed and plain SGD.

    ``progress(name, epoch, epochs)`` is called after every epoch (the command's tqdm bar).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
    if not X:
        raise ValueError("compare_inits() needs data, got no points")
    nin = len(X[0])
    nout = 1 if not isinstance(Y[0], Sequence) else len(Y[0])
    results = []
    for name, init, scale in starts:
        kwargs = {} if scale is None else {"init_scale": scale}
        model = MLP(nin, [*hidden, nout], activation=activation, output_activation=output_activation, init=init,
                    rng=seed, **kwargs)  # type: ignore[arg-type]
        norm = gradient_norm(model, X, Y, LOSSES[loss])

        def tick(epoch: int, record: dict[str, Any], name: str = name) -> None:
            if progress is not None:
                progress(name, epoch, epochs)

        history = fit(model, X, Y, loss=loss, optimizer=SGD(model.parameters(), lr=lr), epochs=epochs,
                      compiled=compiled, progress=False, callback=tick, rng=seed)
        first = next((i + 1 for i, a in enumerate(history.accuracy) if a is not None and a >= 0.9), None)
        symmetry = neuron_symmetry(model)[0] if len(model.layers) > 1 else float("nan")
        results.append(InitResult(name, init, scale, history, norm, symmetry, first))
    settings = {"hidden": list(hidden), "activation": activation, "output_activation": output_activation,
                "loss": loss, "lr": lr, "epochs": epochs, "seed": seed, "optimizer": "sgd"}
    return InitComparison(results, settings)
