"""autograd.arguments: one helper per kind of argument; NumPy accepted, bool refused, the
wrong kind of thing a TypeError and a wrong value a ValueError naming what was received."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from deltagrad import nn
from deltagrad.autograd import Value, gradcheck
from deltagrad.autograd.arguments import choice, is_sequence, number_in_range, real, real_sequence, whole

np = pytest.importorskip("numpy")


@pytest.mark.parametrize("value, expected", [
    (1, 1.0), (0.5, 0.5), (Fraction(1, 4), 0.25), (np.float32(0.5), 0.5), (np.int64(-3), -3.0),
    (np.float64(2.5), 2.5), (float("inf"), float("inf")),
])
def test_real_accepts_every_real_number(value: object, expected: float) -> None:
    assert real(value, "x") == expected and type(real(value, "x")) is float


@pytest.mark.parametrize("value", [True, np.True_, "1", None, 1j, Value(1.0), [1.0], np.array([1.0, 2.0])])
def test_real_refuses_what_is_not_a_number_with_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="x must be a number, got"):
        real(value, "x")


@pytest.mark.parametrize("value, size", [
    (10**400, "401 digits"), (-(10**309), "310 digits"), (Fraction(10**400, 3), "about 10\\^400"),
])
def test_numbers_too_large_for_a_float_are_a_value_error_naming_their_size(value: object, size: str) -> None:
    with pytest.raises(ValueError, match=f"x is too large for a float \\({size}"):
        real(value, "x")
    with pytest.raises(ValueError, match="must be a finite number"):
        real(float("nan"), "x", finite=True)


def test_whole_numbers_sequences_choices_and_ranges() -> None:
    assert whole(np.int64(3), "n", low=1) == 3 and type(whole(np.int64(3), "n")) is int
    for bad in (True, 2.0, "2", None, np.float64(2.0)):
        with pytest.raises(TypeError, match="n must be an int"):
            whole(bad, "n")
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        whole(0, "n", low=1)
    assert is_sequence([1]) and is_sequence((1,)) and is_sequence(np.array([1.0])) and is_sequence(range(2))
    assert not any(is_sequence(v) for v in ("ab", b"ab", {"a": 1}, {1}, np.float64(1.0), np.array(1.0), 3))
    assert real_sequence(np.array([1, 2], dtype=np.int64), "x", length=2) == [1.0, 2.0]
    with pytest.raises(ValueError, match="x must have 3 values, got 2"):
        real_sequence([1, 2], "x", length=3)
    with pytest.raises(TypeError, match=r"x\[1\] must be a number"):
        real_sequence([1, "a"], "x")
    assert choice("tanh", "activation", ["tanh"]) == "tanh"
    with pytest.raises(TypeError, match="activation must be a name"):
        choice(None, "activation", ["tanh"])
    with pytest.raises(ValueError, match="unknown activation 'tahn'; expected one of tanh; did you mean 'tanh'"):
        choice("tahn", "activation", ["tanh"])
    with pytest.raises(ValueError, match=r"lr must be in \(0, 1\]"):
        number_in_range(0.0, "lr", 0.0, 1.0, low_open=True)


# -- class 6: NumPy in, wherever a list or a number is taken -----------------------------------
def test_numpy_sizes_weights_data_betas_and_references() -> None:
    model = nn.MLP(np.int64(2), [np.int64(3), np.int32(1)], rng=np.int64(0))
    assert model.sizes == [2, 3, 1] and model.state_dict() == nn.MLP(2, [3, 1], rng=0).state_dict()
    weights = [np.array([[0.1, 0.4], [0.3, -0.5]]), np.array([[0.6, -0.1]])]
    biases = [np.array([0.2, -0.1]), np.array([0.3], dtype=np.float32)]
    from_arrays = nn.MLP.from_weights(weights, biases)
    assert from_arrays.weights() == [[[0.1, 0.4], [0.3, -0.5]], [[0.6, -0.1]]]
    assert from_arrays.biases()[1] == [float(np.float32(0.3))]
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([0.0, 1.0, 1.0, 0.0])
    a, b = nn.MLP(2, [4, 1], rng=0), nn.MLP(2, [4, 1], rng=0)
    history_np = nn.fit(a, X, Y, loss="mse", optimizer=nn.Adam(a.parameters(), 0.05, betas=np.array([0.9, 0.99])),
                        epochs=5, progress=False)
    history_list = nn.fit(b, X.tolist(), Y.tolist(), loss="mse", optimizer=nn.Adam(b.parameters(), 0.05,
                                                                                      betas=(0.9, 0.99)),
                          epochs=5, progress=False)
    assert history_np == history_list
    assert nn.predict(a, X) == nn.predict(a, X.tolist())
    assert nn.accuracy(a, X, Y) == nn.accuracy(a, X.tolist(), Y.tolist())
    compiled = nn.compile_loss(a, nn.mse_loss)
    assert compiled(X[1], np.float32(1.0)) == compiled([0.0, 1.0], 1.0)
    manual = nn.manual_backprop(from_arrays, np.array([0.5, -0.2]), np.float32(1.0))
    assert manual.x == [0.5, -0.2] and manual.y == [1.0]


# -- class 7: the wrong kind of thing is a TypeError -------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [1], activation=None),
    lambda: nn.MLP(2, [1], activation=3),
    lambda: nn.MLP(2, [1], init=None),
    lambda: nn.MLP(2, [1], init=0),
    lambda: nn.MLP(2, [1], output_activation=5),
    lambda: nn.Neuron(2, activation=None),
    lambda: nn.Layer(2, 2, init=0),
    lambda: nn.MLP(True, [1]),
    lambda: nn.MLP(2, [1.0]),
    lambda: nn.MLP(2, 3),
    lambda: nn.Adam(nn.MLP(1, [1], rng=0).parameters(), betas=None),
    lambda: nn.Adam(nn.MLP(1, [1], rng=0).parameters(), betas=0.9),
    lambda: nn.SGD(nn.MLP(1, [1], rng=0).parameters(), lr="0.1"),
    lambda: nn.datasets.circles(factor="0.5"),
    lambda: nn.datasets.xor(rng="x"),
    lambda: nn.datasets.moons(rng=1.5),
    lambda: gradcheck(lambda x: x * x, [1.0], eps="1"),
    lambda: gradcheck(lambda x: x * x, [1.0], rtol=None),
    lambda: gradcheck(lambda x: x * x, [1.0], atol=[1e-5]),
    lambda: nn.MLP(2, [1], rng=random.Random(0), init_scale="big"),
])
def test_the_wrong_kind_of_argument_is_a_type_error(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        make()


@pytest.mark.parametrize("weight", ["a", None, True, Value(0.5), 1j, [0.5], np.array([0.5])])
def test_a_weight_that_is_not_a_real_number_is_a_type_error_naming_it(weight: object) -> None:
    with pytest.raises(TypeError, match=r"layer 1: W\[0\]\[1\] must be a number"):
        nn.MLP.from_weights([[[0.1, weight]]], [[0.0]])
    with pytest.raises(TypeError, match=r"layer 1: b\[0\] must be a number"):
        nn.MLP.from_weights([[[0.1, 0.2]]], [[weight]])


@pytest.mark.parametrize("make, message", [
    (lambda: nn.MLP(2, [1], activation="swish"), "unknown activation 'swish'"),
    (lambda: nn.MLP(2, [1], output_activation="gelu"), "unknown activation 'gelu'"),
    (lambda: nn.MLP(2, [1], init="ones"), "unknown init 'ones'"),
    (lambda: nn.MLP(0, [1]), "nin must be at least 1"),
    (lambda: nn.datasets.circles(factor=1.5), "strictly between 0 and 1"),
    (lambda: nn.Adam(nn.MLP(1, [1], rng=0).parameters(), betas=(0.9,)), "pair of numbers"),
])
def test_a_wrong_value_is_still_a_value_error(make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()
