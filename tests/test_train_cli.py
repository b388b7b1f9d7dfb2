"""deltagrad train on iris, the digits and CSV files: test accuracy, the confusion matrix,
confusion.png, the animation, regression, and one line for every bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deltagrad import nn
from tests.conftest import ROOT, assert_one_line_error, run_cli

PNG = b"\x89PNG\r\n\x1a\n"


def _frames(path: Path) -> list[bytes]:
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        return [frame.convert("RGB").tobytes() for frame in ImageSequence.Iterator(im)]


def test_train_iris_reports_test_accuracy_and_a_confusion_matrix(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run_cli("train", "--data", "iris", "--hidden", "8", "--activation", "tanh", "--epochs", "30",
                     "--compiled", "--no-progress", "--plot", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("training MLP 4 -> 8 -> 3 (tanh, linear output, 67 parameters) on iris "
                               "(120 rows, 30 held out for testing), cross_entropy loss")
    # the same run in-process: the split, the model and the numbers the command prints
    X, Y, names = nn.datasets.iris()
    X_train, Y_train, X_test, Y_test = nn.datasets.train_test_split(X, Y, test=0.2, rng=0)
    model = nn.MLP(4, [8, 3], activation="tanh", output_activation="linear", rng=0)
    history = nn.fit(model, X_train, Y_train, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
                     epochs=30, compiled=True, progress=False, rng=0)
    assert lines[1].startswith(f"final training accuracy {history.accuracy[-1]:.1%}, loss {history.loss[-1]:.4f}")
    test = nn.accuracy(model, X_test, Y_test)
    assert test is not None and test >= 0.9
    assert lines[2] == f"test accuracy {test:.1%} on 30 held-out rows"
    table = nn.format_confusion(nn.confusion_matrix(model, X_test, Y_test), names)
    assert "\n".join(lines[4:9]) == table
    assert table.splitlines()[0].split() == ["true", "\\", "predicted", "setosa", "versicolor", "virginica", "right"]
    assert sum(int(row.split()[i + 1]) for i, row in enumerate(table.splitlines()[2:])) == round(test * 30)
    for name in ("loss.png", "confusion.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    assert not (tmp_path / "decision_boundary.png").exists()  # 4 inputs: no 2-D picture


def test_train_a_csv_with_named_target_and_a_regression_target(tmp_path: Path) -> None:
    csv = tmp_path / "flowers.csv"
    X, Y, names = nn.datasets.iris(standardize=False)
    csv.write_text("petal length,kind,petal width\r\n" + "".join(
        f'{x[2]},"{names[y]}",{x[3]}\r\n' for x, y in zip(X, Y)))
    result = run_cli("train", "--data", str(csv), "--target", "kind", "--hidden", "8", "--epochs", "40",
                     "--compiled", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "(2 -> 8 -> 8 -> 3" not in result.stdout and "MLP 2 -> 8 -> 3" in result.stdout
    test_line = result.stdout.splitlines()[2]
    assert test_line.startswith("test accuracy ") and float(test_line.split()[2].rstrip("%")) >= 90
    assert_one_line_error(run_cli("train", "--data", str(csv), "--target", "petal width", "--no-progress"),
                          "line 2, column 'kind': 'setosa' is not a finite number")
    sizes = tmp_path / "sizes.csv"
    sizes.write_text("sepal length,petal length,petal width\n" + "".join(f"{x[0]},{x[2]},{x[3]}\n" for x in X))
    numbers = run_cli("train", "--data", str(sizes), "--hidden", "8", "--activation", "tanh", "--epochs", "60",
                      "--compiled", "--no-progress")
    assert numbers.returncode == 0, numbers.stderr
    out = numbers.stdout.splitlines()
    assert "mse loss" in out[0] and "MLP 2 -> 8 -> 1 (tanh, linear output" in out[0]
    assert out[1].startswith("final training loss ")
    train_mse, test_mse = float(out[2].split()[2].rstrip(";")), float(out[2].split()[5])
    assert train_mse < 0.1 and test_mse < 0.1  # petal width (cm) from the two lengths
    assert "confusion" not in numbers.stdout


def test_train_animation_is_a_gif_whose_frames_move(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    gif = tmp_path / "anim" / "training.gif"
    result = run_cli("train", "--data", "moons", "--hidden", "8", "--epochs", "4", "--compiled", "--no-progress",
                     "--animate", str(gif))
    assert result.returncode == 0, result.stderr
    assert f"animation written to {gif} (5 frames" in result.stdout
    data = gif.read_bytes()
    assert data[:6] in (b"GIF89a", b"GIF87a") and len(data) < 5_000_000
    frames = _frames(gif)
    assert len(frames) == 5 and len(set(frames)) == 5  # every frame differs from every other


@pytest.mark.parametrize("epochs, shown", [
    (100, list(range(0, 101, 4))),  # 25 frames and the start: every 4th epoch
    (10, list(range(11))),
    (7, list(range(8))),
    (101, [*range(0, 101, 5), 101]),  # the last epoch is always a frame
])
def test_the_animation_keeps_about_25_frames_and_the_last(epochs: int, shown: list[int]) -> None:
    from deltagrad import nn
    from deltagrad.viz import plot

    model = nn.MLP(2, [3, 1], rng=0)
    recorder = plot.TrainingRecorder(model, epochs=epochs)
    for epoch in range(1, epochs + 1):
        recorder(epoch, {})
    assert [snap.epoch for snap in recorder.snapshots] == shown


def test_train_animation_of_iris_shows_the_confusion_matrix(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    gif = tmp_path / "iris.gif"
    result = run_cli("train", "--data", "iris", "--hidden", "4", "--epochs", "3", "--compiled", "--no-progress",
                     "--animate", str(gif))
    assert result.returncode == 0, result.stderr
    frames = _frames(gif)
    assert len(frames) == 4 and frames[0] != frames[-1]


def test_animate_without_matplotlib_or_pillow_says_how_to_install_and_still_trains(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for missing in ("matplotlib", "PIL"):
        with monkeypatch.context() as patch:
            patch.setitem(sys.modules, missing, None)  # `import matplotlib` (or PIL) raises ImportError
            result = run_cli("train", "--epochs", "3", "--n", "40", "--no-progress", "--animate",
                             str(tmp_path / "t.gif"))
        assert result.returncode == 0, result.stderr
        assert "final training accuracy" in result.stdout
        assert "no animation:" in result.stdout and "pip install 'deltagrad[plot]'" in result.stdout
        assert not (tmp_path / "t.gif").exists()


@pytest.mark.parametrize("text, args, message", [
    ("a,b,kind\n1,2,x\n3,4,y\n", ["--target", "species"], "has no column 'species'; its columns are: a, b, kind"),
    ("a,b,kind\n1,2,x\n3,z,y\n", [], "line 3, column 'b': 'z' is not a finite number"),
    ("", [], "is empty"),
    ("a,b,kind\n1,2,x\n3,4,x\n", [], "has a single class ('x')"),
    ("a,b,kind\n1,2,x\n3,4,y\n5,6,y\n", [], "the class 'x' of"),
    ("a,b,kind\n1,2,x\n3,4,y\n5,6,y\n7,8,z\n", ["--loss", "hinge", "--test-split", "0"],
     "--loss hinge separates two classes"),
    ("a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.5\n", ["--loss", "cross_entropy"], "--loss cross_entropy needs class labels"),
])
def test_train_bad_csv_files_are_one_line(tmp_path: Path, text: str, args: list[str], message: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(text)
    assert_one_line_error(run_cli("train", "--data", str(path), "--no-progress", *args), message)


@pytest.mark.parametrize("args, message", [
    (["--data", "mnist"],
     "invalid choice: 'mnist' (choose from xor, moons, circles, spiral, iris, digits, or a FILE.csv)"),
    (["--data", "iris", "--n", "10"], "--n is for the generated data sets"),
    (["--data", "iris", "--target", "x"], "--target names a column of a CSV file"),
    (["--data", "moons", "--target", "x"], "--target names a column of a CSV file"),
    (["--data", "iris", "--test-split", "0.95"], "--test-split: expected a number in [0, 0.9]"),
    (["--data", "iris", "--animate", "out.png"], "an animation is a .gif or an .mp4 file, got 'out.png'"),
    (["--data", "missing.csv"], "no such CSV file"),
])
def test_train_bad_arguments_for_tables(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli("train", "--no-progress", *args), message)


def test_train_digits_without_scikit_learn_is_one_line_saying_how_to_install() -> None:
    # a process of its own: in this one scikit-learn's submodules may be imported already,
    # and `from sklearn.datasets import ...` finds them whatever sys.modules["sklearn"] is
    code = ("import sys; sys.modules['sklearn'] = None; from deltagrad.cli import main; "
            "raise SystemExit(main(['train', '--data', 'digits', '--no-progress']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "pip install 'deltagrad[data]'" in result.stderr and "Traceback" not in result.stderr
