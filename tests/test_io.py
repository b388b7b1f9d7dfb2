"""nn.io: save and load round trip, atomic writes, clear errors for foreign files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deltagrad import nn


def test_round_trip(tmp_path: Path) -> None:
    model = nn.MLP(3, [4, 2], activation="tanh", output_activation="linear", rng=5)
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert loaded.state_dict() == model.state_dict()
    assert loaded.sizes == [3, 4, 2]
    assert [layer.activation for layer in loaded.layers] == ["tanh", "linear"]
    data = json.loads(path.read_text())
    assert data["format"] == "deltagrad.mlp" and data["sizes"] == [3, 4, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary left


def test_crash_while_writing_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.json"
    nn.MLP(2, [1], rng=0).save(path)
    before = path.read_bytes()

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        nn.MLP(2, [1], rng=1).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "invalid JSON"),
        ('{"format": "other"}', "is not a deltagrad model"),
        ("[1, 2]", "is not a deltagrad model"),
        ('{"format": "deltagrad.mlp", "version": 99}', "unsupported version 99"),
        ('{"format": "deltagrad.mlp", "version": 1, "activation": "sigmoid"}', "missing weights, biases"),
        ('{"format": "deltagrad.mlp", "version": 1, "activation": "sigmoid", "weights": [[[1, 2], [3]]],'
         ' "biases": [[0, 0]]}', "layer 1: ragged"),
        ('{"format": "deltagrad.mlp", "version": 1, "activation": "swish", "weights": [[[1]]],'
         ' "biases": [[0]]}', "unknown activation 'swish'"),
    ],
)
def test_corrupt_or_foreign_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        nn.load(path)


def test_binary_file_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ValueError, match="not UTF-8"):
        nn.load(path)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.json")


def test_save_rejects_non_models_and_non_finite(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="expects an nn.MLP, got dict"):
        nn.save({}, tmp_path / "m.json")  # type: ignore[arg-type]
    model = nn.MLP(1, [1], rng=0)
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match=r"non-finite parameter: W1\[0\]\[0\] = nan"):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_save_into_a_missing_folder_names_the_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "model.json"
    with pytest.raises(FileNotFoundError, match=f"cannot write {target}"):
        nn.MLP(2, [1], rng=0).save(target)


# -- strict JSON files, every bad file a ValueError naming it ----------------------------
def test_save_refuses_a_non_finite_bias_and_writes_strict_json(tmp_path: Path) -> None:
    model = nn.MLP(2, [1], rng=0)
    model.layers[0].neurons[0].b.data = float("nan")
    with pytest.raises(ValueError, match=r"b1\[0\] = nan"):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def _model_text(**change: object) -> str:
    data = nn.MLP(2, [1], rng=0).to_dict()
    data.update(change)
    return json.dumps(data)


@pytest.mark.parametrize("text", [
    _model_text(biases=[["NaN"]]).replace('"NaN"', "NaN"),
    _model_text(biases=[[0.0]]).replace("0.0]]", "Infinity]]"),
    _model_text(biases=[[0.0]]).replace("0.0]]", "1e400]]"),
    _model_text(biases=[[0.0]]).replace("0.0]]", "1" + "0" * 400 + "]]"),
    _model_text(biases=[[0.0]]).replace("0.0]]", "1" + "0" * 5000 + "]]"),
    _model_text(version=True),
    _model_text(version=1.0),
    "[" * 50_000,
    "",
])
def test_load_refuses_bad_files_naming_them(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=str(path)):
        nn.load(path)


def test_load_and_save_of_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"{tmp_path} is a folder"):
        nn.load(tmp_path)
    with pytest.raises(OSError, match=f"cannot write {tmp_path}"):
        nn.MLP(2, [1], rng=0).save(tmp_path)
