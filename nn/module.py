"""Neuron, Layer and MLP on `autograd.Value`, with textbook parameter names.

Names follow the classic notation, layers numbered from 1 and indices from 0 as Python
lists: ``W1[0][1]`` is the weight into neuron 0 of layer 1 from input 1, ``b1[0]`` its bias.
The forward pass labels what it creates (``x[0]``, ``z1[0]``, ``a1[0]``) so that a drawn
graph reads like the textbook.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from autograd import Value

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": None,  # identity: a = z
}
INITS = ("uniform", "xavier", "he")

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
        bad = [f"{n}={state[n]!r}" for n in names if not _is_number(state[n]) or isinstance(state[n], bool)]
        if bad:
            raise TypeError(f"state dict values must be real numbers, got: {', '.join(bad)}")
        for name, p in params:  # everything is checked: now change
            p.data = float(state[name])


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
    ) -> None:
        """Args:
        nout: the width of the neuron's layer (Xavier initialisation uses it).
        layer, index: the neuron's place in a network, used in parameter names.
        """
        _check_size("nin", nin)
        self.activation = check_activation(activation)
        self._act = ACTIVATIONS[activation]
        weights = init_weights(init, nin, nout, make_rng(rng))
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
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        check_init(init)
        generator = make_rng(rng)
        self.neurons = [
            Neuron(nin, activation, generator, init=init, nout=nout, layer=layer, index=i)
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
    ) -> None:
        """Args:
        nouts: the width of every layer, the output layer last.
        output_activation: the last layer's activation; None means same as ``activation``.
        init: ``"uniform"`` (U[-1, 1], the classic text), ``"xavier"`` or ``"he"``.
        rng: an int seed or a `random.Random`; the same seed gives the same weights.
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
        generator = make_rng(rng)
        self.layers = [
            Layer(
                sizes[k],
                sizes[k + 1],
                out_act if k == len(nouts) - 1 else activation,
                generator,
                init=init,
                layer=k + 1,
            )
            for k in range(len(nouts))
        ]
        self.activation = activation
        self.output_activation = out_act
        self.init = init

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
        sizes = _check_weight_shapes(weights, biases)
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

    def save(self, path: str | Any) -> None:
        """Write the architecture and weights to a JSON file (atomically)."""
        from .io import save

        save(self, path)

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


def _check_weight_shapes(weights: object, biases: object) -> list[int]:
    """Layer sizes [nin, n1, ...] described by ``weights``/``biases``, or ValueError naming the layer."""
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
                if not _is_number(w) or isinstance(w, bool):
                    raise ValueError(f"layer {k}: W[{i}][{j}] must be a number, got {w!r}")
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
            if not _is_number(b) or isinstance(b, bool):
                raise ValueError(f"layer {k}: b[{i}] must be a number, got {b!r}")
        sizes.append(len(rows))
    return sizes
