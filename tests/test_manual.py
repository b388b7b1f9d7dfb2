"""nn.manual: the delta rule by hand against autograd, and the worked example end to end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import Value
from tests.conftest import B1, B2, ETA, EXPECTED, W1, W2, X, Y, close, worked_model


def test_worked_example_through_nn() -> None:
    model = worked_model()
    params = dict(model.named_parameters())
    out = model(X)
    assert isinstance(out, Value)
    loss = nn.half_squared_error(out, Y)
    assert close(loss.data, EXPECTED["L"]) and close(out.data, EXPECTED["a2"])
    loss.backward()

    manual = nn.manual_backprop(model, X, Y)
    for i in range(2):
        assert close(manual.z[0][i], EXPECTED["z1"][i]) and close(manual.a[0][i], EXPECTED["a1"][i])
        assert close(manual.deltas[0][i], EXPECTED["delta1"][i])
    assert close(manual.z[1][0], EXPECTED["z2"]) and close(manual.a[1][0], EXPECTED["a2"])
    assert close(manual.loss, EXPECTED["L"]) and close(manual.deltas[1][0], EXPECTED["delta2"])
    for name, p in params.items():
        assert close(p.grad, manual.grads[name]), name

    nn.SGD(model.parameters(), lr=ETA).step()
    assert all(close(a, e) for a, e in zip(sum(model.weights()[0], []), sum(EXPECTED["W1_after"], [])))
    assert all(close(a, e) for a, e in zip(model.biases()[0], EXPECTED["b1_after"]))
    assert all(close(a, e) for a, e in zip(model.weights()[1][0], EXPECTED["W2_after"][0]))
    assert close(model.biases()[1][0], EXPECTED["b2_after"][0])


@st.composite
def mlp_cases(draw):
    depth = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 5)) for _ in range(depth + 1)]
    acts = [draw(st.sampled_from(list(nn.ACTIVATIONS))) for _ in range(2)]
    weight = st.floats(-2.0, 2.0)
    weights = [[[draw(weight) for _ in range(sizes[k])] for _ in range(sizes[k + 1])] for k in range(depth)]
    biases = [[draw(weight) for _ in range(sizes[k + 1])] for k in range(depth)]
    x = [draw(st.floats(-2.0, 2.0)) for _ in range(sizes[0])]
    y = [draw(st.floats(-1.0, 1.0)) for _ in range(sizes[-1])]
    return nn.MLP.from_weights(weights, biases, acts[0], acts[1]), x, y


@settings(max_examples=150, deadline=None)
@given(mlp_cases())
def test_manual_backprop_agrees_with_autograd(case) -> None:
    model, x, y = case
    rows = nn.compare_gradients(model, x, y)
    assert [r.name for r in rows] == [n for n, _ in model.named_parameters()]
    for row in rows:
        assert row.abs_diff <= 1e-10 * max(1.0, abs(row.manual)), row
        assert row.abs_diff == abs(row.autograd - row.manual)
    manual = nn.manual_backprop(model, x, y)
    out = model(x)
    outs = out if isinstance(out, list) else [out]
    assert [o.data for o in outs] == manual.a[-1]  # same order of operations: bit-identical
    assert manual.loss == pytest.approx(nn.half_squared_error(outs, y).data, rel=1e-15, abs=1e-300)


def test_compare_gradients_leaves_grads_alone() -> None:
    model = worked_model()
    for p in model.parameters():
        p.grad = 7.0
    nn.compare_gradients(model, X, Y)
    assert all(p.grad == 7.0 for p in model.parameters())


def test_format_gradient_table() -> None:
    model = worked_model()
    table = nn.format_gradient_table(nn.compare_gradients(model, X, Y))
    lines = table.splitlines()
    assert lines[0].split() == ["parameter", "autograd", "manual", "(delta", "rule)", "|difference|"]
    assert len(lines) == 2 + 9
    assert len({len(line) for line in lines}) == 1  # aligned columns
    assert lines[-1].split()[:3] == ["b2[0]", "-0.08322401", "-0.08322401"]
    with pytest.raises(ValueError, match="digits must be an int from 1 to 17"):
        nn.format_gradient_table([], digits=0)


def test_manual_backprop_errors() -> None:
    model = worked_model()
    with pytest.raises(ValueError, match="expected 2 input values, got 1"):
        nn.manual_backprop(model, [0.5], 1.0)
    with pytest.raises(ValueError, match="expected 1 target value, got 2"):
        nn.manual_backprop(model, X, [1.0, 0.0])
    with pytest.raises(TypeError, match="expected an nn.MLP, got str"):
        nn.manual_backprop("model", X, Y)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input 0 must be a number, got str"):
        nn.compare_gradients(model, ["a", 1.0], Y)


def test_reference_holds_gradients_and_deltas() -> None:
    manual = nn.manual_backprop(worked_model(), X, Y)
    ref = manual.reference()
    assert ref["z2[0]"] == manual.deltas[1][0] and ref["z1[1]"] == manual.deltas[0][1]
    assert ref["W1[0][1]"] == manual.grads["W1[0][1]"] and len(ref) == 9 + 3


# -- cross-entropy with softmax: delta_n = softmax(z) - onehot(y) -----------------------------
@pytest.mark.parametrize("sizes", [[2, 3, 3], [4, 5, 3], [3, 4, 4, 3]])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("seed", range(4))
def test_manual_softmax_delta_equals_autograd(sizes: list[int], activation: str, seed: int) -> None:
    import random

    gen = random.Random(seed)
    model = nn.MLP(sizes[0], sizes[1:], activation=activation, output_activation="linear", rng=seed)
    x = [gen.uniform(-2.0, 2.0) for _ in range(sizes[0])]
    y = gen.randrange(sizes[-1])
    manual = nn.manual_backprop(model, x, y, loss="cross_entropy")
    out = model(x)
    loss = nn.cross_entropy(out, y)
    loss.backward()
    assert close(manual.loss, loss.data)
    # the output delta by hand is p - onehot(y), and autograd's dL/dz of the outputs is the same
    p = [q.data for q in nn.softmax([v.data for v in out])]
    assert manual.p == pytest.approx(p, rel=1e-12)
    assert manual.deltas[-1] == pytest.approx([pi - (i == y) for i, pi in enumerate(manual.p)], rel=1e-15)
    assert [v.grad for v in out] == pytest.approx(manual.deltas[-1], rel=1e-12, abs=1e-15)
    for row in nn.compare_gradients(model, x, y, loss="cross_entropy"):
        assert row.abs_diff <= 1e-12 * max(1.0, abs(row.autograd)), row
    assert manual.y == [float(i == y) for i in range(sizes[-1])] and manual.loss_name == "cross_entropy"


def test_manual_cross_entropy_is_stable_and_the_default_loss_is_unchanged() -> None:
    model = nn.MLP.from_weights([[[400.0, 0.0], [0.0, 400.0], [-400.0, 0.0]]], [[0.0, 0.0, 0.0]],
                                output_activation="linear")
    manual = nn.manual_backprop(model, [2.5, -2.5], 2, loss="cross_entropy")  # logits 1000, -1000, -1000
    assert manual.loss == 2000.0 and manual.deltas[0] == [1.0, 0.0, -1.0]
    worked = worked_model()
    assert nn.manual_backprop(worked, X, Y).loss == EXPECTED["L"]


def test_manual_cross_entropy_errors() -> None:
    model = nn.MLP(2, [3, 3], output_activation="linear", rng=0)
    with pytest.raises(ValueError, match=r"target is 3, not a class index for 3 classes \(0 to 2\)"):
        nn.manual_backprop(model, X, 3, loss="cross_entropy")
    with pytest.raises(TypeError, match="class index"):
        nn.compare_gradients(model, X, [0.0, 1.0, 0.0], loss="cross_entropy")
    with pytest.raises(ValueError, match="written out for the losses half_squared_error, cross_entropy"):
        nn.manual_backprop(model, X, 1, loss="hinge")
    with pytest.raises(ValueError, match="one output per class"):
        nn.manual_backprop(worked_model(), X, 0, loss="cross_entropy")


def test_the_delta_rule_overflows_as_ieee_and_refuses_an_unknown_activation() -> None:
    model = nn.MLP.from_weights([W1, W2], [B1, B2], output_activation="linear")
    for y in (1e300, -1e300, 1e200):
        result = nn.manual_backprop(model, X, y)
        assert result.loss == float("inf")  # 1/2 (a - y)^2 past 1.8e308, as the engine gives it
        assert nn.half_squared_error(model(X), y).data == float("inf")
    model.layers[0].neurons[0].activation = model.layers[0].activation = "swish"  # a record nn does not know
    with pytest.raises(ValueError, match="unknown activation 'swish' for the delta rule"):
        nn.manual_backprop(model, X, Y)
    with pytest.raises(ValueError, match="unknown activation 'swish' for the delta rule"):
        nn.check.formula(model, "deltas", "delta1[0]")  # the checker's rules, never f' = 1 for it
