"""viz.plot: PNG files with matplotlib, a clear error without it."""

from __future__ import annotations

import os
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
    with pytest.raises(ValueError, match="a model with 2 inputs, got sizes"):
        plot.plot_decision_boundary(nn.MLP(3, [1], rng=0), X, labels, tmp_path / "b.png")
    with pytest.raises(ValueError, match="30 points but 2 labels"):
        plot.plot_decision_boundary(model, X, labels[:2], tmp_path / "b.png")


def _three_blobs() -> tuple[nn.MLP, list[list[float]], list[int], nn.History]:
    import random

    gen = random.Random(0)
    X = [[cx + gen.gauss(0, 0.3), cy + gen.gauss(0, 0.3)] for cx, cy in ((-1, 0), (1, 0), (0, 1.5)) for _ in range(10)]
    Y = [c for c in range(3) for _ in range(10)]
    model = nn.MLP(2, [6, 3], activation="tanh", output_activation="linear", rng=0)
    history = nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.1), epochs=20,
                     progress=False)
    return model, X, Y, history


def test_k_class_boundary_and_confusion_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    model, X, Y, _ = _three_blobs()
    boundary = plot.plot_decision_boundary(model, X, Y, tmp_path / "b.png", resolution=30, class_names=["a", "b", "c"])
    matrix = nn.confusion_matrix(model, X, Y)
    assert [sum(row) for row in matrix] == [10, 10, 10] and sum(matrix[i][i] for i in range(3)) >= 28
    confusion = plot.plot_confusion(matrix, tmp_path / "c.png", class_names=["a", "b", "c"])
    for path in (boundary, confusion):
        assert path.read_bytes().startswith(PNG)
    with pytest.raises(ValueError, match="k rows of k counts"):
        plot.plot_confusion([[1, 2]], tmp_path / "bad.png")


def test_animate_training_restores_the_model_and_refuses_what_it_cannot_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    import random

    from PIL import Image, ImageSequence

    gen = random.Random(0)
    X = [[cx + gen.gauss(0, 0.3), cy + gen.gauss(0, 0.3)] for cx, cy in ((-1, 0), (1, 0), (0, 1.5)) for _ in range(10)]
    Y = [c for c in range(3) for _ in range(10)]
    model = nn.MLP(2, [6, 3], activation="tanh", output_activation="linear", rng=0)
    recorder = plot.TrainingRecorder(model, epochs=4, frames=2, test=(X, Y))
    history = nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.1), epochs=4,
                     progress=False, callback=recorder)
    assert [s.epoch for s in recorder.snapshots] == [0, 2, 4] and len(recorder.test_accuracy) == 4
    final = model.state_dict()
    gif = plot.animate_training(model, recorder, history, X, Y, tmp_path / "t.gif", resolution=20)
    assert model.state_dict() == final
    with Image.open(gif) as im:
        frames = [f.convert("RGB").tobytes() for f in ImageSequence.Iterator(im)]
    assert len(frames) == 3 and len(set(frames)) == 3
    with pytest.raises(ValueError, match="a .gif or an .mp4"):
        plot.animate_training(model, recorder, history, X, Y, tmp_path / "t.avi")
    fifo = tmp_path / "fifo.gif"
    os.mkfifo(fifo)
    drawn: list[int] = []
    monkeypatch.setattr(plot, "_draw_regions", lambda *a, **k: drawn.append(1))
    with pytest.raises(ValueError, match="fifo.gif"):
        plot.animate_training(model, recorder, history, X, Y, fifo, resolution=10)
    assert fifo.is_fifo() and drawn == []  # refused before a single frame was drawn


