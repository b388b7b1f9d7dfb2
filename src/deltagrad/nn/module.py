"""Neuron, Layer and MLP on `autograd.Value`, with textbook parameter names.

Names follow the classic notation, layers numbered from 1 and indices from 0 as Python
lists: ``W1[0][1]`` is the weight into neuron 0 of layer 1 from input 1, ``b1[0]`` its bias.
The forward pass labels what it creates (``x[0]``, ``z1[0]``, ``a1[0]``) so that a drawn
graph reads like the textbook.

Each class checks its arguments once, in the constructor the user called; a network builds
its layers and neurons from numbers it has already checked. Saving and loading are in
`nn.io`, the PyTorch conversion in `nn.pytorch`, the init schemes in `nn.init`.
"""

from __future__ import annotations

import contextlib
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import is_sequence, real, whole
from deltagrad.i18n import _

from .activations import ACTIVATIONS, Activation, check_activation
from .init import RngLike, check_init, check_init_scale, init_weights, make_rng

# The most parameters an eager network may have: every forward pass makes about 3 Values
# (~150 bytes each) per parameter, so 10^6 is about half a GB per example in the graph.
MAX_PARAMETERS = 1_000_000


def _size(value: object, name: str) -> int:
    return whole(value, name, low=1)


@contextlib.contextmanager
def grads_kept(params: Iterable[Value]) -> Iterator[list[Value]]:
    """Within the block the parameters' ``.grad`` start at 0; after it (also after an
    error) each has its old ``.grad`` back. For a measurement that must not disturb training."""
    kept = list(params)
    saved = [p.grad for p in kept]
    try:
        for p in kept:
            p.grad = 0.0
        yield kept
    finally:
        for p, g in zip(kept, saved):
            p.grad = g


def _start(activation: object, init: object, init_scale: object) -> tuple[Activation, str, float]:
    """A neuron's or layer's activation record, init scheme and init scale, each checked."""
    act = ACTIVATIONS[check_activation(activation)]
    scheme = check_init(init)
    return act, scheme, check_init_scale(scheme, init_scale)


def _activations(activation: object, output_activation: object) -> tuple[Activation, Activation]:
    """A network's hidden and output activation records, checked (no output activation: the hidden one)."""
    hidden = ACTIVATIONS[check_activation(activation)]
    if output_activation is None:
        return hidden, hidden
    return hidden, ACTIVATIONS[check_activation(output_activation, "output_activation")]


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

    def grads_kept(self) -> contextlib.AbstractContextManager[list[Value]]:
        """`grads_kept` of this module's parameters: ``.grad`` zeroed inside, restored after."""
        return grads_kept(self.parameters())

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
        for (_name, p), value in zip(params, values):  # everything is checked: now change
            p.data = value


class Neuron(Module):
    """One neuron: ``a = activation(sum_j w[j] x[j] + b)``."""

    def __init__(self, nin: int, activation: str = "sigmoid", rng: RngLike = None, *, init: str = "uniform",
                 nout: int = 1, layer: int = 1, index: int = 0, init_scale: float = 1.0) -> None:
        """Args:
        nout: the width of the neuron's layer (Xavier initialisation uses it).
        layer, index: the neuron's place in a network, used in parameter names.
        init_scale: multiplies the initial weights (the bias starts at 0 whatever the init).
        """
        n = _size(nin, "nin")
        act, scheme, scale = _start(activation, init, init_scale)
        width = _size(nout, "nout")
        place = whole(layer, "layer", low=1), whole(index, "index", low=0)
        self._build(init_weights(scheme, n, width, make_rng(rng), scale), 0.0, act, *place)

    @classmethod
    def _checked(cls, weights: list[float], bias: float, act: Activation, layer: int, index: int) -> Neuron:
        """A neuron from numbers its caller has checked (no second check)."""
        neuron = cls.__new__(cls)
        neuron._build(weights, bias, act, layer, index)
        return neuron

    def _build(self, weights: list[float], bias: float, act: Activation, layer: int, index: int) -> None:
        self.w = [Value(w, label=f"W{layer}[{index}][{j}]") for j, w in enumerate(weights)]
        self.b = Value(bias, label=f"b{layer}[{index}]")  # biases start at 0: they do not cause symmetry
        self.activation = act.name
        self.layer = layer
        self.index = index
        # looked up and formatted once, not in every forward pass
        self._apply = act.method
        self._z_label, self._a_label = f"z{layer}[{index}]", f"a{layer}[{index}]"

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return len(self.w)

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(w.label, w) for w in self.w] + [(self.b.label, self.b)]

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's activation for inputs ``x`` (labels ``z`` and ``a`` as in the textbook)."""
        return self._forward(_as_inputs(x, self.nin))

    def _forward(self, xs: Sequence[Value]) -> Value:
        # z = w0 x0 + w1 x1 + ... + b, one n-ary sum node (same value as chained +)
        terms = [w * xi for w, xi in zip(self.w, xs)]
        terms.append(self.b)
        z = Value.sum(terms)
        z.label = self._z_label
        if self._apply is None:  # the identity: a = z
            return z
        a = self._apply(z)
        a.label = self._a_label
        return a

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r})"


