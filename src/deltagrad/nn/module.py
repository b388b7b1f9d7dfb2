"""Neuron, Layer and MLP on `autograd.Value`, with textbook parameter names.

Names follow the classic notation, layers numbered from 1 and indices from 0 as Python
lists: ``W1[0][1]`` is the weight into neuron 0 of layer 1 from input 1, ``b1[0]`` its bias.
The forward pass labels what it creates (``x[0]``, ``z1[0]``, ``a1[0]``) so that a drawn
graph reads like the textbook.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from deltagrad.autograd import Value
from deltagrad.autograd.files import atomic_write

FORMAT = "deltagrad.mlp"
VERSION = 1

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": None,  # identity: a = z
}
INITS = ("uniform", "xavier", "he", "zeros")
# Each activation's layer in torch.nn (None: no layer, the identity). One table for both ways.
TORCH_ACTIVATIONS: dict[str, str | None] = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "linear": None}

RngLike = int | random.Random | None


def check_activation(name: object) -> str:
    """Return ``name`` if it is a known activation, else raise ValueError listing them."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}")
    return name


def make_rng(rng: RngLike) -> random.Random:
    """A `random.Random` from an int seed, an existing generator, or None (fresh entropy)."""
    if isinstance(rng, random.Random):
        return rng
    if rng is None:
        return random.Random()
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"rng must be an int seed, a random.Random or None, got {type(rng).__name__}")


def _check_size(name: str, n: object) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return n


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, Value)


class Module:
    """Base class: anything with named parameters."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, Value) for every parameter, in a fixed order."""
        raise NotImplementedError(f"{type(self).__name__} must define named_parameters()")

    def parameters(self) -> list[Value]:
        """Every parameter Value, in `named_parameters` order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Parameter name -> current value."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; strict and atomic.

        Missing or unexpected keys raise ValueError, values that are not real numbers
        TypeError; in both cases no parameter has changed.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict() expects a mapping of name -> number, got {type(state).__name__}"
            )
        params = self.named_parameters()
        names = [name for name, _ in params]
        known = set(names)
        missing = [n for n in names if n not in state]
        unexpected = [k for k in state if k not in known]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing keys: {', '.join(map(str, missing))}")
            if unexpected:
                parts.append(f"unexpected keys: {', '.join(map(repr, unexpected))}")
            raise ValueError(f"state dict does not match {type(self).__name__}: {'; '.join(parts)}")
        values: list[float] = []
        for name in names:  # convert and check every value first: nothing changes on failure
            raw = state[name]
            if isinstance(raw, (bool, Value)) or not isinstance(raw, numbers.Real):
                raise TypeError(f"state dict value {name}={raw!r} must be a real number, got {type(raw).__name__}")
            try:
                values.append(float(raw))
            except (OverflowError, ValueError, TypeError, ArithmeticError) as err:
                raise ValueError(f"state dict value for {name} cannot be a float: {err}") from None
        for (_, p), value in zip(params, values):  # everything is checked: now change
            p.data = value


class Neuron(Module):
    """One neuron: ``a = activation(sum_j w[j] x[j] + b)``."""

    def __init__(
        self,
        nin: int,
        activation: str = "sigmoid",
        rng: RngLike = None,
        *,
        init: str = "uniform",
        nout: int = 1,
        layer: int = 1,
        index: int = 0,
        init_scale: float = 1.0,
    ) -> None:
        """Args:
        nout: the width of the neuron's layer (Xavier initialisation uses it).
        layer, index: the neuron's place in a network, used in parameter names.
        init_scale: multiplies the initial weights (the bias starts at 0 whatever the init).
        """
        _check_size("nin", nin)
        self.activation = check_activation(activation)
        self._act = ACTIVATIONS[activation]
        scale = check_init_scale(init, init_scale)
        weights = [w * scale for w in init_weights(init, nin, nout, make_rng(rng))]
        self.w = [Value(w, label=f"W{layer}[{index}][{j}]") for j, w in enumerate(weights)]
        self.b = Value(0.0, label=f"b{layer}[{index}]")  # biases do not cause symmetry
        self.layer = layer
        self.index = index

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.w)

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(w.label, w) for w in self.w] + [(self.b.label, self.b)]

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's activation for inputs ``x`` (labels ``z`` and ``a`` as in the textbook)."""
        xs = _as_inputs(x, self.nin)
        return self._forward(xs)

    def _forward(self, xs: Sequence[Value]) -> Value:
        # z = w0 x0 + w1 x1 + ... + b, one n-ary sum node (same value as chained +)
        terms = [w * xi for w, xi in zip(self.w, xs)]
        terms.append(self.b)
        z = Value.sum(terms)
        z.label = f"z{self.layer}[{self.index}]"
        if self._act is None:
            return z
        a = self._act(z)
        a.label = f"a{self.layer}[{self.index}]"
        return a

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r})"