@pytest.mark.parametrize("kind", ["regions", "confusion"])
def test_a_frame_shows_nothing_of_the_frame_before_it(tmp_path: Path, kind: str) -> None:
    # each frame takes away what the last one drew (regions, points, a legend, the matrix's
    # image and counts, curves, titles) but keeps the axes and their ticks: the last frame is
    # the same pixels whether the middle frame was drawn before it or not
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    import copy

    from PIL import Image, ImageSequence

    if kind == "regions":
        X, Y = nn.datasets.moons(30, noise=0.1, rng=0)
        model = nn.MLP(2, [4, 1], activation="relu", output_activation="linear", rng=0)
        targets, loss = nn.datasets.signed(Y), "hinge"
    else:  # three inputs: the confusion matrix
        X = [[(i % 5) / 4, (i % 3) / 2, (i % 7) / 6] for i in range(30)]
        Y = [i % 3 for i in range(30)]
        model = nn.MLP(3, [4, 3], activation="tanh", output_activation="linear", rng=0)
        targets, loss = Y, "cross_entropy"
    recorder = plot.TrainingRecorder(model, epochs=4, frames=2)
    history = nn.fit(model, X, targets, loss=loss, optimizer=nn.Adam(model.parameters(), lr=0.2),
                     epochs=4, progress=False, callback=recorder)
    skipped = copy.copy(recorder)
    skipped.snapshots = [recorder.snapshots[0], recorder.snapshots[-1]]

    def last_frame(rec: plot.TrainingRecorder, name: str) -> bytes:
        gif = plot.animate_training(model, rec, history, X, Y, tmp_path / name, resolution=10)
        with Image.open(gif) as im:
            return [f.convert("RGB").tobytes() for f in ImageSequence.Iterator(im)][-1]

    assert last_frame(recorder, "all.gif") == last_frame(skipped, "skipped.gif")


def test_metrics_for_one_output_models_and_the_text_table() -> None:
    model, X, labels, _ = trained()
    matrix = nn.confusion_matrix(model, X, nn.datasets.signed(labels))
    assert [sum(row) for row in matrix] == [labels.count(0), labels.count(1)]
    # the threshold is halfway between the two label values: 0 for -1/+1 labels
    guesses = [int(out[0] > 0.0) for out in nn.predict(model, X)]
    assert matrix[1][1] == sum(g == 1 and y == 1 for g, y in zip(guesses, labels))
    assert nn.format_confusion([[3, 1], [0, 4]], ["no", "yes"]).splitlines() == [
        "true \\ predicted  no  yes  right",
        "----------------  --  ---  -----",
        "no                 3    1    75%",
        "yes                0    4   100%",
    ]
    with pytest.raises(ValueError, match="2 classes but 3 names"):
        nn.format_confusion([[1, 0], [0, 1]], ["a", "b", "c"])


def test_mp4_goes_through_ffmpeg_and_its_failure_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    model, X, Y, _ = _three_blobs()
    recorder = plot.TrainingRecorder(model, epochs=2, frames=2)
    history = nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.1), epochs=2,
                     progress=False, callback=recorder)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ffmpeg"  # writes its last argument, after checking that the frames are there
    fake.write_text('#!/bin/sh\nfor a; do last="$a"; done\nls "$(dirname "$last")"/frame0000.png >/dev/null '
                    '|| exit 3\necho fake-mp4 > "$last"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    out = plot.animate_training(model, recorder, history, X, Y, tmp_path / "t.mp4", resolution=10)
    assert out.read_text() == "fake-mp4\n"
    fake.write_text("#!/bin/sh\necho 'Unknown encoder' >&2\nexit 1\n")
    with pytest.raises(ValueError, match="ffmpeg could not write the .mp4: Unknown encoder"):
        plot.animate_training(model, recorder, history, X, Y, tmp_path / "u.mp4", resolution=10)
    assert not (tmp_path / "u.mp4").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="an .mp4 needs ffmpeg"):
        plot.check_animation_target(tmp_path / "v.mp4")


def test_the_extras_ask_for_a_matplotlib_that_has_the_layout_engine() -> None:
    # viz lays figures out with matplotlib.layout_engine (new in matplotlib 3.6): an older
    # matplotlib that the extras accept would fail on every plot
    import re

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    floors = re.findall(r'"matplotlib>=([0-9.]+)"', pyproject)
    assert len(floors) == 2  # plot and notebook
    assert all(tuple(int(part) for part in floor.split(".")[:2]) >= (3, 6) for floor in floors), floors
