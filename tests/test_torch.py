"""Parity with PyTorch, in float64: first and second derivatives, the edges of IEEE
arithmetic, the worked example. Skipped with one line without torch; CI installs it."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltagrad import nn
from deltagrad.autograd import Value, grad
from tests.conftest import B1, B2, W1, W2, X, Y, require_torch, worked_model
from tests.test_higher import random_graph


@pytest.fixture(scope="module")
def torch():  # type: ignore[no-untyped-def]
    return require_torch()


def test_worked_example_matches_pytorch(torch) -> None:  # type: ignore[no-untyped-def]
    w1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor(B1, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor(B2, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(X, dtype=torch.float64)
    a1 = torch.sigmoid(w1 @ x + b1)
    a2 = torch.sigmoid(w2 @ a1 + b2)
    loss = 0.5 * (a2[0] - Y) ** 2
    loss.backward()
    model = worked_model()
    grads = nn.autograd_gradients(model, X, Y)
    for i in range(2):
        assert grads[f"b1[{i}]"] == pytest.approx(b1.grad[i].item(), rel=1e-12)
        assert grads[f"W2[0][{i}]"] == pytest.approx(w2.grad[0][i].item(), rel=1e-12)
        for j in range(2):
            assert grads[f"W1[{i}][{j}]"] == pytest.approx(w1.grad[i][j].item(), rel=1e-12)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.7, 2.0])
def test_ops_match_pytorch(torch, x: float) -> None:  # type: ignore[no-untyped-def]
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (torch.tanh(t) * torch.sigmoid(t) + torch.exp(t / 3) + torch.relu(t) ** 2
     + torch.nn.functional.softplus(t)).backward()
    v = Value(x)
    (v.tanh() * v.sigmoid() + (v / 3).exp() + v.relu() ** 2 + v.softplus()).backward()
    assert v.grad == pytest.approx(t.grad.item(), rel=1e-12)


def test_relu_off_passes_zero_for_an_infinite_gradient_as_pytorch(torch) -> None:  # type: ignore[no-untyped-def]
    t = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    (torch.relu(t) ** 0.5).backward()
    v = Value(-1.0)
    (v.relu() ** 0.5).backward()
    assert v.grad == t.grad.item() == 0.0


def test_zero_to_a_positive_power_as_pytorch(torch) -> None:  # type: ignore[no-untyped-def]
    a = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (a**b).backward()
    va, vb = Value(0.0), Value(2.0)
    (va**vb).backward()
    assert (va.grad, vb.grad) == (a.grad.item(), b.grad.item()) == (0.0, 0.0)


def torch_graph(torch, seed: int):  # type: ignore[no-untyped-def]
    """The same random graph as tests.test_higher.random_graph, in torch."""
    rng = random.Random(seed)
    values = [rng.uniform(0.3, 1.5) for _ in range(3)]
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    nodes = list(leaves)
    for _ in range(12):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(10)
        nodes.append(_torch_op(torch, kind, a, b))
    return (nodes[-3] + nodes[-2] + nodes[-1]) * 0.5, leaves


def _torch_op(torch, kind: int, a, b):  # type: ignore[no-untyped-def]
    if kind == 0:
        return a * b
    if kind == 1:
        return a + b
    if kind == 2:
        return a * 0.7 + 0.2
    if kind == 3:
        return torch.log(a * a + 0.5)
    if kind == 4:
        return torch.exp(a * 0.3)
    if kind == 5:
        return torch.tanh(a)
    if kind == 6:
        return torch.sigmoid(a)
    if kind == 7:
        return (a * a + 0.2) ** torch.sigmoid(b)
    if kind == 8:
        return torch.relu(a - 0.4) + a * 0.1
    return torch.nn.functional.softplus(a)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6))
def test_first_and_second_derivatives_match_pytorch(torch, seed: int) -> None:  # type: ignore[no-untyped-def]
    root, leaves = random_graph(random.Random(seed))
    troot, tleaves = torch_graph(torch, seed)
    assert root.data == pytest.approx(troot.item(), rel=1e-12)
    first = grad(root, leaves, create_graph=True)
    tfirst = [t if t is not None else torch.tensor(0.0, dtype=torch.float64)
              for t in torch.autograd.grad(troot, tleaves, create_graph=True, allow_unused=True)]
    for g, tg in zip(first, tfirst):
        assert g.data == pytest.approx(tg.item(), rel=1e-10, abs=1e-14)
    for i in range(3):
        second = grad(first[i], leaves)
        if not tfirst[i].requires_grad:
            assert second == [0.0, 0.0, 0.0]
            continue
        tsecond = torch.autograd.grad(tfirst[i], tleaves, allow_unused=True, retain_graph=True)
        for s, ts in zip(second, tsecond):
            expected = 0.0 if ts is None else ts.item()
            assert s == pytest.approx(expected, rel=1e-10, abs=1e-12), (seed, i)
    assert not any(math.isnan(g.data) for g in first)


def test_bridge_round_trip_and_gradients(torch) -> None:  # type: ignore[no-untyped-def]
    model = nn.MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", rng=3)
    seq = model.to_torch()
    x = [0.2, -0.5, 0.9]
    out = seq(torch.tensor(x, dtype=torch.float64))
    ours = model(x)
    assert [o.data for o in ours] == pytest.approx(out.tolist(), rel=1e-12)
    loss = (0.5 * (out - torch.tensor([1.0, 0.0], dtype=torch.float64)) ** 2).sum()
    loss.backward()
    autograd_grads = nn.autograd_gradients(model, x, [1.0, 0.0])
    from deltagrad.nn.pytorch import torch_gradients

    theirs = torch_gradients(model, x, [1.0, 0.0])
    for name, g in autograd_grads.items():
        assert g == pytest.approx(theirs[name], rel=1e-12, abs=1e-15)
    back = nn.MLP.from_torch(seq)
    assert back.state_dict() == model.state_dict() and back.sizes == model.sizes
    assert back.activation == "tanh" and back.output_activation == "sigmoid"


@pytest.mark.parametrize("make, message", [
    (lambda t: t.nn.Linear(2, 2), "expects a torch.nn.Sequential"),
    (lambda t: t.nn.Sequential(t.nn.Conv1d(1, 1, 1)), "Conv1d"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 2), t.nn.GELU()), "GELU"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 3), t.nn.Linear(2, 1)), "takes 2 inputs"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 2, bias=False)), "no bias"),
])
def test_from_torch_refuses_what_it_cannot_map(torch, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_torch(make(torch))


def test_check_with_torch_on_a_graph_with_odd_labels(torch) -> None:  # type: ignore[no-untyped-def]
    from deltagrad.autograd import check_with_torch, torch_source
    from deltagrad.autograd.text import format_table

    a, b = Value(2.0, label="a"), Value(-3.0, label="import os; os.system('x')")
    c = (a * b + a**2).tanh().softplus() + (b / a).relu() + (a - b).log()
    source = torch_source(c)
    assert "os.system" not in source.split("#", 1)[0] and "\nimport os" not in source
    rows = check_with_torch(c)
    assert [r.name for r in rows] == ["a", "import os; os.system('x')"]
    assert all(r.abs_diff <= 1e-12 * max(1.0, abs(r.deltagrad)) for r in rows)
    table = format_table(["name", "deltagrad", "torch", "abs diff"],
                         [[r.name, repr(r.deltagrad), repr(r.torch), f"{r.abs_diff:.1e}"] for r in rows])
    assert "deltagrad" in table


@pytest.mark.parametrize("n", [3000, 5000])
def test_torch_source_and_check_with_torch_take_a_long_sum(torch, n: int) -> None:  # type: ignore[no-untyped-def]
    from deltagrad.autograd import check_with_torch, torch_source

    xs = [Value(0.001 * k, f"x{k}") for k in range(n)]
    total = Value.sum([x * x for x in xs])
    chained = xs[0]
    for x in xs[1:]:
        chained = chained + x  # n - 1 two-operand sums, one line each
    for root in (total, chained * 0.5, (total + 1.0).log()):
        assert "x2999" in torch_source(root)
        rows = check_with_torch(root)
        assert len(rows) == n and max(r.abs_diff for r in rows) <= 1e-12


@pytest.mark.parametrize("a, b", [(0.0, 1e-310), (1e-300, 1e-310), (1.0, 1e-310), (-0.0, 5e-324), (3.0, 7.0),
                                  (2.0, -0.0), (0.0, 0.0)])
def test_division_matches_pytorch_at_zeros_and_subnormals(torch, a: float, b: float) -> None:  # type: ignore[no-untyped-def]
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    (ta / tb).backward()
    va, vb = Value(a), Value(b)
    out = va / vb
    da, db = grad(out, [va, vb])
    for ours, theirs in ((out.data, (ta / tb).item()), (da, ta.grad.item()), (db, tb.grad.item())):
        assert (math.isnan(ours) and math.isnan(theirs)) or (ours == theirs and math.copysign(1, ours) ==
                                                             math.copysign(1, theirs)), (a, b, ours, theirs)


@pytest.mark.parametrize("base, exponent", [(0.0, -1.0), (0.0, -2.0), (0.0, -0.5), (-0.0, -1.0), (0.0, 2.0),
                                            (0.0, 0.0), (2.0, 0.0), (0.5, -3.0)])
def test_powers_of_zero_match_pytorch_in_every_operand_form(torch, base: float, exponent: float) -> None:  # type: ignore[no-untyped-def]
    tb = torch.tensor(exponent, dtype=torch.float64, requires_grad=True)
    ta = torch.tensor(base, dtype=torch.float64, requires_grad=True)
    (ta**tb).backward()
    va, vb = Value(base), Value(exponent)
    da, db = grad(va**vb, [va, vb])
    vc = Value(exponent)
    (dc,) = grad(base**vc, [vc])
    for ours, theirs in ((da, ta.grad.item()), (db, tb.grad.item()), (dc, tb.grad.item())):
        assert (math.isnan(ours) and math.isnan(theirs)) or ours == theirs, (base, exponent, ours, theirs)
