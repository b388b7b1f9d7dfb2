"""The deltagrad command: output numbers, files, exit codes, messages. Most runs are in this
process (`run_cli`); what only a real process shows (``python -m``, pipes, a full disk,
Ctrl-C, the seed's numbers in a fresh interpreter) runs the command in a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deltagrad import nn
from tests.conftest import assert_one_line_error, run_cli
from tests.conftest import run_command as deltagrad

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.usefixtures("requires_dot")
def test_demo_prints_the_walk_through_and_writes_the_graph(tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path / "demo"), "--format", "png")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for number in ("z1[0] = 0.1700", "a1[0] = sigmoid(z) = 0.5424", "z2[0] = 0.5717",
                   "y_hat = a2 = 0.6392", "L = 0.0651", "delta2 = [-0.08322]",
                   "delta1 = [-0.01239, 0.002069]"):
        assert number in out, number
    names = ("W1[", "W2[", "b1[", "b2[")
    table = [line.split() for line in out.splitlines() if line.strip().startswith(names)]
    exact = ("e-18", "e-19", "e+00")
    gradient_rows = {row[0]: row for row in table if len(row) == 4 and row[3].endswith(exact)}
    assert len(gradient_rows) == 9
    assert gradient_rows["W1[0][0]"][1:3] == ["-0.006197", "-0.006197"]
    assert gradient_rows["b2[0]"][1:3] == ["-0.083224", "-0.083224"]
    step = {row[0]: row for row in table if len(row) == 4 and row not in gradient_rows.values()}
    assert step["W1[0][0]"][3] == "0.100620" and step["b2[0]"][3] == "0.308322"
    assert "= -0.006197" in out  # the chain rule from L back to W1[0][0]
    picture = tmp_path / "demo" / "graph.png"
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (tmp_path / "demo" / "graph.dot").exists()
    assert f"Graph written to {picture}" in out


def test_demo_without_graphviz_still_teaches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "L = 0.0651" in result.stdout
    assert "apt-get install graphviz" in result.stdout
    assert (tmp_path / "demo" / "graph.dot").exists()


def test_demo_with_a_weights_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = nn.MLP(3, [2, 2], activation="tanh", output_activation="linear", rng=3)
    path = tmp_path / "model.json"
    model.save(path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot needed for this check
    result = run_cli("demo", "--weights", str(path), "--x", "0.1", "0.2", "0.3",
                     "--y", "1", "0", "--lr", "0.5", "--out", str(tmp_path / "d"), "--format", "svg")
    assert result.returncode == 0, result.stderr
    expected = nn.manual_backprop(model, [0.1, 0.2, 0.3], [1.0, 0.0])
    assert f"L = {expected.loss:.4f}" in result.stdout
    assert "3 inputs -> 2 tanh -> 2 linear" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--x", "1"], "--x needs one value per network input (2), got 1"),
        (["demo", "--y", "1", "2"], "--y needs one value per network output (1), got 2"),
        (["demo", "--lr", "-0.1"], "argument --lr: expected a positive number, got '-0.1'"),
        (["demo", "--lr", "abc"], "argument --lr: expected a number, got 'abc'"),
        (["demo", "--format", "gif"], "invalid choice: 'gif'"),
        (["demo", "--weights", "missing.json", "--x", "1", "2", "--y", "1"],
         "cannot use --weights missing.json"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_weights_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    result = run_cli("demo", "--weights", str(bad), "--x", "1", "2", "--y", "1")
    assert result.returncode == 2 and "invalid JSON" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    good = tmp_path / "good.json"
    nn.MLP(2, [1], rng=0).save(good)
    result = run_cli("demo", "--weights", str(good))
    assert result.returncode == 2 and "--weights needs --x and --y" in result.stderr


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    result = run_cli("demo", "--out", str(file))
    assert result.returncode == 2 and "exists and is not a folder" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"]])
def test_help(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0 and "usage: deltagrad" in result.stdout
    if "demo" in args:
        assert "--weights" in result.stdout and "--format" in result.stdout


def test_demo_show_code_prints_the_generated_backward_beside_the_delta_rule(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot
    result = run_cli("demo", "--show-code", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    code = out.split("backward (g<i> = dL/dv<i>)")[1]
    delta2 = next(line for line in code.splitlines() if "delta2[0] = (a2[0] - y)" in line)
    assert "(v22 * (1.0 - v22))" in delta2 and delta2.endswith("= -0.083224")
    assert any("_P[0].grad += " in line and line.endswith("delta1[0] * x[0] = -0.006197")
               for line in code.splitlines())
    assert "v8 = v3 + v6 + v7  # z1[0]" in out
    assert "L = 0.0651" in out  # the walk-through is still there, computed before the step


def test_train_writes_pngs_and_a_loadable_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    model_path = tmp_path / "model.json"
    result = run_cli("train", "--data", "moons", "--n", "40", "--hidden", "8,8", "--epochs", "15",
                     "--compiled", "--plot", str(tmp_path / "plots"), "--save", str(model_path))
    assert result.returncode == 0, result.stderr
    assert "final training accuracy" in result.stdout and "(compiled)" in result.stdout
    assert "training" in result.stderr and "epoch" in result.stderr  # the tqdm bar
    for name in ("loss.png", "decision_boundary.png"):
        assert (tmp_path / "plots" / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    model = nn.load(model_path)
    assert model.sizes == [2, 8, 8, 1]
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot
    demo = run_cli("demo", "--weights", str(model_path), "--x", "0.5", "0.2", "--y", "1", "--out", str(tmp_path / "d"))
    assert demo.returncode == 0 and "2 inputs -> 8 relu -> 8 relu -> 1 linear" in demo.stdout


def test_train_reports_the_seeds_accuracy_and_loss() -> None:
    result = deltagrad("train", "--data", "xor", "--hidden", "4", "--epochs", "5", "--no-progress")
    assert result.returncode == 0
    # the same run in-process: the command prints exactly what nn.fit computes for this seed
    X, labels = nn.datasets.xor()
    model = nn.MLP(2, [4, 1], activation="relu", output_activation="linear", rng=0)
    history = nn.fit(model, X, nn.datasets.signed(labels), loss="hinge",
                     optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=5, progress=False, rng=0)
    expected = f"final training accuracy {history.accuracy[-1]:.1%}, loss {history.loss[-1]:.4f}, after 5 epochs"
    assert result.stdout.splitlines()[1].startswith(expected)
    assert expected.startswith("final training accuracy 50.0%, loss 0.9134")


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--hidden", "16,x"], "expected comma-separated widths"),
        (["train", "--epochs", "0"], "expected a whole number >= 1"),
        (["train", "--data", "mnist"], "invalid choice: 'mnist'"),
        (["train", "--lr", "0"], "expected a positive number"),
        (["train", "--noise", "-1"], "expected a number >= 0"),
    ],
)
def test_train_bad_arguments(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli(*args), message)


def test_train_save_to_a_folder_fails_cleanly(tmp_path: Path) -> None:
    result = run_cli("train", "--epochs", "1", "--save", str(tmp_path), "--no-progress")
    assert result.returncode == 2 and "is a folder" in result.stderr


def test_train_without_matplotlib_says_how_to_install_and_still_trains(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    result = run_cli("train", "--epochs", "3", "--no-progress", "--plot", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "final training accuracy" in result.stdout
    assert "pip install 'deltagrad[plot]'" in result.stdout
    assert not (tmp_path / "loss.png").exists()


def test_console_script_is_installed() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("deltagrad") == "deltagrad.cli:main"


def test_output_piped_into_head_is_not_an_error(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=f"{tmp_path}:/usr/bin:/bin")
    result = subprocess.run(f"'{sys.executable}' -m deltagrad demo --out '{tmp_path}' | head -2",
                            shell=True, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.stdout.startswith("deltagrad demo: one step of gradient descent")
    assert "error" not in result.stderr and "Traceback" not in result.stderr


def test_version_and_python_m_are_the_command() -> None:
    from importlib.metadata import version

    result = subprocess.run([sys.executable, "-m", "deltagrad", "--version"], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"deltagrad {version('deltagrad')}"


@pytest.mark.parametrize("target", [".installed", ".installed-test", ".installed-lint", ".installed-torch",
                                    ".installed-notebook", ".installed-bench"])
def test_make_reinstalls_when_the_version_changes(tmp_path: Path, target: str) -> None:
    # The version is deltagrad.__version__, which an install copies into the metadata: a venv
    # installed before a bump would print the new version with the old metadata.
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not on PATH")
    (tmp_path / "src" / "deltagrad").mkdir(parents=True)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml", "src/deltagrad/__init__.py", ".venv/bin/python"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes() if name != ".venv/bin/python" else b"")
    for name in ("pyproject.toml", "src/deltagrad/__init__.py"):
        os.utime(tmp_path / name, (time.time() - 60, time.time() - 60))  # older than the stamp
    (tmp_path / ".venv" / target).touch()

    def up_to_date(*options: str) -> bool:
        result = subprocess.run([make, "-q", *options, f".venv/{target}"], cwd=tmp_path, capture_output=True,
                                timeout=60)
        return result.returncode == 0

    assert up_to_date()
    assert not up_to_date("-W", "src/deltagrad/__init__.py")
    assert not up_to_date("-W", "pyproject.toml")


@pytest.mark.parametrize("command", ["expr 'x**3' x=2 --order 2 --format dot --out {tmp}",
                                     "check docs/student_answers.json --out {tmp}",
                                     "inits --epochs 3 --no-progress"])
def test_every_command_piped_into_head_ends_quietly(tmp_path: Path, command: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    line = f"'{sys.executable}' -m deltagrad {command.format(tmp=tmp_path)} | head -1"
    result = subprocess.run(line, shell=True, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert "error" not in result.stderr and "Traceback" not in result.stderr, result.stderr


# -- odd input and odd plumbing ----------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["--x", "0.5", "-1e-3"], ["--x", "-.5", "-2"], ["--x", "-0,5", "-1E-3"], ["--x", "\u22120.5", "-2."],
    ["--x", "0.5", "-0.2", "--y", "-1e2"],
])
def test_negative_numbers_in_every_notation(tmp_path: Path, args: list[str]) -> None:
    result = run_cli("demo", "--out", str(tmp_path), "--format", "dot", *args)
    assert result.returncode == 0, result.stderr
    assert "Inputs    x = [" in result.stdout


def test_expressions_that_begin_with_a_minus_and_unknown_options() -> None:
    for expression, names, value in [("-x", ["x=1"], "-1"), ("-x*y", ["x=-1e-3", "y=-.5"], "-0.0005"),
                                     ("-(x+1)", ["x=1"], "-2")]:
        result = run_cli("expr", expression, *names)
        assert result.returncode == 0 and f"f = {value}" in result.stdout, (expression, result.stdout, result.stderr)
    assert_one_line_error(run_cli("demo", "-q"), "unrecognized arguments: -q")
    assert_one_line_error(run_cli("demo", "--x", "1", "-z"), "--x: expected a number, got '-z'")


@pytest.mark.parametrize("args, message", [
    (["--y", "1e300"], "--y: 1e300 is out of range: the command takes numbers up to 1e+150"),
    (["--x", "-1e200", "0"], "--x: -1e200 is out of range"),
    (["--y", "1e999"], "--y: expected a finite number"),
    (["--lr", "1e300"], "--lr: expected a number in (0, 1e+06]"),
])
def test_out_of_range_numbers_in_one_line(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli("demo", *args), message)


def test_files_that_are_not_regular_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path, kind in [(fifo, "FIFO"), ("/dev/zero", "device"), (tmp_path, "folder")]:
        assert_one_line_error(run_cli("demo", "--weights", str(path), "--x", "1", "--y", "1"), kind)
    before = os.stat("/dev/null")
    assert_one_line_error(run_cli("train", "--epochs", "1", "--no-progress", "--save", "/dev/null"),
                          "it is a device, and deltagrad writes only regular files")
    assert_one_line_error(run_cli("train", "--epochs", "1", "--no-progress", "--save", str(fifo)), "FIFO")
    assert os.stat("/dev/null").st_ino == before.st_ino


def test_save_pre_check_tries_the_temporary_file(tmp_path: Path) -> None:
    dangling = tmp_path / "link.json"
    dangling.symlink_to(tmp_path / "missing" / "model.json")
    assert_one_line_error(run_cli("train", "--epochs", "1", "--no-progress", "--save", str(dangling)),
                          "cannot write")
    long_name = tmp_path / ("m" * 245 + ".json")  # 250 bytes: the temporary file must be shorter
    result = run_cli("train", "--epochs", "1", "--no-progress", "--hidden", "2", "--save", str(long_name))
    assert result.returncode == 0, result.stderr
    assert nn.load(long_name).sizes == [2, 2, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([dangling.name, long_name.name])


def test_runs_that_cannot_finish_are_refused_at_once_with_their_cost() -> None:
    assert_one_line_error(run_cli("train", "--hidden", "4096,4096", "--no-progress"),
                          "16,797,697 parameters, more than the 1,000,000")
    assert_one_line_error(run_cli("train", "--hidden", "700,700", "--no-progress", "--compiled"),
                          "compiling this network's loss would take about 7.4 GB")
    assert_one_line_error(run_cli("train", "--hidden", "700,700", "--no-progress"),
                          "one eager step of 100 examples would build 98,840,800 graph values, about 11.9 GB")


def test_inits_interrupted_says_which_start_and_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fit = nn.inits.fit
    calls = {"n": 0}

    def interrupted_at_the_third_start(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            callback = kwargs["callback"]
            for epoch in range(1, 8):
                callback(epoch, {})  # type: ignore[operator]
            raise KeyboardInterrupt
        return real_fit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nn.inits, "fit", interrupted_at_the_third_start)
    result = run_cli("inits", "--epochs", "10", "--no-progress")
    assert result.returncode == 130
    assert "interrupted while training from start 3 of 7 (uniform x0.01 (too small)), after epoch 7 of 10" \
        in result.stderr


def test_the_demo_past_400_neurons_says_what_it_drew(tmp_path: Path) -> None:
    model_file = tmp_path / "big.json"
    nn.MLP(2, [400, 1], rng=0).save(model_file)
    result = run_cli("demo", "--weights", str(model_file), "--x", "1", "2", "--y", "1", "--out",
                     str(tmp_path / "out"), "--format", "dot")
    assert result.returncode == 0, result.stderr
    assert "Nothing drawn: the computation graph has 3610 values" in result.stdout
    assert "the network 403 neurons (the network view draws at most 400)" in result.stdout
    assert "drawing the network view only" not in result.stdout


@pytest.mark.parametrize("unbuffered", ["1", None])
def test_closed_and_full_output_end_quietly_with_the_right_status(unbuffered: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    if unbuffered is not None:
        env["PYTHONUNBUFFERED"] = unbuffered
    py = f"'{sys.executable}' -m deltagrad"
    script = "; ".join([
        f"{py} --version > /dev/full; echo full=$?",
        f"{py} --version | true; echo pipe=${{PIPESTATUS[0]}}",
        f"{py} check --template | true; echo template=${{PIPESTATUS[0]}}",
        f"{py} expr 'x*x' x=3 | true; echo expr=${{PIPESTATUS[0]}}",
        f"{py} --version 2>&- >/dev/null; echo closed_err=$?",
        f"{py} demo --bogus 2>&-; echo bad_closed_err=$?",
    ])
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    status = dict(line.split("=") for line in result.stdout.split())
    assert status == {"full": "1", "pipe": "0", "template": "0", "expr": "0", "closed_err": "0",
                      "bad_closed_err": "2"}, result.stdout
    assert result.stderr == "deltagrad: error: cannot write the output: No space left on device\n"


# -- the command answers bad input with one line and status 2 -----------------------
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
    result = run_cli("train", "--epochs", "10000000", "--save", str(tmp_path / "missing" / "m.json"))
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
    assert_one_line_error(run_cli("demo", "--weights", str(path), "--x", "1", "--y", "1"), text)


def test_readme_workflow_with_a_big_model_still_teaches(tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    # past the 400 values a graph picture shows (713 here), within the network view's neurons
    nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", rng=0).save(model)
    result = run_cli("demo", "--weights", str(model), "--x", "0.5", "0.2", "--y", "1", "--out", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert "too many to read in one picture" in result.stdout and "W3[0][15]" in result.stdout
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
        time.sleep(0.4)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted after" in err and "epochs" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not target.exists() and not list(tmp_path.iterdir())
