"""The seed's initialization lesson: zeros stay clones, the starts compared, bad input refused."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from deltagrad import nn
from tests.conftest import X, Y, assert_one_line_error, run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_zeros_init_sets_every_weight_to_zero_and_biases_to_zero() -> None:
    model = nn.MLP(3, [4, 2], init="zeros", rng=0)
    assert all(v == 0.0 for v in model.state_dict().values())
    assert nn.neuron_symmetry(model) == [0.0]


def test_init_scale_multiplies_the_weights_not_the_biases() -> None:
    base = nn.MLP(2, [3, 1], init="uniform", rng=5)
    small = nn.MLP(2, [3, 1], init="uniform", init_scale=0.01, rng=5)
    for (name, a), (_, b) in zip(base.named_parameters(), small.named_parameters()):
        assert b.data == a.data * 0.01 if name.startswith("W") else b.data == 0.0


def test_from_zeros_the_hidden_neurons_stay_identical_bit_for_bit() -> None:
    model = nn.MLP(2, [2, 1], init="zeros", rng=0)
    opt = nn.SGD(model.parameters(), lr=0.5)
    w = model.layers[0].neurons
    for _ in range(100):
        opt.zero_grad()
        nn.half_squared_error(model(X), Y).backward()
        for j in range(2):  # dL/dW1[0][j] == dL/dW1[1][j], exactly
            assert w[0].w[j].grad == w[1].w[j].grad
        opt.step()
        assert nn.neuron_symmetry(model) == [0.0]
    assert model.state_dict()["W1[0][0]"] != 0.0  # it did move, as one neuron


def test_from_uniform_the_symmetry_breaks() -> None:
    model = nn.MLP(2, [2, 1], init="uniform", rng=0)
    before = nn.neuron_symmetry(model)[0]
    opt = nn.SGD(model.parameters(), lr=0.5)
    for _ in range(20):
        opt.zero_grad()
        nn.half_squared_error(model(X), Y).backward()
        opt.step()
    assert before > 0.0 and nn.neuron_symmetry(model)[0] > 0.0
    grads = [n.w[0].grad for n in model.layers[0].neurons]
    assert grads[0] != grads[1]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"init": "ones"}, ValueError, "unknown init 'ones'"),
    ({"init_scale": 0.0}, ValueError, "finite number > 0"),
    ({"init_scale": -1.0}, ValueError, "finite number > 0"),
    ({"init_scale": math.nan}, ValueError, "finite number > 0"),
    ({"init_scale": math.inf}, ValueError, "finite number > 0"),
    ({"init_scale": "big"}, TypeError, "must be a number"),
    ({"init": "zeros", "init_scale": 2.0}, ValueError, "no effect with init='zeros'"),
])
def test_bad_inits(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        nn.MLP(2, [2, 1], rng=0, **kwargs)  # type: ignore[arg-type]


def test_neuron_symmetry_needs_a_hidden_layer() -> None:
    with pytest.raises(ValueError, match="hidden layer"):
        nn.neuron_symmetry(nn.MLP(2, [1], rng=0))
    with pytest.raises(TypeError, match="expects an nn.MLP"):
        nn.neuron_symmetry("model")  # type: ignore[arg-type]


def test_compare_inits_shows_the_lesson() -> None:
    X4, labels = nn.datasets.xor()
    result = {r.init if r.init_scale is None else f"{r.init}x{r.init_scale:g}": r
              for r in nn.compare_inits(X4, [float(v) for v in labels]).results}
    zeros, small, uniform, large = result["zeros"], result["uniformx0.01"], result["uniform"], result["uniformx10"]
    assert zeros.symmetry == 0.0 and zeros.epochs_to_90 is None and zeros.grad_norm == 0.0
    assert small.epochs_to_90 is None and small.grad_norm < 0.1 * uniform.grad_norm
    assert large.epochs_to_90 is None and large.grad_norm < 1e-6  # saturated: the gradient vanishes
    for learns in (uniform, result["xavier"], result["he"]):
        assert learns.epochs_to_90 is not None and learns.final_accuracy == 1.0


def test_the_command_prints_a_row_per_start_and_plots(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run_cli("inits", "--compiled", "--epochs", "5", "--plot", str(tmp_path), "--no-progress")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("hidden symmetry")[1].split("zeros: every")[0]
    rows = [line for line in table.splitlines() if line.startswith(("zeros", "uniform", "xavier", "he"))]
    assert len(rows) == 6
    assert rows[0].split()[-1] == "clones" and "never" in rows[0]
    assert (tmp_path / "inits.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("args, message", [
    (["inits", "--epochs", "0"], "expected a whole number >= 1"),
    (["inits", "--hidden", "none"], "at least one hidden layer"),
    (["inits", "--lr", "-1"], "expected a positive number"),
    (["inits", "--data", "mnist"], "invalid choice"),
])
def test_the_command_answers_bad_input_with_one_line(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli(*args), message)
