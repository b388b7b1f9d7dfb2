"""viz.plot: PNG files with matplotlib, a clear error without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.viz import plot

PNG = b"\x89PNG\r\n\x1a\n"


def trained() -> tuple[nn.MLP, list[list[float]], list[int], nn.History]:
    X, labels = nn.datasets.moons(30, noise=0.1, rng=0)
    model = nn.MLP(2, [6, 1], activation="relu", output_activation="linear", rng=0)
    history = nn.fit(model, X, nn.datasets.signed(labels), loss="hinge",
                     optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=5, progress=False)
    return model, X, labels, history


def test_pngs_are_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model, X, labels, history = trained()
    loss_png = plot.plot_history(history, tmp_path / "out" / "loss.png")
    boundary = plot.plot_decision_boundary(model, X, labels, tmp_path / "out" / "boundary.png", resolution=40)
    for path in (loss_png, boundary):
        data = path.read_bytes()
        assert data.startswith(PNG) and len(data) > 5_000


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    _, _, _, history = trained()
    with pytest.raises(plot.PlotUnavailableError, match=r"pip install 'deltagrad\[plot\]'"):
        plot.plot_history(history, tmp_path / "loss.png")
    assert not (tmp_path / "loss.png").exists()


def test_plot_errors(tmp_path: Path) -> None:
    model, X, labels, _ = trained()
    with pytest.raises(ValueError, match="non-empty History"):
        plot.plot_history(nn.History(), tmp_path / "loss.png")
    with pytest.raises(ValueError, match="2 inputs and 1 output"):
        plot.plot_decision_boundary(nn.MLP(3, [1], rng=0), X, labels, tmp_path / "b.png")
    with pytest.raises(ValueError, match="30 points but 2 labels"):
        plot.plot_decision_boundary(model, X, labels[:2], tmp_path / "b.png")
