"""Optional: gradients against PyTorch's, when torch is installed (make test never installs it)."""

from __future__ import annotations

import pytest

import nn
from autograd import Value
from tests.conftest import B1, B2, W1, W2, X, Y

torch = pytest.importorskip("torch")


def test_worked_example_matches_pytorch() -> None:
    w1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor(B1, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor(B2, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(X, dtype=torch.float64)
    a1 = torch.sigmoid(w1 @ x + b1)
    a2 = torch.sigmoid(w2 @ a1 + b2)
    loss = 0.5 * (a2[0] - Y) ** 2
    loss.backward()
    model = nn.MLP.from_weights([W1, W2], [B1, B2])
    grads = nn.autograd_gradients(model, X, Y)
    for i in range(2):
        assert grads[f"b1[{i}]"] == pytest.approx(b1.grad[i].item(), rel=1e-12)
        assert grads[f"W2[0][{i}]"] == pytest.approx(w2.grad[0][i].item(), rel=1e-12)
        for j in range(2):
            assert grads[f"W1[{i}][{j}]"] == pytest.approx(w1.grad[i][j].item(), rel=1e-12)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.7, 2.0])
def test_ops_match_pytorch(x: float) -> None:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (torch.tanh(t) * torch.sigmoid(t) + torch.exp(t / 3) + torch.relu(t) ** 2).backward()
    v = Value(x)
    (v.tanh() * v.sigmoid() + (v / 3).exp() + v.relu() ** 2).backward()
    assert v.grad == pytest.approx(t.grad.item(), rel=1e-12)
