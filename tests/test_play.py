"""deltagrad play: the playground page from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import B1, B2, W1, W2, X, Y, assert_one_line_error, run_cli


def page_data(path: Path) -> dict:  # type: ignore[type-arg]
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="deltagrad-play-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]


def test_without_data_it_is_the_tutorials_2_2_1(tmp_path: Path) -> None:
    result = run_cli("play", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / "play.html"
    assert result.stdout.strip() == str(path)
    data = page_data(path)
    assert data["sizes"] == [2, 2, 1] and data["x"] == X and data["y"] == Y and data["data"] is None
    values = {p["name"]: p["value"] for p in data["params"]}
    assert [values["W1[0][0]"], values["W1[0][1]"], values["W1[1][0]"], values["W1[1][1]"]] == [*W1[0], *W1[1]]
    assert [values["b1[0]"], values["b1[1]"], values["W2[0][0]"], values["W2[0][1]"], values["b2[0]"]] == \
        [*B1, *W2[0], *B2]
    assert data["lr"] == 0.1 and data["loss"]["name"] == "half_squared_error"


def test_the_default_folder_is_under_build() -> None:
    from deltagrad.cli import build_parser

    assert build_parser().parse_args(["play"]).out == Path("build/play")


def test_a_data_set_with_a_test_split(tmp_path: Path) -> None:
    result = run_cli("play", "--data", "moons", "--hidden", "3", "--test-split", "0.2", "--init", "xavier",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = page_data(tmp_path / "play.html")
    assert data["sizes"] == [2, 3, 1] and data["activations"] == ["tanh", "sigmoid"]
    assert len(data["data"]["X"]) == 80 and len(data["test"]["X"]) == 20
    assert data["heatmap"] is True and data["loss"]["name"] == "binary_cross_entropy"
    assert data["classes"] == ["0", "1"] and data["lr"] == 0.3


def test_iris_is_softmax_with_its_class_names(tmp_path: Path) -> None:
    result = run_cli("play", "--data", "iris", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = page_data(tmp_path / "play.html")
    assert data["sizes"] == [4, 4, 4, 3] and data["activations"][-1] == "linear"
    assert data["loss"]["name"] == "cross_entropy" and data["heatmap"] is False
    assert data["classes"] == ["setosa", "versicolor", "virginica"]


def test_a_csv_keeps_its_labels_as_text(tmp_path: Path) -> None:
    csv = tmp_path / "pets.csv"
    rows = ["weight,height,kind"] + [f"{1 + i % 5},{2 + i % 3},{'<b>cat</b>' if i % 2 else 'dog'}" for i in range(20)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("play", "--data", str(csv), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "play.html").read_text(encoding="utf-8")
    assert "<b>cat</b>" not in html
    assert page_data(tmp_path / "out" / "play.html")["classes"] == ["<b>cat</b>", "dog"]


def test_equal_weights_from_the_command(tmp_path: Path) -> None:
    assert run_cli("play", "--init", "equal", "--out", str(tmp_path)).returncode == 0
    weights = {p["value"] for p in page_data(tmp_path / "play.html")["params"] if p["kind"] == "W"}
    assert weights == {0.5}


@pytest.mark.parametrize(("args", "message"), [
    (["--n", "5"], "--n needs --data"),
    (["--data", "nope"], "--data nope: expected one of xor, moons, circles, spiral, iris, or a .csv file"),
    (["--data", "missing.csv"], "--data missing.csv: no such file"),
    (["--data", "moons", "--x", "1", "2"], "--x and --y are for the single example"),
    (["--x", "1"], "--x needs one value per network input (2), got 1"),
    (["--data", "iris", "--n", "10"], "--n is for a generated data set"),
    (["--data", "moons", "--target", "y"], "--target is for a CSV file"),
    (["--test-split", "0"], "expected a positive number"),
    (["--lr", "abc"], "expected a number, got 'abc'"),
    (["--init", "ones"], "invalid choice: 'ones'"),
])
def test_bad_arguments_are_one_line(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli("play", *args), message)


def test_bad_weights_and_out(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text("{not json", encoding="utf-8")
    assert_one_line_error(run_cli("play", "--weights", str(bad), "--out", str(tmp_path)), "cannot use --weights")
    model = tmp_path / "m.json"
    from deltagrad import nn

    nn.MLP(3, [2, 1], rng=0).save(model)
    assert_one_line_error(run_cli("play", "--data", "moons", "--weights", str(model), "--out", str(tmp_path)),
                          "is a 3-2-1 network, but the data need 2 inputs and 1 outputs")
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    assert_one_line_error(run_cli("play", "--out", str(afile)), "exists and is not a folder")


def test_notation_is_the_textbooks_unless_asked(tmp_path: Path) -> None:
    assert run_cli("play", "--out", str(tmp_path / "a")).returncode == 0
    assert page_data(tmp_path / "a" / "play.html")["notation"] == "textbook"
    assert run_cli("play", "--notation", "code", "--out", str(tmp_path / "b")).returncode == 0
    assert page_data(tmp_path / "b" / "play.html")["notation"] == "code"
