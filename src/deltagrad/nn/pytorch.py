"""The PyTorch conversion, both ways, and PyTorch's gradients beside the delta rule
(needs the torch extra). The activations' ``torch.nn`` modules come from `nn.ACTIVATIONS`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deltagrad.autograd.torch_bridge import import_torch

from .activations import ACTIVATIONS
from .inference import check_row
from .module import MLP

__all__ = ["from_torch", "to_torch", "torch_gradients"]


def to_torch(model: MLP) -> Any:
    """The same network as a ``torch.nn.Sequential`` of ``Linear`` and activation layers,
    with the same weights in float64."""
    torch = import_torch()
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch() expects an nn.MLP, got {type(model).__name__}")
    layers: list[Any] = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        layers.append(linear)
        module = ACTIVATIONS[layer.activation].torch_module
        if module is not None:
            layers.append(getattr(torch.nn, module)())
    return torch.nn.Sequential(*layers)


def from_torch(seq: Any) -> MLP:
    """The MLP of a ``torch.nn.Sequential`` of ``Linear`` layers, each followed by one of
    ``nn.ACTIVATIONS``' modules (or by nothing: linear); ValueError naming the layer otherwise."""
    torch = import_torch()
    if not isinstance(seq, torch.nn.Sequential):
        raise ValueError(f"from_torch() expects a torch.nn.Sequential, got {type(seq).__name__}")
    known = {a.torch_module: a.name for a in ACTIVATIONS.values() if a.torch_module is not None}
    identity = next(a.name for a in ACTIVATIONS.values() if a.identity)
    modules = list(seq)
    weights: list[list[list[float]]] = []
    biases: list[list[float]] = []
    acts: list[str] = []
    k = 0
    while k < len(modules):
        module = modules[k]
        if not isinstance(module, torch.nn.Linear):
            raise ValueError(f"layer {k} ({type(module).__name__}) cannot be mapped: expected a Linear layer "
                             f"followed by one of {', '.join(known)}")
        if module.bias is None:
            raise ValueError(f"layer {k} (Linear) has no bias: deltagrad's neurons all have one")
        if weights and module.in_features != len(weights[-1]):
            raise ValueError(f"layer {k} (Linear) takes {module.in_features} inputs but the layer before gives "
                             f"{len(weights[-1])}")
        weights.append(module.weight.detach().double().tolist())
        biases.append(module.bias.detach().double().tolist())
        act = identity
        if k + 1 < len(modules) and not isinstance(modules[k + 1], torch.nn.Linear):
            name = type(modules[k + 1]).__name__
            if name not in known:
                raise ValueError(f"layer {k + 1} ({name}) cannot be mapped: deltagrad's activations are "
                                 f"{', '.join(known)} (torch.nn names)")
            act = known[name]
            k += 1
        acts.append(act)
        k += 1
    if not weights:
        raise ValueError("from_torch() got an empty Sequential")
    hidden = set(acts[:-1]) or {acts[-1]}
    if len(hidden) > 1:
        raise ValueError(f"the hidden layers use different activations ({', '.join(sorted(hidden))}): "
                         "an nn.MLP has one hidden activation")
    return MLP.from_weights(weights, biases, hidden.pop(), acts[-1])


def torch_gradients(model: MLP, x: Sequence[float], y: float | Sequence[float],
                    loss: str = "half_squared_error") -> dict[str, float]:
    """dL/dp for every parameter by PyTorch (float64), for the half squared error (or, with
    ``loss="cross_entropy"`` and y a class index, ``torch.nn.functional.cross_entropy``),
    keyed by deltagrad's parameter names."""
    torch = import_torch()
    xs = check_row(x, model.sizes[0], "input")
    seq = to_torch(model)
    out = seq(torch.tensor(xs, dtype=torch.float64))
    if loss == "cross_entropy":
        from .losses import class_index

        target = torch.tensor([class_index(y[0] if isinstance(y, Sequence) else y, model.sizes[-1])])
        value = torch.nn.functional.cross_entropy(out.unsqueeze(0), target)
    else:
        ys = check_row(y, model.sizes[-1], "target")
        value = (0.5 * (out - torch.tensor(ys, dtype=torch.float64)) ** 2).sum()
    value.backward()
    grads: dict[str, float] = {}
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    for k, (layer, linear) in enumerate(zip(model.layers, linears), start=1):
        for i in range(layer.nout):
            for j in range(layer.nin):
                grads[f"W{k}[{i}][{j}]"] = linear.weight.grad[i][j].item()
        for i in range(layer.nout):
            grads[f"b{k}[{i}]"] = linear.bias.grad[i].item()
    return {name: grads[name] for name, _ in model.named_parameters()}
