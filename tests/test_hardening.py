"""Regression tests for hostile and careless input: one section per class of failure.

Each test names the item of the hardening issue it holds down (#1 .. #19).
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.autograd import GradcheckError, Value, compile_graph, gradcheck
from deltagrad.autograd.files import atomic_write
from tests.conftest import assert_one_line_error, run_cli
from tests.conftest import run_command as deltagrad

ROOT = Path(__file__).resolve().parent.parent


# -- #2 long sums compile without RecursionError, bit-identical ------------------------------
@pytest.mark.parametrize("n", [3_000, 100_000])
def test_long_sums_compile_and_replay_bit_identical(n: int) -> None:
    xs = [Value(0.1 * (k % 7) - 0.3, label=f"x{k}") for k in range(n)]
    root = Value.sum([x * 1.0001 for x in xs]) + 0.5
    root.backward()
    params = xs[3:3000]  # live terms; the rest are constants, folded into literals
    g = compile_graph(root, xs[:3], params)
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    assert g([x.data for x in xs[:3]]) == root.data
    assert g.grad_inputs == (1.0001, 1.0001, 1.0001)
    assert [p.grad for p in params] == grads
    chained = xs[0]
    for x in xs[1:]:
        chained = chained + x  # the same sum as one chain of + nodes
    assert Value.sum(xs).data == chained.data


def test_wide_layer_compiles_for_training() -> None:
    model = nn.MLP(2, [3000, 1], activation="relu", output_activation="linear", rng=0)
    compiled = nn.compile_loss(model, nn.hinge_loss)
    assert math.isfinite(compiled([0.5, -0.5], 1.0))


# -- #3 and #4: the command answers bad input with one line and status 2 -----------------------
@pytest.mark.parametrize("args, text", [
    (["train", "--n", "1"], "--n: expected a whole number >= 2"),
    (["train", "--noise", "1e308"], "--noise: expected a number in [0, 100]"),
    (["train", "--epochs", "99999999999999999999999"], "--epochs: expected a whole number <= 10,000,000"),
    (["train", "--hidden", "5000"], "widths must be <= 4096"),
    (["train", "--n", "100001"], "--n: expected a whole number <= 100,000"),
    (["train", "--lr", "1e9"], "--lr: expected a number in (0, 1e+06]"),
    (["train", "--save", "no/such/folder/m.json"], "the folder no/such/folder does not exist"),
])
def test_cli_bounds(args: list[str], text: str) -> None:
    assert_one_line_error(run_cli(*args), text)


def test_save_is_checked_before_training_starts(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = deltagrad("train", "--epochs", "10000000", "--save", str(tmp_path / "missing" / "m.json"))
    assert_one_line_error(result, "does not exist")
    assert time.perf_counter() - started < 60  # it did not train 10^7 epochs first


@pytest.mark.parametrize("content, text", [
    ("[" * 100_000, "nested too deeply"),
    ('{"format": "deltagrad.mlp", "version": 1, "activation": "sigmoid", "weights": [[[' + "9" * 400
     + ']]], "biases": [[0]]}', "too large for a float"),
])
def test_demo_weights_files_that_broke_it(tmp_path: Path, content: str, text: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    assert_one_line_error(deltagrad("demo", "--weights", str(path), "--x", "1", "--y", "1"), text)


def test_readme_workflow_with_a_big_model_still_teaches(tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    nn.MLP(2, [64, 64, 1], activation="relu", output_activation="linear", rng=0).save(model)
    result = deltagrad("demo", "--weights", str(model), "--x", "0.5", "0.2", "--y", "1",
                       "--out", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert "too many to read in one picture" in result.stdout and "W3[0][63]" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_during_train_says_where_it_stopped_and_saves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # SIGINT back to its default in the child: a parent started in the background may ignore
    # it, and Python only turns SIGINT into KeyboardInterrupt when it was not ignored
    proc = subprocess.Popen([sys.executable, "-m", "deltagrad", "train", "--epochs", "100000", "--no-progress",
                             "--save", str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "training MLP ...": the loop is about to start
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted after" in err and "epochs" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not target.exists() and not list(tmp_path.iterdir())


# -- #5 load_state_dict is atomic ------------------------------------------------------------
@pytest.mark.parametrize("bad, error", [(10**400, ValueError), (float("nan"), None)])
def test_load_state_dict_changes_nothing_on_failure(bad: object, error: type[Exception] | None) -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    before = model.state_dict()
    sd = dict(before)
    sd["W1[0][0]"] = 9.0
    sd["b2[0]"] = bad
    if error is None:  # nan is a float: in memory it loads (files refuse it)
        model.load_state_dict(sd)
        assert model.state_dict()["W1[0][0]"] == 9.0
        return
    with pytest.raises(error, match=r"b2\[0\]"):
        model.load_state_dict(sd)
    assert model.state_dict() == before


def test_load_state_dict_when_float_conversion_raises() -> None:
    class Bad(float):
        def __float__(self) -> float:
            raise ArithmeticError("no")

    model = nn.MLP(2, [1], rng=0)
    before = model.state_dict()
    sd = {**before, "W1[0][0]": 3.0, "b1[0]": Bad(1.0)}
    with pytest.raises(ValueError, match=r"b1\[0\]"):
        model.load_state_dict(sd)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match=r"W1\[0\]\[1\]=True"):
        model.load_state_dict({**before, "W1[0][1]": True})


# -- #6, #7 strict JSON files, every bad file a ValueError naming it ----------------------------
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


# -- #8 saves keep the mode, follow symlinks, leave no temp file -----------------------------
def test_save_keeps_mode_and_follows_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("{}")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    nn.MLP(2, [1], rng=0).save(link)
    assert link.is_symlink() and nn.load(target).sizes == [2, 1]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_an_interrupted_write_removes_its_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "f.json", b"data")
    assert list(tmp_path.iterdir()) == []


def test_temp_file_names_say_what_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    atomic_write(tmp_path / "model.json", b"{}")
    assert re.fullmatch(r"\.deltagrad-[0-9a-f]{8}\.tmp", seen[0])  # short: a 250-byte name still fits


# -- #9, #10 numerics at the edges, as PyTorch -------------------------------------------------
def test_relu_that_is_off_passes_exactly_zero_even_for_an_infinite_gradient() -> None:
    x = Value(-1.0)
    (x.relu() ** 0.5).backward()  # d sqrt(u)/du at u = 0 is inf
    assert x.grad == 0.0
    c = compile_graph(Value(-1.0).relu() ** 0.5, [])
    y = Value(-1.0)
    out = y.relu() ** 0.5
    g = compile_graph(out, [y])
    g([-1.0])
    assert g.grad_inputs == (0.0,) and c([]) == 0.0


def test_zero_to_a_positive_power_has_zero_exponent_gradient() -> None:
    a, b = Value(0.0), Value(2.0)
    (a**b).backward()
    assert b.grad == 0.0 and a.grad == 0.0
    a, b = Value(0.0), Value(0.0)
    (a**b).backward()
    assert b.grad == 0.0


# -- #11 binary cross-entropy ------------------------------------------------------------------
def test_bce_at_certain_predictions_is_zero_with_a_finite_gradient() -> None:
    for p, t in ((1.0, 1.0), (0.0, 0.0)):
        v = Value(p)
        loss = nn.binary_cross_entropy(v, t)
        loss.backward()
        assert loss.data == 0.0 and math.isfinite(v.grad)


def test_bce_refuses_predictions_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="predictions must be probabilities in \\[0, 1\\], got 1.5"):
        nn.binary_cross_entropy(Value(1.5), 1.0)


def test_bce_from_a_huge_logit() -> None:
    z = Value(1e308)
    loss = nn.binary_cross_entropy(z.sigmoid(), 0.0)
    loss.backward()
    assert loss.data == 1e308 and z.grad == 1.0


# -- #12 gradcheck at kinks ----------------------------------------------------------------------
@pytest.mark.parametrize("fn", [lambda a: a.relu(), lambda a: a / a, lambda a: (a * a) ** 0.5])
def test_gradcheck_names_kinks_and_can_skip_them(fn: object) -> None:
    with pytest.raises(GradcheckError, match="kink or singularity") as info:
        gradcheck(fn, [0.0])  # type: ignore[arg-type]
    assert info.value.kink
    assert gradcheck(fn, [0.0], skip_nonfinite=True)  # type: ignore[arg-type]


# -- #13 booleans and huge ints ------------------------------------------------------------------
def test_booleans_are_refused_everywhere() -> None:
    with pytest.raises(TypeError, match="got bool"):
        Value(True)
    for op in (lambda: Value(1.0) + True, lambda: True * Value(1.0), lambda: Value(1.0) ** False,
               lambda: Value.sum([Value(1.0), True])):
        with pytest.raises(TypeError):
            op()
    with pytest.raises(TypeError):
        gradcheck(lambda a: a, [True])
    with pytest.raises(TypeError):
        nn.MLP(2, [1], rng=0)([True, 0.5])


def test_huge_ints_say_they_overflow() -> None:
    with pytest.raises(ValueError, match="int of 401 digits overflows a float"):
        Value(10**400)
    with pytest.raises(ValueError, match="overflows a float"):
        Value(1.0) + 10**400


# -- #14, #15 compiled values and optimizer parameters ---------------------------------------------
def test_compiled_graphs_refuse_unordered_collections() -> None:
    a, b = Value(1.0), Value(2.0)
    root = a * b
    for bad in ({a, b}, {a: 1, b: 2}):
        with pytest.raises(TypeError, match="order is arbitrary"):
            compile_graph(root, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("optimizer", [nn.SGD, nn.Adam])
def test_optimizers_refuse_duplicate_parameters(optimizer: type[nn.Optimizer]) -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match="twice"):
        optimizer([p, p], lr=0.1)


# -- #16, #18, #19 training ------------------------------------------------------------------------
def test_a_loss_that_ignores_y_trains_the_same_compiled_as_eager() -> None:
    X, Y = [[0.1, 0.2], [0.3, -0.1]], [1.0, 0.0]

    def run(compiled: bool) -> list[float]:
        model = nn.MLP(2, [3, 1], rng=0)
        history = nn.fit(model, X, Y, loss=lambda o, y: o * o, optimizer=nn.SGD(model.parameters(), 0.1),
                         epochs=3, compiled=compiled, progress=False)
        return history.loss

    eager, compiled = run(False), run(True)
    assert eager == pytest.approx(compiled, rel=1e-12)


def test_hinge_with_zero_one_labels_is_refused() -> None:
    model = nn.MLP(2, [2, 1], output_activation="linear", rng=0)
    with pytest.raises(ValueError, match="hinge loss needs labels -1 and \\+1"):
        nn.fit(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], loss="hinge",
               optimizer=nn.SGD(model.parameters(), 0.1), epochs=1, progress=False)


def test_a_loss_that_branches_on_data_is_caught_before_compiled_training() -> None:
    def sneaky(out: Value, y: Value) -> Value:
        target = y.data if isinstance(y, Value) else y
        return out * out if target > 0.5 else (out - y) ** 2  # the trace sees y = 0

    model = nn.MLP(2, [2, 1], output_activation="linear", rng=0)
    before = [p.grad for p in model.parameters()]
    X = [[1.0, 1.0], [2.0, -1.0], [-1.0, 0.5]]
    with pytest.raises(nn.TracingError, match="tracing|traced") as info:
        nn.fit(model, X, [1.0, -1.0, 1.0], loss=sneaky, optimizer=nn.SGD(model.parameters(), 0.1),
               epochs=1, compiled=True, progress=False)
    assert "README" in str(info.value)
    assert [p.grad for p in model.parameters()] == before


# -- #17 labels in DOT are escaped (the stepper's HTML has its own test) --------------------------
def test_control_characters_in_labels_never_reach_dot() -> None:
    from deltagrad import viz

    source = viz.draw_dot(Value(1.0, "a\x00b\x07c\nd") * 2.0).source
    assert not any(ch in source for ch in "\x00\x07")
