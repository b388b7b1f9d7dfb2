"""softmax and cross_entropy: values, gradients against central differences, stability at
+-1000, class-index errors, the batch mean, fit and predict for k classes."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import Value

LOGITS = st.lists(st.floats(-30.0, 30.0), min_size=2, max_size=5)


def _central(f, xs: list[float], i: int, h: float = 1e-6) -> float:  # type: ignore[no-untyped-def]
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


def _ce_float(z: list[float], y: int) -> float:
    m = max(z)
    return m + math.log(math.fsum(math.exp(v - m) for v in z)) - z[y]


@settings(max_examples=60, deadline=None)
@given(LOGITS, st.data())
def test_cross_entropy_gradient_matches_central_differences(z: list[float], data: st.DataObject) -> None:
    y = data.draw(st.integers(0, len(z) - 1))
    vs = [Value(v) for v in z]
    loss = nn.cross_entropy(vs, y)
    loss.backward()
    assert loss.data == pytest.approx(_ce_float(z, y), rel=1e-12, abs=1e-12)
    for i, v in enumerate(vs):
        assert v.grad == pytest.approx(_central(lambda w: _ce_float(w, y), z, i), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(LOGITS, st.data())
def test_softmax_gradient_matches_central_differences(z: list[float], data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(z) - 1))
    vs = [Value(v) for v in z]
    p = nn.softmax(vs)
    assert math.fsum(q.data for q in p) == pytest.approx(1.0, abs=1e-12)
    p[k].backward()

    def soft(w: list[float]) -> float:
        m = max(w)
        return math.exp(w[k] - m) / math.fsum(math.exp(v - m) for v in w)

    for i, v in enumerate(vs):
        assert v.grad == pytest.approx(_central(soft, z, i), abs=1e-6)
        exact = p[k].data * ((i == k) - p[i].data)  # d p_k / d z_i = p_k ([i = k] - p_i)
        # p = e^(z - logsumexp(z)): z - logsumexp(z) is rounded at the size of z (30 here)
        assert v.grad == pytest.approx(exact, abs=1e-14)


@pytest.mark.parametrize("z, y, loss, grads", [
    ([1000.0, -1000.0], 0, 0.0, [0.0, 0.0]),
    ([1000.0, -1000.0], 1, 2000.0, [1.0, -1.0]),
    ([-1000.0, -1000.0, -1000.0], 2, math.log(3.0), [1 / 3, 1 / 3, -2 / 3]),
    ([1000.0, 1000.0], 0, math.log(2.0), [-0.5, 0.5]),
])
def test_cross_entropy_is_stable_at_extreme_logits(z: list[float], y: int, loss: float, grads: list[float]) -> None:
    vs = [Value(v) for v in z]
    out = nn.cross_entropy(vs, y)
    out.backward()
    # ln sum e^z - z_y near |z| = 1000 cancels: the loss keeps 13 digits, as ulp(1000) allows
    assert math.isfinite(out.data) and out.data == pytest.approx(loss, rel=1e-12, abs=1e-12)
    assert [v.grad for v in vs] == pytest.approx(grads, rel=1e-12, abs=1e-300)
    p = [q.data for q in nn.softmax([Value(v) for v in z])]
    assert all(math.isfinite(q) for q in p) and math.fsum(p) == pytest.approx(1.0)


def test_one_hot_target_and_batch_mean() -> None:
    z = [[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]]
    by_index = nn.cross_entropy(z, [2, 0]).data
    assert by_index == pytest.approx((_ce_float(z[0], 2) + _ce_float(z[1], 0)) / 2, rel=1e-15)
    assert nn.cross_entropy(z[0], [0.0, 0.0, 1.0]).data == nn.cross_entropy(z[0], 2).data
    assert nn.cross_entropy(z[0], 2).label == "L"
    assert [[q.data for q in row] for row in nn.softmax(z)] == [[q.data for q in nn.softmax(r)] for r in z]


def test_cross_entropy_errors_name_what_they_got() -> None:
    with pytest.raises(ValueError, match=r"target is 3, not a class index for 3 classes \(0 to 2\)"):
        nn.cross_entropy([1.0, 2.0, 3.0], 3)
    with pytest.raises(ValueError, match=r"target is -1, not a class index"):
        nn.cross_entropy([1.0, 2.0], -1)
    with pytest.raises(ValueError, match="a class index \\(a whole number\\), got 1.5"):
        nn.cross_entropy([1.0, 2.0], 1.5)
    with pytest.raises(TypeError, match="class index \\(an int\\), got bool"):
        nn.cross_entropy([1.0, 2.0], True)
    with pytest.raises(TypeError, match="got str"):
        nn.cross_entropy([1.0, 2.0], "1")
    with pytest.raises(ValueError, match="3 logits but a target of 2 class probabilities"):
        nn.cross_entropy([1.0, 2.0, 3.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="2 rows of logits but 3 targets"):
        nn.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [0, 1, 1])
    with pytest.raises(ValueError, match=r"one logit per class, got lengths \[2, 3\]"):
        nn.cross_entropy([[1.0, 2.0], [3.0, 4.0, 5.0]], [0, 1])
    with pytest.raises(ValueError, match="at least 2 logits"):
        nn.softmax([1.0])
    with pytest.raises(TypeError, match="logit 1 must be a Value or a number, got str"):
        nn.softmax([1.0, "2"])
    assert nn.cross_entropy([1.0, 2.0], 1.0).data == nn.cross_entropy([1.0, 2.0], 1).data


def test_fit_with_cross_entropy_on_three_blobs_and_predict_gives_class_indices() -> None:
    gen = random.Random(0)
    centres = [(-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)]
    X = [[cx + gen.gauss(0, 0.4), cy + gen.gauss(0, 0.4)] for cx, cy in centres for _ in range(15)]
    Y = [c for c in range(3) for _ in range(15)]
    model = nn.MLP(2, [8, 3], activation="tanh", output_activation="linear", rng=0)
    history = nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
                     epochs=40, progress=False)
    assert history.loss[-1] < history.loss[0] and history.accuracy[-1] == 1.0
    assert nn.predict(model, X) == Y
    assert nn.accuracy(model, X, Y) == 1.0
    assert len(nn.predict(model, X, outputs=True)[0]) == 3
    with pytest.raises(ValueError, match=r"fit\(\) Y\[0\] is 3, not a class index for 3 classes"):
        nn.fit(model, X, [3] + Y[1:], loss="cross_entropy", optimizer=nn.SGD(model.parameters(), lr=0.1),
               epochs=1, progress=False)
    with pytest.raises(ValueError, match="one output per class"):
        one = nn.MLP(2, [1], output_activation="linear")
        nn.fit(one, X, Y, loss="cross_entropy", optimizer=nn.SGD(one.parameters(), lr=0.1), epochs=1,
               progress=False)


def test_compiled_cross_entropy_training_equals_eager() -> None:
    gen = random.Random(1)
    X = [[gen.uniform(-1, 1) for _ in range(3)] for _ in range(12)]
    Y = [i % 3 for i in range(12)]
    runs = []
    for compiled in (False, True):
        model = nn.MLP(3, [4, 3], activation="sigmoid", output_activation="linear", rng=2)
        history = nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.1),
                         epochs=5, compiled=compiled, progress=False)
        runs.append((history.loss, model.state_dict()))
    # a batch sums its examples' gradients in another order than the per-example replay: 1e-12
    assert runs[0][0] == pytest.approx(runs[1][0], rel=1e-12)
    assert list(runs[0][1].values()) == pytest.approx(list(runs[1][1].values()), rel=1e-12)


def test_compiled_cross_entropy_is_exact_at_extreme_logits() -> None:
    """One example replayed: the same loss and gradients as eager, bit for bit, at logits of +-1000."""
    model = nn.MLP.from_weights([[[400.0, 0.0], [0.0, 400.0], [-400.0, 0.0]]], [[0.0, 0.0, 0.0]],
                                output_activation="linear")
    compiled = nn.compile_loss(model, nn.cross_entropy)
    for x, y in (([2.5, -2.5], 2), ([2.5, -2.5], 0), ([-2.5, 2.5], 1)):
        model.zero_grad()
        fast = compiled(x, nn.losses.one_hot(y, 3))
        fast_grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        loss = nn.cross_entropy(model(x), y)
        loss.backward()
        assert math.isfinite(fast) and fast == loss.data
        assert fast_grads == [p.grad for p in model.parameters()]


def test_regression_with_mse_and_a_linear_output() -> None:
    X = [[x / 10.0] for x in range(-10, 11)]
    Y = [2.0 * x[0] + 0.5 for x in X]
    model = nn.MLP(1, [6, 1], activation="tanh", output_activation="linear", rng=0)
    history = nn.fit(model, X, Y, loss="mse", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=200,
                     progress=False)
    assert history.accuracy[-1] is None  # numbers, not classes
    assert history.loss[-1] < 0.01 < history.loss[0]
    assert nn.predict(model, [[0.3]])[0][0] == pytest.approx(1.1, abs=0.1)


@pytest.mark.parametrize("z, y", [
    ([0.3, -1.2, 2.0], 2), ([1000.0, -1000.0, 0.0], 1), ([-1000.0, -1000.0], 0), ([1000.0, 999.0, -5.0], 0),
    ([5.0, 5.0, 5.0, 5.0], 3), ([-0.5, 0.25], 1),
])
def test_softmax_and_cross_entropy_match_pytorch(z: list[float], y: int) -> None:
    from tests.conftest import require_torch

    torch = require_torch()
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    want = torch.nn.functional.cross_entropy(t.unsqueeze(0), torch.tensor([y]))
    want.backward()
    vs = [Value(v) for v in z]
    loss = nn.cross_entropy(vs, y)
    loss.backward()
    assert loss.data == pytest.approx(want.item(), rel=1e-12, abs=1e-12)
    assert [v.grad for v in vs] == pytest.approx(t.grad.tolist(), rel=1e-12, abs=1e-15)
    p = torch.softmax(torch.tensor(z, dtype=torch.float64), dim=0).tolist()
    assert [q.data for q in nn.softmax(z)] == pytest.approx(p, rel=1e-12, abs=1e-300)


def test_cross_entropy_batch_mean_matches_pytorch() -> None:
    from tests.conftest import require_torch

    torch = require_torch()
    gen = random.Random(3)
    rows = [[gen.uniform(-5, 5) for _ in range(4)] for _ in range(6)]
    targets = [gen.randrange(4) for _ in rows]
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    want = torch.nn.functional.cross_entropy(t, torch.tensor(targets))
    want.backward()
    vs = [[Value(v) for v in row] for row in rows]
    loss = nn.cross_entropy(vs, targets)
    loss.backward()
    assert loss.data == pytest.approx(want.item(), rel=1e-13)
    got = [v.grad for row in vs for v in row]
    assert got == pytest.approx([g for row in t.grad.tolist() for g in row], rel=1e-12, abs=1e-16)


def test_a_classifier_survives_save_load_and_the_torch_bridge(tmp_path) -> None:  # type: ignore[no-untyped-def]
    X, Y, _ = nn.datasets.iris()
    model = nn.MLP(4, [5, 3], activation="tanh", output_activation="linear", rng=1)
    nn.fit(model, X, Y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=3,
           compiled=True, progress=False)
    model.save(tmp_path / "iris.json")
    loaded = nn.load(tmp_path / "iris.json")
    assert loaded.state_dict() == model.state_dict() and loaded.layers[-1].activation == "linear"
    assert nn.predict(loaded, X) == nn.predict(model, X)
    from tests.conftest import require_torch

    torch = require_torch()
    seq = model.to_torch()
    assert not isinstance(list(seq)[-1], (torch.nn.Sigmoid, torch.nn.Tanh))  # logits out
    logits = seq(torch.tensor(X[:10], dtype=torch.float64))
    assert logits.argmax(dim=1).tolist() == nn.predict(model, X[:10])
    want = torch.nn.functional.cross_entropy(logits, torch.tensor(Y[:10])).item()
    assert nn.cross_entropy([[Value(v) for v in row] for row in nn.predict(model, X[:10], outputs=True)],
                            Y[:10]).data == pytest.approx(want, rel=1e-13)
    back = nn.MLP.from_torch(seq)
    assert back.state_dict() == model.state_dict() and back.layers[-1].activation == "linear"
