"""Compile a traced graph into straight-line code: one float statement per node.

Training rebuilds the same graph for every example. `compile_graph` walks a graph once and
writes a function that replays it on new numbers with no `Value` objects: the forward
pass, one statement per node, then the backward pass, one statement per gradient
contribution, in the same order and with the same formulas as `Value.backward`, so the
results are identical to eager mode.

Like ``torch.jit.trace``, this records the operations that ran: the graph must come from
code whose shape does not depend on the data (no ``if x.data > 0`` choosing between ops).
``relu``'s derivative is chosen at replay time from the replayed value, so relu is fine.
Every op's forward and local derivatives are its rule in the engine, read once with
symbolic operands (`autograd.trace`) and written out with the replay's variable names:
the same formulas the engine evaluates. The writing is done by an emitter: Python
(``g.source``, what the replay runs) or JavaScript (``g.javascript``, for a page).

Labels reach the generated code only as sanitized comments and numbers only as float
literals, so no label or value can change what the code does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from deltagrad.i18n import _

from .engine import Value, to_float, topological_sort
from .limits import GraphTooLargeError, check_graph_size
from .ops import _INF, _NAN, GATES, HELPERS, OPS
from .trace import JAVASCRIPT, PYTHON, Emitter, form_of, operand_names, template

# The names the generated Python calls: the op rules' own helpers, so the formulas are the same.
_NAMESPACE: dict[str, Any] = {**HELPERS, "_INF": _INF, "_NAN": _NAN}
# Python's compiler recurses once per ``+`` of a long expression: a sum of more terms than
# this is written as several statements, ``v = a + b + ...`` then ``v = v + ...``, which
# adds in the same left-to-right order, so the value is the same to the bit.
SUM_CHUNK = 200
MAX_NODES = 2_000_000
__all__ = ["MAX_NODES", "CompiledGraph", "GraphTooLargeError", "compile_graph", "load_source"]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(expr: str, names: Mapping[str, str]) -> str:
    """An op-table expression with its variables (``x``, ``y``, ``out``) replaced by ``names``."""
    return _NAME.sub(lambda m: names.get(m.group(0), m.group(0)), expr)


def literal(x: float) -> str:
    """A float as Python source that evaluates to exactly that float."""
    return PYTHON.literal(x)


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
    """A graph replayed as generated code; call it with new input values.

    ``g(values)`` returns the root's value for ``values`` (one number per input, in order),
    adds d(root)/d(param) to each param's ``.grad`` (reading params' current ``.data``) and
    leaves d(root)/d(input) in ``g.grad_inputs``.

    ``g.source`` is the generated Python that this runs. ``g.javascript`` is the same
    replay in JavaScript: one function expression ``(function (x, p, rt) {...})`` taking
    the inputs' and the params' numbers (arrays, in compile order) and the runtime object
    (`deltagrad.autograd.javascript_runtime`, the global ``deltagrad_runtime``), and
    returning ``{value, params: [dL/dp...], inputs: [dL/dx...]}``; it changes nothing.
    ``g.javascript_with(nodes)`` also returns ``values`` and ``grads`` of the given nodes.
    """

    def __init__(self, root: Value, inputs: Sequence[Value], params: Sequence[Value] = (),
                 *, input_grads: bool = True, allow_unused: bool = False, max_nodes: int = MAX_NODES) -> None:
        order, index = index_graph(root, "compile_graph()", max_nodes,
                                   _("compile_graph writes a statement or two per value"),
                                   _("raise max_nodes to compile it anyway (about 20 us and 1 KB a value)"))
        self.inputs = check_leaves("inputs", inputs, index, allow_unused)
        self.params = check_leaves("params", params, index, allow_unused)
        seen: set[int] = set()
        for v in self.inputs + self.params:
            if id(v) in seen:
                raise ValueError(_("compile_graph(): {value!r} is given twice among inputs and params").format(value=v))
            seen.add(id(v))
        self.input_grads = input_grads
        self.grad_inputs: tuple[float, ...] = (0.0,) * len(self.inputs)
        self.n_nodes = len(order)
        self._plan = _Plan(order, index, self.inputs, self.params, input_grads)
        self.source = self._plan.function("forward_backward", batch=False)
        self._call = load_source(self.source, "forward_backward")
        self._batch: Any = None
        self._javascript: str | None = None

    def _check_row(self, values: object, where: str) -> list[float]:
        """``values`` as a list of floats, one per input, or TypeError/ValueError."""
        if isinstance(values, (str, bytes, Value)) or not isinstance(values, Iterable):
            raise TypeError(_("{where} must be a sequence of {n} numbers, got {kind}").format(
                where=where, n=len(self.inputs), kind=type(values).__name__))
        row = list(values)  # any iterable: a list, a tuple, a NumPy array
        if len(row) != len(self.inputs):
            raise ValueError(_("{where} needs one value per input ({n}), got {got}").format(
                where=where, n=len(self.inputs), got=len(row)))
        for k, v in enumerate(row):
            if type(v) is not float:
                row[k] = to_float(v, f"{where}[{k}]")  # ValueError names a number too large
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
            raise TypeError(_("accumulate() rows must be a sequence of rows, got {kind}").format(
                kind=type(rows).__name__))
        checked = [self._check_row(r, f"rows[{i}]") for i, r in enumerate(rows)]
        factor = to_float(scale, "accumulate() scale")
        if self._batch is None:
            self._batch = load_source(self._plan.function("accumulate", batch=True), "accumulate")
        return float(self._batch(checked, self.params, factor))

    @property
    def plan(self) -> _Plan:
        """The statements behind `source` (forward, backward, gradient names), for tools that
        explain the code."""
        return self._plan

    @property
    def batch_source(self) -> str:
        """The generated code of `accumulate`: the same body inside a loop over rows."""
        return self._plan.function("accumulate", batch=True)

    @property
    def javascript(self) -> str:
        """The replay as one JavaScript function expression (see the class docstring)."""
        if self._javascript is None:
            self._javascript = self._plan.javascript()
        return self._javascript

    def javascript_with(self, nodes: Sequence[Value]) -> str:
        """`javascript`, whose result also has ``values`` and ``grads``: each of ``nodes``'
        value and d(root)/d(node), in the order given (for a page that shows them)."""
        if isinstance(nodes, (Value, str, bytes, set, frozenset, dict)) or not isinstance(nodes, Iterable):
            raise TypeError(_("javascript_with() nodes must be a list of Values of the graph, got {kind}").format(
                kind=type(nodes).__name__))
        wanted = list(nodes)
        for k, v in enumerate(wanted):
            if not isinstance(v, Value):
                raise TypeError(_("javascript_with() nodes[{k}] must be a Value, got {kind}").format(
                    k=k, kind=type(v).__name__))
            if id(v) not in self._plan.index:
                raise ValueError(_("javascript_with() nodes[{k}] ({value!r}) is not in the graph").format(k=k, value=v))
        plan = _Plan(self._plan.order, self._plan.index, self.inputs, self.params, self.input_grads,
                     extra=wanted)
        return plan.javascript(wanted)

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


def load_source(source: str, name: str, helpers: Mapping[str, Any] | None = None) -> Any:
    """Run Python source that deltagrad generated and return its function ``name``.

    The only place the package executes code: the replay `_Plan` writes, the program
    `torch_source` writes, and the op rules on Values (`autograd.trace`). Labels reach that
    code only as sanitised comments. ``helpers``: the names it calls (the float helpers).
    """
    namespace = dict(_NAMESPACE if helpers is None else helpers)
    exec(compile(source, f"<deltagrad generated {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


_ONE = 1.0


class _Formats:
    """Per op, form and emitter: the value and local derivatives as format strings, so that
    writing a node is a ``str.format`` (a tree is rendered once per op, not per node)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], tuple[str, list[str], list[bool]]] = {}

    def get(self, node: Value, emitter: Emitter) -> tuple[str, list[str], list[bool]]:
        form = form_of(node)
        key = (node.op, form, emitter.name)
        found = self._cache.get(key)
        if found is None:
            op = OPS[node.op]
            t = template(op, form)
            names = {name: "{" + name + "}" for name in ("x", "y", "out")}
            names.update({f"x{k}": "{x" + str(k) + "}" for k in range(len(node.inputs))})
            value = emitter.render(t.value, names)
            locals_ = []
            ones = []
            for tree in t.locals:
                one = tree.kind == "const" and tree.args[0] == _ONE
                text = emitter.render(tree, names)
                locals_.append(text if _NAME.fullmatch(text.replace("{", "").replace("}", "")) else f"({text})")
                ones.append(one)
            found = (value, locals_, ones)
            self._cache[key] = found
        return found


