"""Compile a traced graph into straight-line Python: one float statement per node.

Training rebuilds the same graph for every example. `compile_graph` walks a graph once and
writes a Python function that replays it on new numbers with no `Value` objects: the
forward pass, one statement per node, then the backward pass, one statement per gradient
contribution, in the same order and with the same formulas as `Value.backward`, so the
results are identical to eager mode.

Like ``torch.jit.trace``, this records the operations that ran: the graph must come from
code whose shape does not depend on the data (no ``if x.data > 0`` choosing between ops).
``relu``'s derivative is chosen at replay time from the replayed value, so relu is fine.
Every op's forward and local derivatives are the op table's expressions (`autograd.ops`),
pasted in with the replay's variable names: the same formulas the engine evaluates.

Labels reach the generated code only as sanitized comments and numbers only as float
literals, so no label or value can change what the code does.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .engine import Value, topological_sort
from .limits import GraphTooLargeError, check_graph_size
from .ops import GATES, HELPERS, OPS

# The helpers the generated code calls: the op table's own, so the formulas are the same.
_NAMESPACE: dict[str, Any] = dict(HELPERS)
# Python's compiler recurses once per ``+`` of a long expression: a sum of more terms than
# this is written as several statements, ``v = a + b + ...`` then ``v = v + ...``, which
# adds in the same left-to-right order, so the value is the same to the bit.
SUM_CHUNK = 200
MAX_NODES = 2_000_000
__all__ = ["MAX_NODES", "CompiledGraph", "GraphTooLargeError", "compile_graph"]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(expr: str, names: Mapping[str, str]) -> str:
    """An op-table expression with its variables (``x``, ``y``, ``out``) replaced by ``names``."""
    return _NAME.sub(lambda m: names.get(m.group(0), m.group(0)), expr)


def literal(x: float) -> str:
    """A float as Python source that evaluates to exactly that float."""
    if math.isnan(x):
        return "_NAN"
    if math.isinf(x):
        return "_INF" if x > 0 else "(-_INF)"
    text = repr(float(x))  # repr round-trips: float(repr(x)) == x
    return f"({text})" if text.startswith("-") else text


def comment(node: Value) -> str:
    """The node's label as a trailing comment, made safe: printable characters only, so it
    cannot end the line and start code; "" for an unlabelled node."""
    if not node.label:
        return ""
    clean = "".join(ch if ch.isprintable() else "?" for ch in node.label)
    return "  # " + (clean if len(clean) <= 60 else clean[:57] + "...")


def index_graph(root: object, who: str, max_nodes: int, what: str,
                hint: str) -> tuple[list[Value], dict[int, int]]:
    """The nodes under ``root`` in topological order and each one's position (by id), for a
    tool that writes code from a graph: TypeError for a non-Value root, `GraphTooLargeError`
    past ``max_nodes``."""
    if not isinstance(root, Value):
        raise TypeError(f"{who} root must be a Value, got {type(root).__name__}")
    order = topological_sort(root)
    check_graph_size(len(order), max_nodes, what, hint)
    return order, {id(n): i for i, n in enumerate(order)}


def check_leaves(name: str, values: object, index: dict[int, int], allow_unused: bool,
                 who: str = "compile_graph()") -> list[Value]:
    """``values`` as a list of leaf Values of the graph (``index``: id -> position), or a clear
    TypeError/ValueError naming ``who`` and the argument."""
    if isinstance(values, (Value, set, frozenset, dict)) or not isinstance(values, Iterable):
        what = "a set or dict, whose order is arbitrary" if isinstance(values, (set, frozenset, dict)) \
            else type(values).__name__
        raise TypeError(f"{who} {name} must be a sequence of Values (a list or tuple), got {what}")
    out = list(values)
    for k, v in enumerate(out):
        if not isinstance(v, Value):
            raise TypeError(f"{who} {name}[{k}] must be a Value, got {type(v).__name__}")
        if v.op:
            raise ValueError(f"{who} {name}[{k}] must be a leaf Value, got the result of {v.op!r}")
        if id(v) not in index and not allow_unused:
            raise ValueError(f"{who} {name}[{k}] ({v!r}) is not in the graph under root")
    return out


class CompiledGraph:
    """A graph replayed as generated Python code; call it with new input values.

    ``g(values)`` returns the root's value for ``values`` (one number per input, in order),
    adds d(root)/d(param) to each param's ``.grad`` (reading params' current ``.data``) and
    leaves d(root)/d(input) in ``g.grad_inputs``. ``g.source`` is the generated code.
    """

    def __init__(self, root: Value, inputs: Sequence[Value], params: Sequence[Value] = (),
                 *, input_grads: bool = True, allow_unused: bool = False, max_nodes: int = MAX_NODES) -> None:
        order, index = index_graph(root, "compile_graph()", max_nodes,
                                   "compile_graph writes a statement or two per value",
                                   "raise max_nodes to compile it anyway (about 20 us and 1 KB a value)")
        self.inputs = check_leaves("inputs", inputs, index, allow_unused)
        self.params = check_leaves("params", params, index, allow_unused)
        seen: set[int] = set()
        for v in self.inputs + self.params:
            if id(v) in seen:
                raise ValueError(f"compile_graph(): {v!r} is given twice among inputs and params")
            seen.add(id(v))
        self.input_grads = input_grads
        self.grad_inputs: tuple[float, ...] = (0.0,) * len(self.inputs)
        self.n_nodes = len(order)
        self._plan = _Plan(order, index, self.inputs, self.params, input_grads)
        self.source = self._plan.function("forward_backward", batch=False)
        self._call = _build(self.source, "forward_backward")
        self._batch: Any = None

    def _check_row(self, values: object, where: str) -> list[float]:
        """``values`` as a list of floats, one per input, or TypeError/ValueError."""
        if isinstance(values, (str, bytes, Value)) or not isinstance(values, Iterable):
            raise TypeError(f"{where} must be a sequence of {len(self.inputs)} numbers, "
                            f"got {type(values).__name__}")
        row = list(values)  # any iterable: a list, a tuple, a NumPy array
        if len(row) != len(self.inputs):
            raise ValueError(f"{where} needs one value per input ({len(self.inputs)}), got {len(row)}")
        for k, v in enumerate(row):
            if type(v) is not float:
                if not isinstance(v, numbers.Real) or isinstance(v, bool):
                    raise TypeError(f"{where}[{k}] must be a real number, got {type(v).__name__}: {v!r}")
                row[k] = float(v)
        return row

    def __call__(self, values: Sequence[float]) -> float:
        """Replay the graph at ``values``: return the root's value and add param gradients."""
        out, grads = self._call(self._check_row(values, "values"), self.params)
        self.grad_inputs = grads
        return float(out)

    def accumulate(self, rows: Iterable[Sequence[float]], scale: float = 1.0) -> float:
        """Replay the graph once per row; add ``scale`` times the summed d(root)/d(param) to the
        params' ``.grad`` and return ``scale`` times the summed root values.

        ``scale = 1/len(rows)`` gives a mean loss and its gradient. All rows are checked before
        anything changes; the parameters' ``.data`` is read once, at the start.
        """
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
            raise TypeError(f"accumulate() rows must be a sequence of rows, got {type(rows).__name__}")
        checked = [self._check_row(r, f"rows[{i}]") for i, r in enumerate(rows)]
        if not isinstance(scale, numbers.Real) or isinstance(scale, bool):
            raise TypeError(f"accumulate() scale must be a number, got {type(scale).__name__}")
        if self._batch is None:
            self._batch = _build(self._plan.function("accumulate", batch=True), "accumulate")
        return float(self._batch(checked, self.params, float(scale)))

    @property
    def plan(self) -> _Plan:
        """The statements behind `source` (forward, backward, gradient names), for tools that
        explain the code."""
        return self._plan

    @property
    def batch_source(self) -> str:
        """The generated code of `accumulate`: the same body inside a loop over rows."""
        return self._plan.function("accumulate", batch=True)

    def __repr__(self) -> str:
        return (f"CompiledGraph({self.n_nodes} nodes, {len(self.inputs)} inputs, "
                f"{len(self.params)} params)")


