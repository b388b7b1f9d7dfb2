"""nn.train: fit lowers the loss, is deterministic, compiled equals eager, errors come first."""

from __future__ import annotations

from fractions import Fraction

import pytest

from deltagrad import nn
from deltagrad.autograd import Value


def moons(n: int = 40) -> tuple[list[list[float]], list[float]]:
    X, labels = nn.datasets.moons(n, noise=0.1, rng=0)
    return X, nn.datasets.signed(labels)


def train(compiled: bool = False, batch_size: int | None = None, epochs: int = 15, seed: int = 1) -> nn.History:
    X, Y = moons()
    model = nn.MLP(2, [8, 8, 1], activation="relu", output_activation="linear", rng=seed)
    return nn.fit(model, X, Y, loss="hinge", optimizer=nn.Adam(model.parameters(), lr=0.05),
                  epochs=epochs, batch_size=batch_size, compiled=compiled, progress=False, rng=seed)


def test_fit_lowers_the_loss_and_records_every_epoch() -> None:
    history = train(epochs=30)
    assert len(history) == 30 and len(history.seconds) == 30
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy[-1] is not None and history.accuracy[-1] >= 0.85
    assert all(s > 0 for s in history.seconds)
    first, last = history[0], history[-1]
    assert first["epoch"] == 1 and first["loss"] == history.loss[0]
    assert last == {"epoch": 30, "loss": history.loss[-1], "accuracy": history.accuracy[-1],
                    "seconds": history.seconds[-1]}
    assert list(history)[5] == history[5]
    with pytest.raises(IndexError):
        history[30]


def test_same_seed_same_history() -> None:
    a, b = train(batch_size=16), train(batch_size=16)
    assert a == b and a.loss == b.loss and a.accuracy == b.accuracy
    assert train(batch_size=16, seed=2) != a


@pytest.mark.parametrize("batch_size", [None, 16])
def test_compiled_and_eager_training_agree(batch_size: int | None) -> None:
    eager, compiled = train(False, batch_size), train(True, batch_size)
    for a, b in zip(eager.loss, compiled.loss):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    assert eager.accuracy == compiled.accuracy


def test_callback_and_loss_functions() -> None:
    X, labels = nn.datasets.xor()
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=0)
    seen = []
    history = nn.fit(model, X, [float(y) for y in labels], loss=nn.half_squared_error,
                     optimizer=nn.SGD(model.parameters(), lr=0.5), epochs=3, progress=False,
                     callback=lambda epoch, record: seen.append((epoch, record["loss"])))
    assert seen == [(1, history.loss[0]), (2, history.loss[1]), (3, history.loss[2])]


def test_accuracy_rules() -> None:
    model = nn.MLP.from_weights([[[1.0]]], [[0.0]], activation="linear")
    assert nn.accuracy(model, [[-1.0], [2.0], [0.3]], [-1, 1, -1]) == 2 / 3  # threshold 0
    assert nn.accuracy(model, [[0.2], [0.7]], [0, 1]) == 1.0  # threshold 0.5
    assert nn.accuracy(model, [[0.2], [0.7], [1.0]], [0.1, 0.5, 0.9]) is None  # regression


def test_bad_shapes_raise_before_any_work() -> None:
    X, Y = moons(10)
    model = nn.MLP(2, [3, 1], rng=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    cases = [
        (dict(X=X, Y=Y[:-1]), ValueError, "10 inputs but 9 targets"),
        (dict(X=[[1.0]] + X[1:], Y=Y), ValueError, r"X\[0\] must have 2 values"),
        (dict(X=X, Y=[[1.0, 2.0]] + Y[1:]), ValueError, r"Y\[0\] must have 1 value"),
        (dict(X=[], Y=[]), ValueError, "no training examples"),
        (dict(X=X, Y=Y, epochs=0), ValueError, "epochs must be at least 1"),
        (dict(X=X, Y=Y, batch_size=0), ValueError, "batch_size must be at least 1"),
        (dict(X=X, Y=Y, loss="huber"), ValueError, "unknown loss 'huber'"),
        (dict(X=X, Y=Y, optimizer="adam"), TypeError, "optimizer must be an nn optimizer"),
        (dict(X=[[1.0, float("nan")]] + X[1:], Y=Y), ValueError, r"X\[0\]\[1\] must be a finite number"),
    ]
    for overrides, error, message in cases:
        kwargs = dict(X=X, Y=Y, loss="hinge", optimizer=opt, epochs=1, progress=False)
        kwargs.update(overrides)
        with pytest.raises(error, match=message):
            nn.fit(model, kwargs.pop("X"), kwargs.pop("Y"), **kwargs)
        assert model.state_dict() == before


# -- numbers too large for a float, empty data, costs that would not fit -----------------------
@pytest.mark.parametrize("big", [10**400, -(10**400), Fraction(10**400, 3)])
def test_numbers_too_large_for_a_float_are_refused_naming_them(big: object) -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="too large for a float"):
        nn.fit(model, [[0.0, big]], [1.0], loss="mse", optimizer=nn.SGD(model.parameters(), 0.1), epochs=1,
               progress=False)
    with pytest.raises(ValueError, match="too large for a float"):
        nn.fit(model, [[0.0, 1.0]], [big], loss="mse", optimizer=nn.SGD(model.parameters(), 0.1), epochs=1,
               progress=False)
    assert model.state_dict() == before
    for call in (lambda: nn.predict(model, [[big, 0.0]]), lambda: nn.forward_floats(model, [0.0, big]),
                 lambda: model([big, 0.0]), lambda: nn.binary_cross_entropy(Value(0.5), big),
                 lambda: nn.compile_loss(model, nn.mse_loss)([0.0, big], 1.0),
                 lambda: nn.manual_backprop(model, [0.0, 1.0], big)):
        with pytest.raises(ValueError, match="too large for a float"):
            call()