_FORMATS = _Formats()


class _Plan:
    """The statements of a graph's replay: forward, then backward (Python in ``forward`` and
    ``backward``; `javascript` writes the same statements in JavaScript)."""

    def __init__(self, order: list[Value], index: dict[int, int], inputs: list[Value],
                 params: list[Value], input_grads: bool, extra: Sequence[Value] = ()) -> None:
        self.order = order
        self.index = index
        self.input_pos = {id(v): k for k, v in enumerate(inputs)}
        self.param_pos = {id(v): k for k, v in enumerate(params)}
        self.inputs = inputs
        self.params = params
        self.input_grads = input_grads
        forced = {id(v) for v in extra}
        n = len(order)
        # live: depends on an input or a param, so it must be recomputed at every replay
        live = [False] * n
        # needs: lies on a path to an input or param whose gradient is wanted (or to a node
        # of ``extra``, whose gradient a page shows)
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
            if id(node) in forced:
                needs[i] = True
        self.live = live
        self.needs = needs
        self.forward = [f"{target} = {expr}{note}" for target, expr, note in self._forward(PYTHON)]
        python_backward, self.grad_names, self.assigned = self._backward(PYTHON)
        self.backward = [f"{target} = {expr}" for target, expr in python_backward]

    def value(self, node: Value, emitter: Emitter = PYTHON) -> str:
        """The expression of a node's value: its variable, or a literal for a constant."""
        i = self.index[id(node)]
        return f"v{i}" if self.live[i] else emitter.literal(node.data)

    def _args(self, node: Value, emitter: Emitter) -> list[str]:
        args = [self.value(c, emitter) for c in node.inputs]
        if node.const is not None:
            args.append(emitter.literal(node.const))
        return args

    def _forward(self, emitter: Emitter) -> list[tuple[str, str, str]]:
        """(variable, expression, comment) per statement of the forward pass."""
        lines = []
        for i, node in enumerate(self.order):
            if not self.live[i] or not node.op:
                continue  # constants are literals; inputs and params are loaded separately
            args = self._args(node, emitter)
            if node.op == "+":  # n-ary: left to right, in statements of SUM_CHUNK terms
                first, rest = args[:SUM_CHUNK], args[SUM_CHUNK:]
                lines.append((f"v{i}", " + ".join(first), comment(node)))
                for k in range(0, len(rest), SUM_CHUNK):
                    lines.append((f"v{i}", f"v{i} + {' + '.join(rest[k:k + SUM_CHUNK])}", ""))
                continue
            value, _locals, _ones = _FORMATS.get(node, emitter)
            names = operand_names(OPS[node.op], args)
            lines.append((f"v{i}", value.format_map(names), comment(node)))
        return lines

    def _local(self, node: Value, k: int, emitter: Emitter) -> tuple[str, bool]:
        """d(node)/d(operand k) as source evaluated at replay time, and whether it is 1."""
        if node.op == "+":
            return "1.0", True
        _value, locals_, ones = _FORMATS.get(node, emitter)
        names = operand_names(OPS[node.op], self._args(node, emitter))
        names["out"] = f"v{self.index[id(node)]}"
        return locals_[k].format_map(names), ones[k]

    def _backward(self, emitter: Emitter) -> tuple[list[tuple[str, str]], dict[int, str], dict[int, list[int]]]:
        """Gradient statements in `Value.backward`'s order: nodes last to first, operands in order.

        A node's gradient is a name: its own ``g{i}``, or an alias of another name when its
        only contribution so far is exactly that name (d(a + b)/da = 1 needs no statement).
        """
        lines: list[tuple[str, str]] = []
        grad: dict[int, str] = {len(self.order) - 1: "_seed"}  # d(root)/d(root) = 1 (or the scale)
        assigned: dict[int, list[int]] = {}  # node -> indices of the lines that assign g<node>
        for i in range(len(self.order) - 1, -1, -1):
            node = self.order[i]
            if not node.op or not self.needs[i]:
                continue
            g = grad[i]
            for k, child in enumerate(node.inputs):
                j = self.index[id(child)]
                if not self.needs[j]:
                    continue
                local, one = self._local(node, k, emitter)
                if node.op in GATES:  # selects: an inf or nan gradient stays out when off
                    term = emitter_gate(emitter, g, local)
                elif one:
                    term = g  # g * 1.0 == g, bit for bit
                else:
                    term = f"{g} * {local}"
                if j not in grad:
                    if term.isidentifier():
                        grad[j] = term
                        continue
                    expr = term
                else:
                    expr = f"{grad[j]} + {term}"
                assigned.setdefault(j, []).append(len(lines))
                lines.append((f"g{j}", expr))
                grad[j] = f"g{j}"
        return lines, grad, assigned

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

    def javascript(self, extra: Sequence[Value] | None = None) -> str:
        """The replay as a JavaScript function expression ``(function (x, p, rt) {...})``;
        with ``extra``, its result also has their ``values`` and ``grads``."""
        js = JAVASCRIPT
        declared: set[str] = set()

        def assign(target: str, expr: str, note: str = "") -> str:
            keyword = "" if target in declared else "let "
            declared.add(target)
            return f"  {keyword}{target} = {expr};{note}"

        lines = [f"// generated by deltagrad's compile_graph from {len(self.order)} nodes",
                 "(function (x, p, rt) {", '  "use strict";']
        for k, v in enumerate(self.inputs):
            if id(v) in self.index:
                lines.append(assign(f"v{self.index[id(v)]}", f"x[{k}]", _js_comment(v)))
        for k, v in enumerate(self.params):
            if id(v) in self.index:
                lines.append(assign(f"v{self.index[id(v)]}", f"p[{k}]", _js_comment(v)))
        lines.append("  // forward: one statement per node")
        lines += [assign(target, expr, _js_comment_text(note)) for target, expr, note in self._forward(js)]
        lines.append("  // backward: gN = d(root)/d(vN), contributions in the order of Value.backward")
        lines.append(assign("_seed", "1"))
        backward, grads, _assigned = self._backward(js)
        lines += [assign(target, expr) for target, expr in backward]

        def grad_of(v: Value) -> str:
            i = self.index.get(id(v))
            return "0" if i is None else grads.get(i, "0")

        root = self.value(self.order[-1], js)
        params = ", ".join(grad_of(v) for v in self.params)
        inputs = ", ".join(grad_of(v) if self.input_grads else "0" for v in self.inputs)
        result = f"value: {root}, params: [{params}], inputs: [{inputs}]"
        if extra is not None:
            values = ", ".join(self.value(v, js) for v in extra)
            result += f", values: [{values}], grads: [{', '.join(grad_of(v) for v in extra)}]"
        lines.append(f"  return {{{result}}};")
        lines.append("})")
        return "\n".join(lines) + "\n"


def emitter_gate(emitter: Emitter, g: str, local: str) -> str:
    """A gate's term: ``g`` where the local derivative is not 0, else exactly 0."""
    if emitter is JAVASCRIPT:
        return f"({local} !== 0 ? {g} : 0)"
    return f"({g} if {local} else 0.0)"


def _js_comment(node: Value) -> str:
    return _js_comment_text(comment(node))


def _js_comment_text(note: str) -> str:
    """A Python trailing comment as a JavaScript one; no markup characters (the code may sit
    inside a page's script element)."""
    if not note:
        return ""
    text = note.replace("  # ", "", 1)
    return "  // " + "".join("?" if ch in "<>&" else ch for ch in text)
