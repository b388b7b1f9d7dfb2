"""Gradients of gradients: `grad(..., create_graph=True)`, Hessians, Hessian-vector products.

`Value.backward` multiplies floats: fast, but its gradients cannot be differentiated again.
`grad` can also run the chain rule on `Value`s: each op's rule, read once with symbolic
operands (`autograd.trace`), is evaluated on Values, so the gradient is a graph of its
own, which `grad`, `backward`, `compile_graph` and `draw_dot` take like any other, to any
order. Both use the numbers of the forward pass (see `value_locals`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .engine import Value, as_float, reverse_pass, topological_sort
from .ops import GATES
from .trace import value_locals

Scalar = Value | float


def _check(output: object, inputs: object) -> list[Value]:
    if not isinstance(output, Value):
        raise TypeError(f"grad() output must be a Value, got {type(output).__name__}: {output!r}")
    if isinstance(inputs, Value):
        inputs = [inputs]
    if isinstance(inputs, (str, bytes, set, frozenset, dict)) or not isinstance(inputs, Sequence):
        raise TypeError(f"grad() inputs must be a Value or a list of Values, got {type(inputs).__name__}")
    out = list(inputs)
    if not out:
        raise ValueError("grad() needs at least one input, got an empty list")
    for i, v in enumerate(out):
        if not isinstance(v, Value):
            raise TypeError(f"grad() inputs[{i}] must be a Value, got {type(v).__name__}: {v!r}")
    return out


def grad(output: Value, inputs: Value | Sequence[Value], *, create_graph: bool = False) -> list[Any]:
    """d(output)/d(input) for each input, in order, without touching any ``.grad``.

    With ``create_graph=False`` the results are floats, equal to the bit to what
    ``output.backward()`` would add to each input's ``.grad`` (the same pass, the same
    order). With ``create_graph=True`` they are `Value`s: graphs built from the op table's
    derivative rules, which can be differentiated again; their ``.data`` equals the float
    result to the bit. An input that ``output`` does not depend on gets 0.0 (or
    ``Value(0.0)``): there is no ``allow_unused`` to set. nan and inf propagate by IEEE
    rules, as in the engine.
    """
    wanted = _check(output, inputs)
    if not create_graph:
        return reverse_pass(output, wanted, accumulate=False)
    symbolic = _value_pass(output)
    result = []
    for v in wanted:
        g = symbolic.get(v)
        if g is None:
            result.append(Value(0.0))
        elif isinstance(g, Value):
            result.append(g)
        else:
            result.append(Value(g))
    return result


def _value_pass(root: Value) -> dict[Value, Scalar]:
    """The reverse pass of `Value.backward` with Values instead of floats.

    The same order and the same first-contribution-as-is sums as the float pass, so each
    result's ``.data`` is the float gradient to the bit. Gradients that are exactly a
    number (the seed 1, a relu that is off) stay floats until they meet a Value.
    """
    order = topological_sort(root)
    grads: dict[Value, Scalar] = {root: 1.0}
    for node in reversed(order):
        g = grads.get(node)
        if g is None or not node.op:
            continue
        operands = node.inputs
        if node.op == "+":
            locals_: tuple[Any, ...] = (1.0,) * len(operands)
        else:
            locals_ = value_locals(node)
        for k, child in enumerate(operands):
            local = locals_[k]
            if node.op in GATES:  # selects: the gradient or exactly 0
                term: Scalar = g if local else 0.0
            else:
                term = _times(g, local)
            before = grads.get(child)
            grads[child] = term if before is None else _plus(before, term)
    return grads


def _times(g: Scalar, local: Scalar) -> Scalar:
    """g * local, with no node where a factor is exactly the number 1 (IEEE: 1 * x is x)."""
    if isinstance(local, Value):
        if isinstance(g, Value):
            return g * local
        return local if g == 1.0 else local * g  # x * y is y * x to the bit
    return g if local == 1.0 else g * local


def _plus(a: Scalar, b: Scalar) -> Scalar:
    """a + b, a Value when either is (IEEE addition commutes, to the bit)."""
    if isinstance(a, Value) or not isinstance(b, Value):
        return a + b
    return b + a


def _leaves(point: object, what: str) -> list[Value]:
    if isinstance(point, (str, bytes, Value)) or not isinstance(point, Sequence):
        raise TypeError(f"{what}() point must be a list of numbers, got {type(point).__name__}")
    leaves = []
    for i, x in enumerate(point):
        value = as_float(x)
        if value is None:
            raise TypeError(f"{what}() point[{i}] must be a real number, got {type(x).__name__}: {x!r}")
        leaves.append(Value(value, label=f"x[{i}]"))
    if not leaves:
        raise ValueError(f"{what}() needs a point with at least one coordinate, got an empty list")
    return leaves


def _call(fn: Callable[[list[Value]], Value], leaves: list[Value], what: str) -> Value:
    if not callable(fn):
        raise TypeError(f"{what}() fn must be callable, got {type(fn).__name__}")
    out = fn(leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{what}() fn must return a Value, but it returned {type(out).__name__}: {out!r}")
    return out


def hessian(fn: Callable[[list[Value]], Value], point: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d^2 fn/dx_i dx_j at ``point``.

    ``fn`` takes a list of Values (one per coordinate) and returns a Value. Row i is the
    gradient of d fn/dx_i, itself computed with ``create_graph=True``; the result is
    symmetric up to rounding.
    """
    leaves = _leaves(point, "hessian")
    out = _call(fn, leaves, "hessian")
    first = grad(out, leaves, create_graph=True)
    return [grad(g, leaves) for g in first]


def hvp(fn: Callable[[list[Value]], Value], point: Sequence[float], vector: Sequence[float]) -> list[float]:
    """The Hessian-vector product H v at ``point``, by double backprop: the gradient of
    ``sum_i (d fn/dx_i) v_i``, without building the Hessian."""
    leaves = _leaves(point, "hvp")
    v = [as_float(c) for c in vector] if isinstance(vector, Sequence) else None
    if v is None or any(c is None for c in v):
        raise TypeError(f"hvp() vector must be a list of numbers, got {vector!r}")
    if len(v) != len(leaves):
        raise ValueError(f"hvp() vector has {len(v)} entries but the point has {len(leaves)}")
    out = _call(fn, leaves, "hvp")
    first = grad(out, leaves, create_graph=True)
    directional = Value.sum([g * c for g, c in zip(first, v)])  # type: ignore[misc]
    return grad(directional, leaves)


def derivatives(fn: Callable[[Value], Value], x: float, order: int) -> list[float]:
    """``[f(x), f'(x), f''(x), ...]`` up to ``order`` for a function of one variable."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"derivatives() order must be a whole number >= 0, got {order!r}")
    (leaf,) = _leaves([x], "derivatives")
    if not callable(fn):
        raise TypeError(f"derivatives() fn must be callable, got {type(fn).__name__}")
    current = fn(leaf)
    if not isinstance(current, Value):
        raise TypeError(f"derivatives() fn must return a Value, but it returned {type(current).__name__}")
    values = [current.data]
    for _ in range(order):
        (current,) = grad(current, [leaf], create_graph=True)
        values.append(current.data)
    return values
