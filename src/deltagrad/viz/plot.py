"""Training pictures with matplotlib (the ``plot`` extra): the loss curve and the decision boundary."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deltagrad import nn
from deltagrad.i18n import _

INSTALL_HINT = "pip install 'deltagrad[plot]' (or: pip install matplotlib)"


class PlotUnavailableError(ImportError):
    """matplotlib is not installed."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailableError(f"plots need matplotlib, which is not installed: {INSTALL_HINT}") from None
    matplotlib.use("Agg")  # files only: no window, works without a display
    import matplotlib.pyplot as plt

    return plt


def plot_history(history: nn.History, path: str | os.PathLike[str]) -> Path:
    """Loss (left axis) and training accuracy (right axis) per epoch, as a PNG."""
    if not isinstance(history, nn.History) or len(history) == 0:
        raise ValueError("plot_history() needs the non-empty History returned by nn.fit")
    plt = _pyplot()
    epochs = list(range(1, len(history) + 1))
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    ax.plot(epochs, history.loss, color="#c0392b", label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (mean over the epoch)", color="#c0392b")
    ax.set_yscale("log" if min(history.loss) > 0 else "linear")
    accs = [a for a in history.accuracy if a is not None]
    if accs:
        ax2 = ax.twinx()
        ax2.plot(epochs[-len(accs):], [100 * a for a in accs], color="#2471a3", label="accuracy")
        ax2.set_ylabel("training accuracy (%)", color="#2471a3")
        ax2.set_ylim(0, 101)
    ax.set_title("Training: loss and accuracy per epoch")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, plt, path)


def plot_decision_boundary(model: nn.MLP, X: Sequence[Sequence[float]], labels: Sequence[float],
                           path: str | os.PathLike[str], resolution: int = 120) -> Path:
    """The data (coloured by label) over the regions the model assigns to each class, as a PNG.

    The class of a point is the label nearer to the model's output (threshold halfway
    between the two label values: 0 for -1/+1 labels, 0.5 for 0/1 labels).
    """
    if model.sizes[0] != 2 or model.sizes[-1] != 1:
        raise ValueError(f"a decision boundary needs a model with 2 inputs and 1 output, got sizes {model.sizes}")
    if len(X) != len(labels) or not X:
        raise ValueError(f"got {len(X)} points but {len(labels)} labels")
    plt = _pyplot()
    xs0, xs1 = [p[0] for p in X], [p[1] for p in X]
    pad0, pad1 = 0.2 * (max(xs0) - min(xs0)) + 0.1, 0.2 * (max(xs1) - min(xs1)) + 0.1
    lo0, hi0, lo1, hi1 = min(xs0) - pad0, max(xs0) + pad0, min(xs1) - pad1, max(xs1) + pad1
    g0 = [lo0 + (hi0 - lo0) * i / (resolution - 1) for i in range(resolution)]
    g1 = [lo1 + (hi1 - lo1) * j / (resolution - 1) for j in range(resolution)]
    values = sorted(set(labels))
    threshold = (values[0] + values[-1]) / 2.0
    outputs = nn.predict(model, [[a, b] for b in g1 for a in g0])
    grid = [[outputs[j * resolution + i][0] for i in range(resolution)] for j in range(resolution)]
    fig, ax = plt.subplots(figsize=(5.5, 5), dpi=120)
    ax.contourf(g0, g1, grid, levels=[-1e300, threshold, 1e300], colors=["#f5b7b1", "#aed6f1"], alpha=0.8)
    ax.contour(g0, g1, grid, levels=[threshold], colors="#34495e", linewidths=1.2)
    for value, colour in zip(values, ["#c0392b", "#2471a3"]):
        pts = [p for p, y in zip(X, labels) if y == value]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], c=colour, s=18, edgecolors="white",
                   linewidths=0.5, label=f"label {value}")
    ax.set_title("Decision boundary: the model's regions and the data")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return _save(fig, plt, path)


def plot_inits(comparison: nn.InitComparison, path: str | os.PathLike[str]) -> Path:
    """The loss curve of every start on one log-scale axis, as a PNG (``deltagrad inits --plot``)."""
    if not isinstance(comparison, nn.InitComparison) or not comparison.results:
        raise ValueError("plot_inits() needs the InitComparison returned by nn.compare_inits")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    # Every curve its own dashes and markers, so that curves on top of each other stay visible;
    # their markers are staggered along the line and the legend says that they coincide.
    dashes: list[Any] = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 3))]
    markers = ["o", "s", "^", "D", "v", "x", "P"]
    together = {k for group in comparison.coinciding() for k in group}
    n = len(comparison.results)
    for k, result in enumerate(comparison.results):
        epochs = list(range(1, len(result.history.loss) + 1))
        losses = [max(v, 1e-12) for v in result.history.loss]  # a log axis has no 0
        every = max(1, len(epochs) // 8)
        label = result.name if k not in together else _("{name} (on top of each other)").format(name=result.name)
        ax.plot(epochs, losses, linestyle=dashes[k % len(dashes)], marker=markers[k % len(markers)],
                markevery=(k * every // n, every), markersize=5, linewidth=1.8 if k not in together else 2.4,
                label=label, alpha=0.9)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"training loss ({comparison.settings.get('loss', 'loss')})")
    s = comparison.settings
    ax.set_title(f"Same network, same data, same SGD (lr {s.get('lr')}): only the start differs", fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return _save(fig, plt, path)


def _save(fig: Any, plt: Any, path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(target, format="png")
    finally:
        plt.close(fig)
    return target