class Layer(Module):
    """A layer of ``nout`` neurons that all see the same ``nin`` inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        rng: RngLike = None,
        *,
        init: str = "uniform",
        layer: int = 1,
        init_scale: float = 1.0,
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        check_init(init)
        check_init_scale(init, init_scale)
        generator = make_rng(rng)
        self.neurons = [
            Neuron(nin, activation, generator, init=init, nout=nout, layer=layer, index=i,
                   init_scale=init_scale)
            for i in range(nout)
        ]
        self.activation = check_activation(activation)
        self.layer = layer

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons."""
        return len(self.neurons)

    def named_parameters(self) -> list[tuple[str, Value]]:
        # Textbook order: the weight matrix row by row, then the bias vector.
        weights = [(w.label, w) for n in self.neurons for w in n.w]
        return weights + [(n.b.label, n.b) for n in self.neurons]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """The layer's activations for inputs ``x``."""
        xs = _as_inputs(x, self.nin)
        return [n._forward(xs) for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each fully connected to the previous."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        init: str = "uniform",
        rng: RngLike = None,
        init_scale: float | None = None,
    ) -> None:
        """Args:
        nouts: the width of every layer, the output layer last.
        output_activation: the last layer's activation; None means same as ``activation``.
        init: ``"uniform"`` (U[-1, 1], the classic text), ``"xavier"``, ``"he"``, or
            ``"zeros"`` (every weight 0: the symmetric start the textbook warns about).
        rng: an int seed or a `random.Random`; the same seed gives the same weights.
        init_scale: multiplies every initial weight (default 1): ``init="uniform",
            init_scale=0.01`` is the textbook's "too small", ``10`` its "too large". Not
            allowed with ``init="zeros"``, where it would have no effect. Biases always
            start at 0: they do not cause the symmetry.
        """
        _check_size("nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(f"nouts must be a list of layer widths, got {type(nouts).__name__}")
        if len(nouts) == 0:
            raise ValueError("nouts must name at least one layer, got an empty list")
        sizes = [nin] + [_check_size(f"nouts[{i}]", n) for i, n in enumerate(nouts)]
        check_activation(activation)
        out_act = activation if output_activation is None else check_activation(output_activation)
        check_init(init)
        if init_scale is not None and init == "zeros":
            raise ValueError(f"init_scale={init_scale!r} has no effect with init='zeros' (0 times any scale is 0)")
        scale = check_init_scale(init, 1.0 if init_scale is None else init_scale)
        generator = make_rng(rng)
        self.layers = [
            Layer(
                sizes[k],
                sizes[k + 1],
                out_act if k == len(nouts) - 1 else activation,
                generator,
                init=init,
                layer=k + 1,
                init_scale=scale,
            )
            for k in range(len(nouts))
        ]
        self.activation = activation
        self.output_activation = out_act
        self.init = init
        self.init_scale = scale

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        activation: str = "sigmoid",
        output_activation: str | None = None,
    ) -> MLP:
        """An MLP with the given weights (per layer, row i = weights into neuron i) and biases."""
        check_activation(activation)
        if output_activation is not None:
            check_activation(output_activation)
        sizes = check_weight_shapes(weights, biases)
        model = cls(sizes[0], sizes[1:], activation, output_activation, rng=0)
        for layer, rows, bs in zip(model.layers, weights, biases):
            for neuron, row, b in zip(layer.neurons, rows, bs):
                for w, value in zip(neuron.w, row):
                    w.data = float(value)
                neuron.b.data = float(b)
        return model

    @property
    def sizes(self) -> list[int]:
        """[nin, width of layer 1, ..., width of the output layer]."""
        return [self.layers[0].nin] + [layer.nout for layer in self.layers]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [item for layer in self.layers for item in layer.named_parameters()]

    def weights(self) -> list[list[list[float]]]:
        """The weights as plain floats, per layer, row i = weights into neuron i."""
        return [[[w.data for w in n.w] for n in layer.neurons] for layer in self.layers]

    def biases(self) -> list[list[float]]:
        """The biases as plain floats, per layer."""
        return [[n.b.data for n in layer.neurons] for layer in self.layers]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Forward pass: a Value when the last layer has one neuron, else a list."""
        out: list[Value] = _as_inputs(x, self.layers[0].nin, label_inputs=True)
        for layer in self.layers:
            out = [n._forward(out) for n in layer.neurons]
        return out[0] if len(out) == 1 else out

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready description of the model: architecture and every weight."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "sizes": self.sizes,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "weights": self.weights(),
            "biases": self.biases(),
        }

    @classmethod
    def from_dict(cls, data: object, source: str = "model description") -> MLP:
        """The MLP a `to_dict` description gives; ValueError naming ``source`` otherwise."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{source} is not a deltagrad model (expected a JSON object with format {FORMAT!r})")
        version = data.get("version")
        if type(version) is not int or version != VERSION:
            raise ValueError(f"{source}: unsupported version {version!r}, expected {VERSION}")
        missing = [k for k in ("activation", "weights", "biases") if k not in data]
        if missing:
            raise ValueError(f"{source}: missing {', '.join(missing)}")
        try:
            check_activation(data["activation"])
            out_act = data.get("output_activation")
            if out_act is not None:
                check_activation(out_act)
            sizes = check_weight_shapes(data["weights"], data["biases"], finite=True)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{source}: {err}") from None
        if "sizes" in data and data["sizes"] != sizes:
            raise ValueError(f"{source}: sizes {data['sizes']!r} do not match the weights ({sizes})")
        return cls.from_weights(data["weights"], data["biases"], data["activation"], out_act)

    def to_torch(self) -> Any:
        """The same network as a ``torch.nn.Sequential`` of ``Linear`` and activation layers,
        with the same weights in float64 (needs the ``torch`` extra)."""
        from deltagrad.autograd.torch_bridge import import_torch

        torch = import_torch()
        layers: list[Any] = []
        for layer in self.layers:
            linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
                linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
            layers.append(linear)
            name = TORCH_ACTIVATIONS[layer.activation]
            if name is not None:
                layers.append(getattr(torch.nn, name)())
        return torch.nn.Sequential(*layers)

    @classmethod
    def from_torch(cls, seq: Any) -> MLP:
        """The MLP of a ``torch.nn.Sequential`` of ``Linear`` layers, each followed by one of
        ``nn.ACTIVATIONS`` (or by nothing: linear); ValueError naming the layer otherwise."""
        from deltagrad.autograd.torch_bridge import import_torch

        torch = import_torch()
        if not isinstance(seq, torch.nn.Sequential):
            raise ValueError(f"from_torch() expects a torch.nn.Sequential, got {type(seq).__name__}")
        known = {v: k for k, v in TORCH_ACTIVATIONS.items() if v is not None}
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
            act = "linear"
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
        return cls.from_weights(weights, biases, hidden.pop(), acts[-1])

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the architecture and weights to a strict JSON file, atomically.

        Non-finite weights and biases (nan, inf) have no JSON form: ValueError naming them.
        """
        description = self.to_dict()
        for name, p in self.named_parameters():
            if not math.isfinite(p.data):
                raise ValueError(f"cannot save a model with a non-finite parameter: {name} = {p.data!r}")
        text = json.dumps(description, indent=2, allow_nan=False) + "\n"
        return atomic_write(path, text.encode("utf-8"))

    def __repr__(self) -> str:
        acts = f"activation={self.activation!r}"
        if self.output_activation != self.activation:
            acts += f", output_activation={self.output_activation!r}"
        return f"MLP({self.sizes[0]}, {self.sizes[1:]}, {acts})"


def check_init(name: object) -> str:
    """Return ``name`` if it is a known initialisation, else raise ValueError listing them."""
    if not isinstance(name, str) or name not in INITS:
        raise ValueError(f"unknown init {name!r}; expected one of {', '.join(INITS)}")
    return name


def init_weights(init: str, nin: int, nout: int, rng: random.Random) -> list[float]:
    """``nin`` initial weights for one neuron of a layer of ``nout`` neurons."""
    check_init(init)
    if init == "uniform":  # the classic text: U[-1, 1]
        return [rng.uniform(-1.0, 1.0) for _ in range(nin)]
    if init == "zeros":  # the symmetric start: every neuron of a layer the same
        return [0.0] * nin
    if init == "xavier":  # Glorot & Bengio 2010: U[-r, r], r = sqrt(6 / (fan_in + fan_out))
        r = math.sqrt(6.0 / (nin + nout))
        return [rng.uniform(-r, r) for _ in range(nin)]
    std = math.sqrt(2.0 / nin)  # He et al. 2015: N(0, 2 / fan_in), for relu
    return [rng.gauss(0.0, std) for _ in range(nin)]


def _as_inputs(x: object, nin: int, label_inputs: bool = False) -> list[Value]:
    """Check that ``x`` is ``nin`` numbers or Values; numbers become leaves ``x[j]``."""
    if isinstance(x, (str, bytes)) or not isinstance(x, (Sequence, Iterator)):
        if isinstance(x, (Value, numbers.Real)) and nin == 1:
            x = [x]
        else:
            raise TypeError(f"expected a list of {nin} inputs, got {type(x).__name__}")
    xs = list(x)  # type: ignore[call-overload]
    if len(xs) != nin:
        raise ValueError(f"expected {nin} inputs, got {len(xs)}")
    out: list[Value] = []
    for j, xj in enumerate(xs):
        if isinstance(xj, Value):
            if label_inputs and not xj.label:
                xj.label = f"x[{j}]"
            out.append(xj)
        elif _is_number(xj):
            out.append(Value(xj, label=f"x[{j}]"))
        else:
            raise TypeError(f"input {j} must be a number or a Value, got {type(xj).__name__}: {xj!r}")
    return out


def check_weight_shapes(weights: object, biases: object, *, finite: bool = False) -> list[int]:
    """Layer sizes [nin, n1, ...] described by ``weights``/``biases``, or ValueError naming the layer.

    With ``finite``, nan, inf and numbers too large for a float are refused too.
    """
    for name, value in (("weights", weights), ("biases", biases)):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list per layer, got {type(value).__name__}")
    assert isinstance(weights, Sequence) and isinstance(biases, Sequence)
    if len(weights) == 0:
        raise ValueError("weights must describe at least one layer, got none")
    if len(biases) != len(weights):
        raise ValueError(f"weights describe {len(weights)} layers but biases {len(biases)}")
    sizes: list[int] = []
    for k, (rows, bs) in enumerate(zip(weights, biases), start=1):
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or len(rows) == 0:
            raise ValueError(f"layer {k}: weights must be a non-empty list of rows, got {rows!r}")
        widths = set()
        for i, row in enumerate(rows):
            if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) == 0:
                raise ValueError(f"layer {k}: row {i} must be a non-empty list of numbers, got {row!r}")
            for j, w in enumerate(row):
                _check_entry(w, f"layer {k}: W[{i}][{j}]", finite)
            widths.add(len(row))
        if len(widths) != 1:
            raise ValueError(f"layer {k}: ragged weight rows of lengths {sorted(widths)}")
        nin = widths.pop()
        if sizes and nin != sizes[-1]:
            raise ValueError(
                f"layer {k}: rows have {nin} weights but layer {k - 1} has {sizes[-1]} outputs"
            )
        if not sizes:
            sizes.append(nin)
        if isinstance(bs, (str, bytes)) or not isinstance(bs, Sequence) or len(bs) != len(rows):
            got = len(bs) if isinstance(bs, Sequence) else bs
            raise ValueError(f"layer {k}: expected {len(rows)} biases, got {got!r}")
        for i, b in enumerate(bs):
            _check_entry(b, f"layer {k}: b[{i}]", finite)
        sizes.append(len(rows))
    return sizes


def _check_entry(x: object, where: str, finite: bool) -> None:
    if not _is_number(x) or isinstance(x, bool):
        raise ValueError(f"{where} must be a number, got {x!r}")
    try:
        value = float(x)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{where} is too large for a float ({len(str(x))} digits)") from None
    if finite and not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number, got {x!r}")


def check_init_scale(init: str, scale: object) -> float:
    """``scale`` as a float if it is a finite number > 0, else ValueError (TypeError for a non-number)."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"init_scale must be a number, got {type(scale).__name__}: {scale!r}")
    value = float(scale)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"init_scale must be a finite number > 0, got {scale!r}")
    return value


def neuron_symmetry(model: MLP) -> list[float]:
    """Per hidden layer, the largest difference between two neurons' incoming weights and biases.

    ``0.0`` means the layer's neurons are clones: they compute the same output and get the
    same update, so the layer acts as one neuron (the textbook's reason not to start at 0).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"neuron_symmetry() expects an nn.MLP, got {type(model).__name__}")
    hidden = model.layers[:-1]
    if not hidden:
        raise ValueError(f"neuron_symmetry() needs a model with a hidden layer, got {model!r}")
    out = []
    for layer in hidden:
        rows = [[w.data for w in n.w] + [n.b.data] for n in layer.neurons]
        worst = 0.0
        for i in range(len(rows)):
            for k in range(i + 1, len(rows)):
                worst = max(worst, max(abs(a - b) for a, b in zip(rows[i], rows[k])))
        out.append(worst)
    return out
