"""nn.module: construction, names, forward labels, init, state dicts, from_weights."""

from __future__ import annotations

import math
import random

import pytest

from deltagrad import nn
from deltagrad.autograd import Value, topological_sort
from tests.conftest import B1, B2, EXPECTED, W1, W2, X, close
from tests.conftest import worked_model as model_221

NAMES_221 = [
    "W1[0][0]", "W1[0][1]", "W1[1][0]", "W1[1][1]", "b1[0]", "b1[1]", "W2[0][0]", "W2[0][1]", "b2[0]"
]


def test_named_parameters_read_like_the_textbook() -> None:
    model = model_221()
    assert [name for name, _ in model.named_parameters()] == NAMES_221
    for name, p in model.named_parameters():
        assert p.label == name
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert model.state_dict() == {
        "W1[0][0]": 0.1, "W1[0][1]": 0.4, "W1[1][0]": 0.3, "W1[1][1]": -0.5,
        "b1[0]": 0.2, "b1[1]": -0.1, "W2[0][0]": 0.6, "W2[0][1]": -0.1, "b2[0]": 0.3,
    }


def test_forward_labels_and_values() -> None:
    model = model_221()
    out = model(X)
    assert isinstance(out, Value) and out.label == "a2[0]"
    assert close(out.data, EXPECTED["a2"])
    z2 = out.inputs[0]
    assert z2.label == "z2[0]" and close(z2.data, EXPECTED["z2"])
    labels = {n.label for n in topological_sort(out)}
    assert {"x[0]", "x[1]", "z1[0]", "z1[1]", "a1[0]", "a1[1]"} <= labels


def test_forward_returns_a_list_for_several_outputs() -> None:
    out = nn.MLP(3, [4, 2], rng=1)([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2


def test_forward_rejects_wrong_length_and_types() -> None:
    model = model_221()
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="input 1 must be a number or a Value, got str"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match="expected a list of 2 inputs, got str"):
        model("ab")


def test_same_seed_same_weights_and_generator_accepted() -> None:
    a = nn.MLP(2, [3, 1], rng=42).state_dict()
    b = nn.MLP(2, [3, 1], rng=random.Random(42)).state_dict()
    c = nn.MLP(2, [3, 1], rng=43).state_dict()
    assert a == b and a != c


def test_inits() -> None:
    uniform = nn.MLP(4, [50], init="uniform", rng=0).state_dict()
    weights = [v for k, v in uniform.items() if k.startswith("W")]
    assert all(-1.0 <= w <= 1.0 for w in weights) and max(weights) > 0.9
    assert all(v == 0.0 for k, v in uniform.items() if k.startswith("b"))
    xavier = [v for k, v in nn.MLP(4, [50], init="xavier", rng=0).state_dict().items() if k[0] == "W"]
    bound = (6 / 54) ** 0.5
    assert all(abs(w) <= bound for w in xavier) and max(map(abs, xavier)) > 0.9 * bound
    he = [v for k, v in nn.MLP(200, [50], init="he", rng=0).state_dict().items() if k[0] == "W"]
    var = sum(w * w for w in he) / len(he)
    assert var == pytest.approx(2 / 200, rel=0.05)


def test_unknown_activation_or_init_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="sigmoid, tanh, relu, linear"):
        nn.MLP(2, [2], activation="softmax")
    with pytest.raises(ValueError, match="uniform, xavier, he"):
        nn.MLP(2, [2], init="ones")
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP(2, [2], output_activation="gelu")


def test_bad_sizes_and_rng() -> None:
    with pytest.raises(ValueError, match="nin must be at least 1, got 0"):
        nn.MLP(0, [1])
    with pytest.raises(ValueError, match="at least one layer"):
        nn.MLP(2, [])
    with pytest.raises(TypeError, match="nouts\\[1\\] must be an int"):
        nn.MLP(2, [2, 1.5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="rng must be an int seed"):
        nn.MLP(2, [1], rng="seed")  # type: ignore[arg-type]


def test_output_activation_and_linear() -> None:
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="linear", rng=0)
    assert [layer.activation for layer in model.layers] == ["relu", "linear"]
    out = model([0.3, -0.4])
    assert isinstance(out, Value) and out.op == "+" and out.label == "z2[0]"


def test_neuron_and_layer_alone() -> None:
    neuron = nn.Neuron(3, activation="tanh", rng=0)
    assert [n for n, _ in neuron.named_parameters()] == ["W1[0][0]", "W1[0][1]", "W1[0][2]", "b1[0]"]
    out = neuron([1.0, 0.0, -1.0])
    w = [p.data for p in neuron.w]

    assert out.data == math.tanh(w[0] * 1.0 + w[1] * 0.0 + w[2] * -1.0 + 0.0)
    layer = nn.Layer(2, 3, activation="relu", rng=0, layer=2)
    assert [n for n, _ in layer.named_parameters()][:2] == ["W2[0][0]", "W2[0][1]"]
    assert len(layer([1.0, 2.0])) == 3


def test_zero_grad() -> None:
    model = model_221()
    nn.half_squared_error(model(X), 1.0).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_load_state_dict_round_trip() -> None:
    a, b = nn.MLP(2, [3, 1], rng=1), nn.MLP(2, [3, 1], rng=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda d: d.pop("b2[0]"), ValueError, r"missing keys: b2\[0\]"),
        (lambda d: d.update({"W9[0][0]": 1.0}), ValueError, r"unexpected keys: 'W9\[0\]\[0\]'"),
        (lambda d: d.update({"W1[0][0]": "0.5"}), TypeError, r"W1\[0\]\[0\]='0.5'"),
        (lambda d: d.update({"b1[1]": None}), TypeError, r"b1\[1\]=None"),
    ],
)
def test_load_state_dict_is_strict_and_atomic(change, error, message) -> None:
    model = model_221()
    before = model.state_dict()
    state = {k: 9.0 for k in before}
    change(state)
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_rejects_non_mapping() -> None:
    with pytest.raises(TypeError, match="got list"):
        model_221().load_state_dict([1.0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "weights, biases, message",
    [
        ([[[0.1, 0.4], [0.3]], [[0.6, -0.1]]], [[0.2, -0.1], [0.3]], "layer 1: ragged"),
        ([[[0.1, 0.4], [0.3, -0.5]], [[0.6, -0.1, 0.2]]], [[0.2, -0.1], [0.3]],
         "layer 2: rows have 3 weights but layer 1 has 2"),
        ([[[0.1, 0.4], [0.3, -0.5]], [[0.6, -0.1]]], [[0.2], [0.3]], "layer 1: expected 2 biases"),
        ([[[0.1, 0.4], [0.3, -0.5]]], [[0.2, -0.1], [0.3]], "1 layers but biases 2"),
        ([], [], "at least one layer"),
    ],
)
def test_from_weights_rejects_bad_shapes(weights, biases, message) -> None:
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_weights(weights, biases)


def test_from_weights_activations() -> None:
    model = nn.MLP.from_weights([W1, W2], [B1, B2], activation="tanh", output_activation="linear")
    assert [layer.activation for layer in model.layers] == ["tanh", "linear"]
    assert model.weights() == [W1, W2] and model.biases() == [B1, B2]


# -- load_state_dict is atomic ------------------------------------------------------------
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