@pytest.mark.parametrize("X, Y, message", [
    ([], [], "got no training examples"),
    ([[0.0, 1.0]], [], "got 1 inputs but 0 targets"),
    ([[0.0, 1.0], [1.0, 0.0]], [1.0], "got 2 inputs but 1 targets"),
])
def test_accuracy_of_no_rows_or_mismatched_rows_is_a_value_error(X: list[list[float]], Y: list[float],
                                                                  message: str) -> None:
    with pytest.raises(ValueError, match=f"accuracy\\(\\) {message}"):
        nn.accuracy(nn.MLP(2, [1], rng=0), X, Y)
    with pytest.raises(TypeError, match="expects an nn.MLP"):
        nn.accuracy("model", [[0.0, 1.0]], [1.0])  # type: ignore[arg-type]


def test_a_step_that_would_not_fit_is_refused_with_its_cost_before_any_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from deltagrad.nn import train

    with pytest.raises(ValueError, match=r"one eager step of 200 examples would build 36,[0-9,]+ graph values, "
                                         r"about 4\.[0-9] GB"):
        train.check_cost_of([2, 300, 300, 1], ["sigmoid"] * 3, 200, compiled=False)
    with pytest.raises(ValueError, match=r"compiling this network's loss would take about 3\.8 GB and 18 s "
                                         r"\(506,009 graph values"):
        train.check_cost_of([2, 500, 500, 1], ["sigmoid"] * 3, 2, compiled=True)
    with pytest.raises(ValueError, match="16,797,697 parameters, more than the 1,000,000"):
        train.check_cost_of([2, 4096, 4096, 1], ["relu", "relu", "linear"], 1, compiled=False)
    with pytest.raises(ValueError, match="16,797,697 parameters, more than the 1,000,000"):
        nn.MLP(2, [4096, 4096, 1])
    # fit applies the same bounds before any work: a small limit shows it on a small network
    monkeypatch.setattr(train, "MAX_STEP_VALUES", 100)
    model = nn.MLP(2, [3, 1], rng=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="one eager step of 4 examples would build"):
        nn.fit(model, [[0.0, 1.0]] * 4, [1.0] * 4, loss="mse", optimizer=nn.SGD(model.parameters(), 0.1), epochs=1,
               progress=False)
    assert model.state_dict() == before
    counted = nn.MLP(3, [5, 4, 2], output_activation="linear", rng=0)  # its loss graph has 127 values
    assert train.graph_values(counted) == 128


# -- training ------------------------------------------------------------------------
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


def test_an_eager_step_pauses_the_gc_and_gives_back_the_callers_state() -> None:
    import gc

    X, Y = [[0.0, 1.0], [1.0, 0.0]], [1.0, 0.0]
    seen: list[bool] = []

    def loss(out: Value, y: float) -> Value:
        seen.append(gc.isenabled())
        return nn.half_squared_error(out, y)

    model = nn.MLP(2, [2, 1], rng=0)
    nn.fit(model, X, Y, loss=loss, optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=2, progress=False)
    assert seen == [False] * 4 and gc.isenabled()  # paused in the steps, on again after
    gc.disable()
    try:
        nn.fit(model, X, Y, loss=loss, optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()

    def broken(out: Value, y: float) -> Value:
        raise ArithmeticError("a loss that fails mid-step")

    with pytest.raises(ArithmeticError, match="mid-step"):
        nn.fit(model, X, Y, loss=broken, optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert gc.isenabled()  # restored on the way out of a failed step too


def test_many_rows_at_once_give_each_rows_forward_pass_to_the_bit() -> None:
    """`nn.predict` (and training's accuracy, and the plots' grids) run all rows a layer at a
    time; each output is still `forward_floats`'s, bit for bit, and a Value forward's."""
    import random

    from deltagrad.nn.inference import forward_floats, predict_rows

    rng = random.Random(0)
    for trial in range(60):
        n_in, sizes = rng.randint(1, 5), [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
        model = nn.MLP(n_in, sizes, activation=rng.choice(["sigmoid", "tanh", "relu", "linear"]),
                       output_activation=rng.choice(["sigmoid", "tanh", "linear"]), rng=trial)
        rows = [[rng.choice([rng.uniform(-3, 3), rng.uniform(-1e3, 1e3), 0.0, -0.0, 1e-300, 710.0])
                 for _ in range(n_in)] for _ in range(rng.randint(1, 12))]
        got = predict_rows(model, rows)
        assert [[v.hex() for v in r] for r in got] == \
            [[v.hex() for v in forward_floats(model, x)[1][-1]] for x in rows]
        assert [[v.hex() for v in r] for r in got] == \
            [[o.data.hex() for o in (model(x) if sizes[-1] > 1 else [model(x)])] for x in rows]
    assert predict_rows(nn.MLP(2, [1], rng=0), []) == []
