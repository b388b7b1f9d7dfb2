"""PyTorch beside the delta rule: the same model's gradients in torch (needs the torch extra)."""

from __future__ import annotations

from collections.abc import Sequence

from deltagrad.autograd.torch_bridge import import_torch

from .inference import check_row
from .module import MLP


def torch_gradients(model: MLP, x: Sequence[float], y: float | Sequence[float]) -> dict[str, float]:
    """dL/dp for every parameter by PyTorch (float64), for the half squared error, keyed by
    deltagrad's parameter names."""
    torch = import_torch()
    xs = check_row(x, model.sizes[0], "input")
    ys = check_row(y, model.sizes[-1], "target")
    seq = model.to_torch()
    out = seq(torch.tensor(xs, dtype=torch.float64))
    loss = (0.5 * (out - torch.tensor(ys, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    grads: dict[str, float] = {}
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for k, (layer, linear) in enumerate(zip(model.layers, linears), start=1):
        for i in range(layer.nout):
            for j in range(layer.nin):
                grads[f"W{k}[{i}][{j}]"] = linear.weight.grad[i][j].item()
        for i in range(layer.nout):
            grads[f"b{k}[{i}]"] = linear.bias.grad[i].item()
    return {name: grads[name] for name, _ in model.named_parameters()}