def compile_graph(root: Value, inputs: Sequence[Value], params: Sequence[Value] = (),
                  *, input_grads: bool = True, allow_unused: bool = False,
                  max_nodes: int = MAX_NODES) -> CompiledGraph:
    """Trace the graph under ``root`` once into a `CompiledGraph`.

    Args:
        inputs: leaf Values whose numbers are given at each call, in order.
        params: leaf Values read from ``.data`` at each call; their ``.grad`` receives
            d(root)/d(param). Every other leaf is a constant, frozen at its current value.
        input_grads: also compute d(root)/d(input) (``g.grad_inputs``); training does not
            need them.
        allow_unused: accept inputs and params the root does not depend on (their numbers
            are read and ignored, their gradient is 0) instead of raising ValueError.
        max_nodes: a larger graph raises `GraphTooLargeError` (the default allows 2e6).
    """
    return CompiledGraph(root, inputs, params, input_grads=input_grads, allow_unused=allow_unused,
                         max_nodes=max_nodes)


def _build(source: str, name: str) -> Any:
    namespace = dict(_NAMESPACE)
    exec(compile(source, f"<deltagrad compiled {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


class _Plan:
    """The statements of a graph's replay: forward, then backward."""

    def __init__(self, order: list[Value], index: dict[int, int], inputs: list[Value],
                 params: list[Value], input_grads: bool) -> None:
        self.order = order
        self.index = index
        self.input_pos = {id(v): k for k, v in enumerate(inputs)}
        self.param_pos = {id(v): k for k, v in enumerate(params)}
        self.inputs = inputs
        self.params = params
        self.input_grads = input_grads
        n = len(order)
        # live: depends on an input or a param, so it must be recomputed at every replay
        live = [False] * n
        # needs: lies on a path to an input or param whose gradient is wanted
        needs = [False] * n
        for i, node in enumerate(order):
            if id(node) in self.input_pos:
                live[i] = True
                needs[i] = input_grads
            elif id(node) in self.param_pos:
                live[i] = needs[i] = True
            else:
                ops = [index[id(c)] for c in node.inputs]
                live[i] = any(live[j] for j in ops)
                needs[i] = any(needs[j] for j in ops)
        self.live = live
        self.needs = needs
        self.forward = self._forward()
        self.backward, self.grad_names = self._backward()

    def value(self, node: Value) -> str:
        """The expression of a node's value: its variable, or a literal for a constant."""
        i = self.index[id(node)]
        return f"v{i}" if self.live[i] else literal(node.data)

    def _forward(self) -> list[str]:
        lines = []
        for i, node in enumerate(self.order):
            if not self.live[i] or not node.op:
                continue  # constants are literals; inputs and params are loaded separately
            args = [self.value(c) for c in node.inputs]
            c = node.const
            if c is not None:
                args.append(literal(c))
            if node.op == "+":  # n-ary: left to right, in statements of SUM_CHUNK terms
                first, rest = args[:SUM_CHUNK], args[SUM_CHUNK:]
                lines.append(f"v{i} = {' + '.join(first)}{comment(node)}")
                for k in range(0, len(rest), SUM_CHUNK):
                    lines.append(f"v{i} = v{i} + {' + '.join(rest[k:k + SUM_CHUNK])}")
                continue
            names = dict(zip(("x", "y"), args))
            lines.append(f"v{i} = {substitute(OPS[node.op].value, names)}{comment(node)}")
        return lines

    def _local(self, node: Value, k: int) -> str:
        """d(node)/d(operand k), evaluated at replay time from the op table's expression."""
        spec = OPS[node.op]
        if node.op == "+":
            return "1.0"
        i = self.index[id(node)]
        args = [self.value(c) for c in node.inputs]
        if node.const is not None:
            args.append(literal(node.const))
        local = substitute(spec.local[k], {"x": args[0], "y": args[-1], "out": f"v{i}"})
        return local if _NAME.fullmatch(local) or local == "1.0" else f"({local})"

    def _backward(self) -> tuple[list[str], dict[int, str]]:
        """Gradient statements in `Value.backward`'s order: nodes last to first, operands in order.

        A node's gradient is a name: its own ``g{i}``, or an alias of another name when its
        only contribution so far is exactly that name (d(a + b)/da = 1 needs no statement).
        """
        lines: list[str] = []
        grad: dict[int, str] = {len(self.order) - 1: "_seed"}  # d(root)/d(root) = 1 (or the scale)
        self.assigned: dict[int, list[int]] = {}  # node -> indices of the lines that assign g<node>
        for i in range(len(self.order) - 1, -1, -1):
            node = self.order[i]
            if not node.op or not self.needs[i]:
                continue
            g = grad[i]
            for k, child in enumerate(node.inputs):
                j = self.index[id(child)]
                if not self.needs[j]:
                    continue
                local = self._local(node, k)
                if node.op in GATES:  # selects: an inf or nan gradient stays out when off
                    term = f"({g} if {local} else 0.0)"
                elif local == "1.0":
                    term = g  # g * 1.0 == g, bit for bit
                else:
                    term = f"{g} * {local}"
                if j not in grad:
                    if term.isidentifier():
                        grad[j] = term
                        continue
                    line = f"g{j} = {term}"
                else:
                    line = f"g{j} = {grad[j]} + {term}"
                self.assigned.setdefault(j, []).append(len(lines))
                lines.append(line)
                grad[j] = f"g{j}"
        return lines, grad

    def _grad_name(self, v: Value) -> str:
        i = self.index.get(id(v))
        return "0.0" if i is None else self.grad_names.get(i, "0.0")

    def function(self, name: str, *, batch: bool) -> str:
        """The source of the replay function, single call or batched."""
        root_i = len(self.order) - 1
        root = self.value(self.order[root_i])
        loads = []
        for k, v in enumerate(self.params):
            if id(v) in self.index:  # else unused: nothing depends on it
                loads.append(f"v{self.index[id(v)]} = _P[{k}].data{comment(v)}")
        input_names = [f"v{self.index[id(v)]}" if id(v) in self.index else "_" for v in self.inputs]
        unpack = (f"{', '.join(input_names)}, = _x" if input_names else "pass")
        param_grads = [(k, self._grad_name(v)) for k, v in enumerate(self.params)]
        input_grads = [self._grad_name(v) if self.input_grads else "0.0" for v in self.inputs]
        body = ["# forward: one statement per node", *self.forward,
                "# backward: g<i> = d(root)/d(v<i>), contributions in Value.backward's order",
                *self.backward]
        header = [
            f"# generated by deltagrad's compile_graph from {len(self.order)} nodes: "
            f"{len(self.forward)} forward and {len(self.backward)} backward statements",
        ]
        if not batch:
            out = header + [f"def {name}(_x, _P):", "    _seed = 1.0", *("    " + s for s in loads),
                            f"    {unpack}", *("    " + s for s in body)]
            out += [f"    _P[{k}].grad += {g}" for k, g in param_grads]
            out.append(f"    return {root}, ({''.join(g + ', ' for g in input_grads)})")
            return "\n".join(out) + "\n"
        # A param whose gradient is one statement ``g<j> = term`` accumulates the term
        # directly: ``_G<k> += term`` (the same sum, one statement fewer per row).
        backward = list(self.backward)
        direct = set()
        for k, v in enumerate(self.params):
            j = self.index.get(id(v), -1)
            lines = self.assigned.get(j, [])
            if len(lines) == 1 and self.grad_names.get(j) == f"g{j}":
                backward[lines[0]] = f"_G{k} += " + backward[lines[0]].split(" = ", 1)[1]
                direct.add(k)
        body = body[: len(body) - len(self.backward)] + backward
        out = header + [f"def {name}(_rows, _P, _seed):", *("    " + s for s in loads)]
        out += [f"    _G{k} = 0.0" for k, _ in param_grads]
        out += ["    _total = 0.0", "    for _x in _rows:", f"        {unpack}",
                *("        " + s for s in body)]
        out += [f"        _G{k} += {g}" for k, g in param_grads if k not in direct]
        out += [f"        _total += {root}"]
        out += [f"    _P[{k}].grad += _G{k}" for k, _ in param_grads]
        out.append("    return _total * _seed")
        return "\n".join(out) + "\n"
