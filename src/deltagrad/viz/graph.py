"""How the pictures read a graph: names, roles, frames, numbers and tooltips.

The Graphviz picture (`viz.draw_dot`) and the browser stepper (`viz.stepper`) show the
same graph the same way, so what they say about a node is decided here, once.

- **Names.** A labelled value shows its label. An unlabelled one is named from its op and
  operands where that stays short (``W1[0][0]·x[0]``, ``a2[0] − y``, ``(a2[0] − y)²``);
  past `MAX_NAME` characters it falls back to ``v<i>``, its index in topological order
  (the same ``v<i>`` as in `compile_graph`'s code). The engine records ``a - b`` as
  ``a + b·(−1)`` and ``a / b`` as ``a · b^−1``; the names show ``−`` and ``÷``.
- **Roles** come from what the caller passes, never from a label: ``params`` are
  parameters, ``inputs`` are data, the root is the output, any other leaf is a leaf.
- **Frames** group the values of one network layer, from the textbook labels `nn` gives
  (``W1[..]``, ``b1[..]``, ``z1[..]``, ``a1[..]``); an unlabelled value joins the frame of
  the value that uses it, and what lies between the last layer and the root (the loss)
  gets a frame of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from deltagrad.autograd import Value, topological_sort
from deltagrad.autograd.arguments import real
from deltagrad.autograd.ops import OPS
from deltagrad.autograd.text import significant

MAX_NAME = 20
MATCH_TOLERANCE = 1e-9
_LAYER = re.compile(r"^[A-Za-z]+(\d+)\[")  # W1[0][1], b2[0], z1[0], a1[1] -> layer number
_SUPERSCRIPTS = {2.0: "²", 3.0: "³", -1.0: "⁻¹"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

ROLE_TEXT = {
    "data": "data (inputs)",
    "parameter": "parameter",
    "leaf": "leaf",
    "intermediate": "intermediate",
    "output": "output / loss",
}


def clean(text: str) -> str:
    """``text`` with control characters (NUL, newlines, ...) shown as ``�``: a label is one line."""
    return _CONTROL.sub("\ufffd", text)


def number(x: float) -> str:
    """A value as the pictures print it: 4 significant digits, ``-`` as the minus sign."""
    return significant(x, 4)


def _const(c: float) -> str:
    return f"{c:g}" if math.isfinite(c) else significant(c)


def _wrap(name: str, tight: bool = False) -> str:
    """An operand's name inside a bigger expression: parenthesised when it is a sum or a
    quotient (words with spaces), or, under a power (``tight``), a product too."""
    depth = 0
    for ch in name:  # only what stands outside parentheses counts
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and (ch == " " or (tight and ch == "·")):
            return f"({name})"
    return name


def check_values(name: str, values: object) -> set[int]:
    """The ids of ``values``: an iterable of Values, or TypeError naming the argument."""
    if values is None:
        return set()
    if isinstance(values, Value) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of Values, got {type(values).__name__}")
    out = set()
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"{name}[{i}] must be a Value, got {type(v).__name__}: {v!r}")
        out.add(id(v))
    return out


@dataclass
class GraphView:
    """A graph as the pictures show it: nodes in topological order with names, roles, frames."""

    order: list[Value]
    names: list[str]
    roles: list[str]
    frames: list[str | None]
    index: dict[int, int]

    def tooltip(self, i: int) -> str:
        """Full floats, the op, its derivative text, and each operand's local derivative."""
        node = self.order[i]
        lines = [clean(self.names[i]), f"data = {node.data!r}", f"grad = {node.grad!r}"]
        spec = OPS.get(node.op)
        if spec is not None:
            lines.append(f"op {spec.symbol}: {spec.text}")
            if node.const is not None:
                lines.append(f"folded number: {node.const!r}")
            for child, local in zip(node.inputs, node.local_grads):
                lines.append(f"d(this)/d({clean(self.names[self.index[id(child)]])}) = {local!r}")
        return "\n".join(lines)