class Layer(Module):
    """A layer of ``nout`` neurons that all see the same ``nin`` inputs."""

    def __init__(self, nin: int, nout: int, activation: str = "sigmoid", rng: RngLike = None, *,
                 init: str = "uniform", layer: int = 1, init_scale: float = 1.0) -> None:
        n_in, n_out = _size(nin, "nin"), _size(nout, "nout")
        act, scheme, scale = _start(activation, init, init_scale)
        number = whole(layer, "layer", low=1)
        generator = make_rng(rng)
        weights = [init_weights(scheme, n_in, n_out, generator, scale) for _ in range(n_out)]
        self._build(weights, [0.0] * n_out, act, number)

    @classmethod
    def _checked(cls, weights: list[list[float]], biases: list[float], act: Activation, layer: int) -> Layer:
        """A layer from numbers its caller has checked (no second check)."""
        made = cls.__new__(cls)
        made._build(weights, biases, act, layer)
        return made

    def _build(self, weights: list[list[float]], biases: list[float], act: Activation, layer: int) -> None:
        self.neurons = [Neuron._checked(row, b, act, layer, i) for i, (row, b) in enumerate(zip(weights, biases))]
        self.activation = act.name
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


def check_parameter_count(sizes: Sequence[int]) -> None:
    """ValueError, with the count, for a network of ``sizes`` past `MAX_PARAMETERS`."""
    total = sum((sizes[k] + 1) * sizes[k + 1] for k in range(len(sizes) - 1))
    if total > MAX_PARAMETERS:
        raise ValueError(_(
            "a network of sizes {sizes} has {total:,} parameters, more than the {limit:,} an eager network "
            "may have (each forward pass builds about 3 graph values, ~450 bytes, per parameter); use "
            "smaller layers").format(sizes=list(sizes), total=total, limit=MAX_PARAMETERS))


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
        init: ``"uniform"`` (U[-1, 1], the classic text), ``"xavier"``, ``"he"``,
            ``"zeros"`` (every weight 0: the symmetric start the textbook warns about) or
            ``"constant"`` (every weight 0.5: equal, so just as symmetric); see `nn.init`.
        rng: an int seed or a `random.Random`; the same seed gives the same weights.
        init_scale: multiplies every initial weight (default 1): ``init="uniform",
            init_scale=0.01`` is the textbook's "too small", ``10`` its "too large". Not
            allowed with ``init="zeros"``, where it would have no effect. Biases always
            start at 0: they do not cause the symmetry.
        """
        sizes = _sizes(nin, nouts)
        hidden, out_act = _activations(activation, output_activation)
        scheme = check_init(init)
        if init_scale is not None and scheme == "zeros":
            raise ValueError(f"init_scale={init_scale!r} has no effect with init='zeros' (0 times any scale is 0)")
        scale = check_init_scale(scheme, 1.0 if init_scale is None else init_scale)
        generator = make_rng(rng)
        weights = [[init_weights(scheme, sizes[k], sizes[k + 1], generator, scale) for _ in range(sizes[k + 1])]
                   for k in range(len(sizes) - 1)]
        self._build(weights, [[0.0] * n for n in sizes[1:]], hidden, out_act)
        self.init = scheme
        self.init_scale = scale

    def _build(self, weights: list[list[list[float]]], biases: list[list[float]], hidden: Activation,
               out_act: Activation) -> None:
        last = len(weights) - 1
        self.layers = [Layer._checked(rows, bs, out_act if k == last else hidden, k + 1)
                       for k, (rows, bs) in enumerate(zip(weights, biases))]
        self.activation = hidden.name
        self.output_activation = out_act.name

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        activation: str = "sigmoid",
        output_activation: str | None = None,
    ) -> MLP:
        """An MLP with the given weights (per layer, row i = weights into neuron i) and biases.

        Lists, tuples and NumPy arrays are all accepted; a weight that is not a real number
        (``"a"``, None, True, a Value, 1j, a nested list) is a TypeError naming it.
        """
        from .io import weight_floats

        hidden, out_act = _activations(activation, output_activation)
        rows, bs = weight_floats(weights, biases)
        check_parameter_count([len(rows[0][0]), *(len(layer) for layer in rows)])
        model = cls.__new__(cls)
        model._build(rows, bs, hidden, out_act)
        model.init = "uniform"
        model.init_scale = 1.0
        return model

    @classmethod
    def from_dict(cls, data: object, source: str = "model description") -> MLP:
        """The MLP a `to_dict` description gives (`nn.io.from_dict`)."""
        from .io import from_dict

        return from_dict(data, source)

    @classmethod
    def from_torch(cls, seq: Any) -> MLP:
        """The MLP of a ``torch.nn.Sequential`` (`nn.pytorch.from_torch`)."""
        from .pytorch import from_torch

        return from_torch(seq)

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
        """The JSON-ready description of the model (`nn.io.to_dict`)."""
        from .io import to_dict

        return to_dict(self)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to a strict JSON file, atomically (`nn.io.save`)."""
        from .io import save

        return save(self, path)

    def to_torch(self) -> Any:
        """The same network as a ``torch.nn.Sequential`` (`nn.pytorch.to_torch`)."""
        from .pytorch import to_torch

        return to_torch(self)

    def __repr__(self) -> str:
        acts = f"activation={self.activation!r}"
        if self.output_activation != self.activation:
            acts += f", output_activation={self.output_activation!r}"
        return f"MLP({self.sizes[0]}, {self.sizes[1:]}, {acts})"


def _sizes(nin: object, nouts: object) -> list[int]:
    """[nin, *nouts] as ints (``np.int64`` too), with the parameter count bounded."""
    sizes = [_size(nin, "nin")]
    if not is_sequence(nouts):
        raise TypeError(_("nouts must be a list of layer widths, got {kind}").format(kind=type(nouts).__name__))
    widths = list(nouts)  # type: ignore[call-overload]
    if len(widths) == 0:
        raise ValueError("nouts must name at least one layer, got an empty list")
    sizes += [_size(n, f"nouts[{i}]") for i, n in enumerate(widths)]
    check_parameter_count(sizes)
    return sizes


def _as_inputs(x: object, nin: int, label_inputs: bool = False) -> list[Value]:
    """Check that ``x`` is ``nin`` numbers or Values; numbers become leaves ``x[j]``."""
    if not is_sequence(x) and not isinstance(x, Iterator):
        if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool) and nin == 1:
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
        elif isinstance(xj, numbers.Real) and not isinstance(xj, bool):
            out.append(Value(real(xj, f"input {j}"), label=f"x[{j}]"))
        else:
            raise TypeError(f"input {j} must be a number or a Value, got {type(xj).__name__}: {xj!r}")
    return out