def read_graph(root: Value, params: object = None, inputs: object = None) -> GraphView:
    """Names, roles and frames for every node under ``root`` (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value as the root of the graph, got {type(root).__name__}")
    param_ids = check_values("params", params)
    input_ids = check_values("inputs", inputs)
    order = topological_sort(root)
    index = {id(n): i for i, n in enumerate(order)}
    names = _names(order, index)
    roles = []
    for node in order:
        if node is root:
            roles.append("output")
        elif node.op:
            roles.append("intermediate")
        elif id(node) in param_ids:
            roles.append("parameter")
        elif id(node) in input_ids:
            roles.append("data")
        else:
            roles.append("leaf")
    return GraphView(order, names, roles, _frames(order, index, root), index)


def _names(order: list[Value], index: dict[int, int]) -> list[str]:
    names: list[str] = []
    for i, node in enumerate(order):
        if node.label:
            names.append(clean(node.label))
            continue
        if not node.op:
            names.append(_const(node.data) if not node.label else node.label)
            continue
        name = compose_name(node, lambda v: names[index[id(v)]])
        names.append(name if len(name) <= MAX_NAME else f"v{i}")
    return names


def compose_name(node: Value, name_of: Callable[[Value], str]) -> str:
    """A short expression for an unlabelled node, from its op and operand names."""
    op, c = node.op, node.const
    ins = node.inputs
    operands = [name_of(v) for v in ins]
    if op == "+":
        if len(ins) > 3:
            return f"Σ {len(ins)} terms"
        terms = [operands[0]]
        for child, name in zip(ins[1:], operands[1:]):
            if child.op == "*" and child.const == -1.0 and not child.label:  # a + b·(−1) is a − b
                terms.append(f"− {_wrap(name_of(child.inputs[0]))}")
            else:
                terms.append(f"+ {name}")
        if c is not None:
            terms.append(f"− {_const(-c)}" if c < 0 else f"+ {_const(c)}")
        return " ".join(terms)
    if op == "*":
        if c is not None:
            if c == -1.0:
                return f"−{_wrap(operands[0])}"
            first = ins[0]
            if first.op == "**" and first.const == -1.0 and not first.label:  # c · a^−1 is c ÷ a
                return f"{_const(c)} ÷ {_wrap(_base(operands[0]))}"
            return f"{_const(c)}·{_wrap(operands[0])}"
        second = ins[1]
        if second.op == "**" and second.const == -1.0 and not second.label:  # a · b^−1 is a ÷ b
            return f"{_wrap(operands[0])} ÷ {_wrap(_base(operands[1]))}"
        return f"{_wrap(operands[0])}·{_wrap(operands[1])}"
    if op == "/":
        return f"{_wrap(operands[0])} ÷ {_wrap(operands[1]) if c is None else _const(c)}"
    if op == "**":
        if c is not None:
            return f"{_wrap(operands[0], True)}{_SUPERSCRIPTS.get(c, '^' + _const(c))}"
        return f"{_wrap(operands[0], True)}^{_wrap(operands[1], True)}"
    spec = OPS.get(op)
    symbol = spec.symbol if spec is not None else op
    return f"{symbol}({', '.join(operands)})"


def _base(name: str) -> str:
    """The base of a reciprocal's name, ``b`` from ``b⁻¹``."""
    base = name[: -len("⁻¹")] if name.endswith("⁻¹") else name
    return base[1:-1] if base.startswith("(") and base.endswith(")") else base


def _frames(order: list[Value], index: dict[int, int], root: Value) -> list[str | None]:
    """The frame of each node: its layer from a textbook label, else the frame of the value
    that uses it (walking from the root down), and the loss frame for what follows the last
    layer."""
    frames: list[str | None] = [None] * len(order)
    for i, node in enumerate(order):
        m = _LAYER.match(node.label)
        if m:
            frames[i] = f"layer {int(m.group(1))}"
    if any(frames) and frames[-1] is None and order[-1] is root:
        frames[-1] = "loss"
    for i in range(len(order) - 1, -1, -1):  # consumers come after their operands
        node = order[i]
        frame = frames[i]
        if frame is None:
            continue
        for child in node.inputs:
            j = index[id(child)]
            if frames[j] is None and child.op and not child.label:
                frames[j] = frame
    return frames


def frame_order(frames: list[str | None]) -> list[str]:
    """The frames present, in the order they stack: layer 1, layer 2, ..., then the loss."""
    present = dict.fromkeys(f for f in frames if f is not None)

    def key(frame: str) -> tuple[int, int]:
        if frame == "loss":
            return (1, 0)
        return (0, int(frame.split()[-1]) if frame.startswith("layer ") else 0)

    return sorted(present, key=key)


def path_to(order: list[Value], index: dict[int, int], target: Value) -> set[int]:
    """Indices of the nodes on a path from ``target`` up to the root (the chain rule's path)."""
    if id(target) not in index:
        raise ValueError(f"highlight {target!r} is not in the graph under root")
    on = [False] * len(order)
    t = index[id(target)]
    on[t] = True
    for i in range(t + 1, len(order)):
        on[i] = any(on[index[id(c)]] for c in order[i].inputs)
    # keep only nodes from which the root can be reached through marked nodes: all of them
    # reach the root (it is the last node and everything is under it), so `on` is the path
    return {i for i, flag in enumerate(on) if flag}


def check_reference(reference: object, labels: Iterable[str]) -> dict[str, float]:
    """``reference`` as label -> float; TypeError for a bad entry, a warning for unknown labels."""
    import warnings

    if reference is None:
        return {}
    if not isinstance(reference, Mapping):
        raise TypeError(f"reference must be a dict of label -> number, got {type(reference).__name__}")
    out = {}
    for key, value in reference.items():
        if not isinstance(key, str):
            raise TypeError(f"reference keys must be labels (str), got {type(key).__name__}: {key!r}")
        out[key] = real(value, f"reference[{key!r}]")  # np.float32 too; 10**400 is a ValueError
    known = set(labels)
    unknown = [k for k in out if k not in known]
    if unknown:
        shown = ", ".join(repr(k) for k in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        warnings.warn(f"reference names {len(unknown)} label(s) that are not in the graph: {shown}",
                      UserWarning, stacklevel=3)
    return out


def matches(grad: float, expected: float) -> bool:
    """True when autograd's gradient equals the reference within `MATCH_TOLERANCE`."""
    return abs(grad - expected) <= MATCH_TOLERANCE
