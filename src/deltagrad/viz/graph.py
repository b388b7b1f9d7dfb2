"""How the pictures read a graph: names, roles, frames, formulas, numbers and tooltips.

The Graphviz picture (`viz.draw_dot`) and the browser stepper (`viz.stepper`) show the
same graph the same way, so what they say about a node is decided here, once, by
`read_graph`, into a `GraphView` with one `NodeView` per value.

- **Labels** are made safe once: characters that XML cannot carry (control characters,
  lone surrogates, non-characters such as U+FFFF) become ``�``, and a label past
  `MAX_LABEL` characters is cut with ``…``; the tooltip keeps the whole label when it is
  valid text.
- **Names.** A labelled value shows its label. An unlabelled one is named by its formula
  where that stays short (``W1[0][0]·x[0]``, ``a2[0] − y``, ``(a2[0] − y)²``); past
  `MAX_NAME` characters it falls back to ``v<i>``, its index in topological order (the
  same ``v<i>`` as in `compile_graph`'s code). The engine records ``a - b`` as
  ``a + b·(−1)`` and ``a / b`` as ``a · b^−1``; the formulas show ``−`` and ``÷``.
- **Formulas** are written by one renderer (`render_formula`), with the brackets that the
  precedence of the operations needs, both in names and in numbers
  (``(a2[0] − y)² = (−0.3608)²``).
- **Local derivatives** for people: a number folded into a node has its own rule
  (``d(c·x)/dx = c``, ``d(x + c)/dx = 1``); other ops read their text from the op table.
- **Roles** come from what the caller passes, never from a label: ``params`` are
  parameters, ``inputs`` are data, the root is the output, any other leaf is a leaf.
- **Frames** group the values of one network layer, from the textbook labels `nn` gives
  (``W1[..]``, ``b1[..]``, ``z1[..]``, ``a1[..]``); an unlabelled value joins the frame of
  the value that uses it, and what lies between the last layer and the root (the loss)
  gets a frame of its own. A neuron's pre-activation ``z<k>[i]`` has its gradient named
  δ, as the tutorial names it.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from deltagrad.autograd import Value, topological_sort
from deltagrad.autograd.arguments import real
from deltagrad.autograd.notation import show
from deltagrad.autograd.ops import OPS
from deltagrad.autograd.text import significant
from deltagrad.i18n import N_, _, localize_number, one_language

MAX_NAME = 20
MAX_LABEL = 60  # characters of a label shown in a box; the tooltip has it all
MAX_TOOLTIP_LABEL = 10_000
MAX_TERMS = 6  # terms of a sum written out in a formula; longer sums are shortened with …
MATCH_TOLERANCE = 1e-9
MINUS = "\u2212"
_LAYER = re.compile(r"^[A-Za-z]+(\d{1,6})\[")  # W1[0][1], b2[0], z1[0], a1[1] -> layer number
_PRE_ACTIVATION = re.compile(r"^z\d{1,6}\[\d{1,9}\]$")  # a neuron's z, whose gradient is δ
# what XML 1.0 text cannot hold, and line breaks (a label is one line): shown as U+FFFD
_INVALID = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
                      "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
                      "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
                      "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
_SUPERSCRIPTS = {2.0: "²", 3.0: "³", -1.0: "⁻¹"}
_TOKENS = re.compile(r"\b(x|y|out)\b")
_TOKENS_NARY = re.compile(r"\b(x_i|out)\b")

# precedence of what a formula's text is: a lower one is bracketed inside a higher one
SUM, NEGATION, PRODUCT, POWER, ATOM = 1, 2, 3, 4, 5

ROLE_TEXT = {  # shown as _(text)
    "data": N_("data (inputs)"),
    "parameter": N_("parameter"),
    "leaf": N_("leaf"),
    "intermediate": N_("intermediate"),
    "output": N_("output / loss"),
}


def clean(text: str) -> str:
    """``text`` as valid one-line XML text: control characters, lone surrogates and
    non-characters are shown as ``�``."""
    return _INVALID.sub("\ufffd", text)


def short(text: str, limit: int = MAX_LABEL) -> str:
    """``text`` cut to ``limit`` characters, ending in ``…`` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(x: float) -> str:
    """A value as the pictures print it: 4 significant digits, ``-`` as the minus sign."""
    return significant(x, 4)


def signed(x: float, digits: int = 4) -> str:
    """A value inside a formula: a negative number in brackets, with the minus sign ``−``
    (``(−0.04514)``), so that ``0.1 × (−0.04514)`` never reads as a double sign."""
    text = significant(x, digits)
    return f"({MINUS}{text[1:]})" if text.startswith("-") else text


def minus(text: str) -> str:
    """A number's text with the typographic minus sign (``−0.5``)."""
    return MINUS + text[1:] if text.startswith("-") else text


def const_text(c: float) -> str:
    """A number folded into a node, as written in a formula (``0.5``, in Russian ``0,5``; ``inf``)."""
    return localize_number(f"{c:g}") if math.isfinite(c) else significant(c)


def updated_text(old: float, step: float, new: float) -> str:
    """``new = old − step`` with enough digits to show the change: down to the last of the
    4 significant digits of ``step`` (0.6 − 0.004514 = 0.604514), at most 17 significant."""
    if not (math.isfinite(old) and math.isfinite(step) and math.isfinite(new)) or step == 0.0 or new == 0.0:
        return number(new)
    decimals = 3 - math.floor(math.log10(abs(step)))
    lead = math.floor(math.log10(abs(new)))
    digits = max(4, min(17, lead + 1 + decimals))
    return significant(new, digits)


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


Text = tuple[str, int]  # a formula's text and its precedence


def _wrap(text: Text, above: int) -> str:
    """The text, bracketed when its precedence is below ``above``."""
    return f"({text[0]})" if text[1] < above else text[0]


def _is_negation(v: Value) -> bool:
    return v.op == "*" and v.const == -1.0 and not v.label and len(v.inputs) == 1


def _is_reciprocal(v: Value) -> bool:
    return v.op == "**" and v.const == -1.0 and not v.label and len(v.inputs) == 1


def render_formula(node: Value, operand: Callable[[Value], Text], const: Callable[[float], Text] | None = None,
                   max_terms: int = MAX_TERMS) -> Text:
    """The expression that computed ``node``, from its operands' texts (names or numbers):
    ``W1[0][0]·x[0] + b1[0]``, ``a2[0] − y``, ``−y``, ``(a2[0] − y)²``, ``σ(z1[0])``. It
    brackets by precedence, shows ``a + b·(−1)`` as ``a − b`` and ``a · b^−1`` as ``a ÷ b``."""
    if const is None:
        def const(c: float) -> Text:
            return (minus(const_text(c)), ATOM if not c < 0 else NEGATION)
    op, c, ins = node.op, node.const, node.inputs
    if op == "+":
        terms: list[str] = []
        shown = list(ins)
        cut = len(shown) > max_terms
        if cut:
            shown = shown[: max_terms - 1] + shown[-1:]
        for k, child in enumerate(shown):
            if cut and k == len(shown) - 1:
                terms.append("+ …")
            if _is_negation(child) and k > 0:
                terms.append(f"{MINUS} {_wrap(operand(child.inputs[0]), PRODUCT)}")
            else:
                text = operand(child)
                if k > 0 and text[0].startswith(MINUS):
                    terms.append(f"+ {_wrap(text, ATOM)}")
                else:
                    terms.append(("+ " if k else "") + _wrap(text, SUM + 1 if k else SUM))
        if c is not None:
            value = const(abs(c))[0] if c < 0 else const(c)[0]
            terms.append(f"{MINUS} {value}" if c < 0 else f"+ {value}")
        if cut:
            terms.append(f"({len(ins)} terms)")
        return " ".join(terms), SUM
    if op == "*":
        if c is not None:
            x = operand(ins[0])
            if c == -1.0:
                return f"{MINUS}{_wrap(x, POWER)}", NEGATION
            if _is_reciprocal(ins[0]):  # c · a^−1 is c ÷ a
                return f"{const(c)[0]} ÷ {_wrap(operand(ins[0].inputs[0]), POWER)}", PRODUCT
            return f"{_wrap(const(c), PRODUCT)}·{_wrap(x, PRODUCT)}", PRODUCT
        first, second = ins[0], ins[1]
        if _is_reciprocal(second):  # a · b^−1 is a ÷ b
            return f"{_wrap(operand(first), PRODUCT)} ÷ {_wrap(operand(second.inputs[0]), POWER)}", PRODUCT
        return f"{_wrap(operand(first), PRODUCT)}·{_wrap(operand(second), POWER)}", PRODUCT
    if op == "/":  # a true division: a ÷ b, or a ÷ c with the number folded in
        divisor = const(c) if c is not None else operand(ins[1])
        return f"{_wrap(operand(ins[0]), PRODUCT)} ÷ {_wrap(divisor, POWER)}", PRODUCT
    if op == "**":
        base = _wrap(operand(ins[0]), ATOM)
        if c is not None:
            exponent = _SUPERSCRIPTS.get(c) or "^" + _wrap(const(c), ATOM)
            return f"{base}{exponent}", POWER
        return f"{base}^{_wrap(operand(ins[1]), ATOM)}", POWER
    spec = OPS.get(op)
    symbol = getattr(spec, "symbol", op) if spec is not None else op
    if c is None and (len(ins) == 1 or getattr(spec, "arity", 2) == 0):  # f(x), or f(x₁, …, xₙ)
        return f"{symbol}({', '.join(operand(v)[0] for v in ins)})", ATOM
    parts = [_wrap(operand(v), ATOM) for v in ins] + ([_wrap(const(c), ATOM)] if c is not None else [])
    return f" {symbol} ".join(parts), SUM  # an op the table has and this renderer does not know


def _substitute(text: str, names: Mapping[str, str]) -> str:
    """An op table's text for people with its ``x``, ``y`` and ``out`` replaced by names."""
    out = _TOKENS.sub(lambda m: names.get(m.group(), m.group()), text)
    out = out.replace(" - ", f" {MINUS} ").replace("(1 - ", f"(1 {MINUS} ").replace("^2", "²")
    return MINUS + out[1:] if out.startswith("-") else out


@dataclass
class NodeView:
    """One value as every picture and page shows it."""

    value: Value
    name: str  # its label, or its formula when short, or v<i>
    precedence: int  # of the name, where it stands inside another formula
    label: str  # the label made safe ("" without one)
    role: str  # data, parameter, leaf, intermediate, output
    frame: str | None  # layer 1, layer 2, ..., loss
    formula: str  # the expression that computed it, in the operands' names ("" for a leaf)
    numbers: str  # the same expression in the operands' values
    locals: list[str] = field(default_factory=list)  # d(node)/d(operand) per operand, in names
    rules: list[str] = field(default_factory=list)  # the rule that gives each local derivative
    delta: bool = False  # a neuron's pre-activation: its gradient is δ
    full_label: str = ""  # the label for the tooltip (whole where it is valid text)

    @property
    def data_text(self) -> str:
        """The value, to 4 significant digits."""
        return number(self.value.data)

    @property
    def grad_text(self) -> str:
        """The gradient, to 4 significant digits."""
        return number(self.value.grad)


@dataclass
class GraphView:
    """A graph as the pictures show it: nodes in topological order with names, roles, frames."""

    order: list[Value]
    nodes: list[NodeView]
    index: dict[int, int]

    @property
    def names(self) -> list[str]:
        """Each node's name, in topological order."""
        return [n.name for n in self.nodes]

    @property
    def roles(self) -> list[str]:
        """Each node's role, in topological order."""
        return [n.role for n in self.nodes]

    @property
    def frames(self) -> list[str | None]:
        """Each node's frame, in topological order."""
        return [n.frame for n in self.nodes]

    def of(self, v: Value) -> NodeView:
        """The view of node ``v``."""
        return self.nodes[self.index[id(v)]]

    def name_text(self, i: int) -> Text:
        """Node ``i``'s name with its precedence, as it stands inside another formula."""
        return self.nodes[i].name, self.nodes[i].precedence

    @property
    def root_name(self) -> str:
        """What the gradients are gradients of: the root's label (``L``), else ``out``."""
        root = self.nodes[-1]
        return root.label if root.label and len(root.label) <= 12 else "out"

    def grad_name(self, i: int) -> str:
        """``dL/dW1[0][0]``, ``dL/d(a2[0] − y)``: the gradient of node ``i`` by name."""
        return f"d{self.root_name}/d{_wrap(self.name_text(i), ATOM)}"

    def grad_word(self, i: int) -> str:
        """The word of node ``i``'s gradient row: δ for a neuron's pre-activation, else grad."""
        return "δ" if self.nodes[i].delta else N_("grad")  # shown as _(word)

    def tooltip(self, i: int, values: bool = True) -> str:
        """The name, the op, its derivative text and each operand's local derivative; with
        ``values``, the full floats too (the stepper leaves them out: they would tell a
        gradient before its step)."""
        node = self.nodes[i]
        v = node.value
        lines = [node.full_label or node.name]
        if values:
            lines += [f"data = {v.data!r}", f"grad = {v.grad!r}"]
        spec = OPS.get(v.op)
        if spec is not None:
            lines.append(f"op {getattr(spec, 'symbol', v.op)}: {getattr(spec, 'text', '')}")
            if v.const is not None:
                lines.append(_("folded number: {value}").format(value=repr(v.const)))
            for k, child in enumerate(v.inputs):
                text = f"d(this)/d({short(self.of(child).name, 40)}) = {node.locals[k]}"
                if values:
                    text += f" = {v.local_grads[k]!r}"
                lines.append(text)
        return "\n".join(lines)


@one_language  # a graph has many numbers and texts: one look at the environment
def read_graph(root: Value, params: object = None, inputs: object = None) -> GraphView:
    """Names, roles, frames, formulas and local derivatives for every node under ``root``."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value as the root of the graph, got {type(root).__name__}")
    param_ids = check_values("params", params)
    input_ids = check_values("inputs", inputs)
    order = topological_sort(root)
    index = {id(n): i for i, n in enumerate(order)}
    frames = _frames(order, index, root)
    view = GraphView(order, [], index)

    def name_of(v: Value) -> Text:
        return view.name_text(index[id(v)])

    def value_of(v: Value) -> Text:
        return signed(v.data), ATOM

    for i, node in enumerate(order):
        label = node.label if isinstance(node.label, str) else ""
        safe = short(clean(label)) if label else ""
        full = label if label and clean(label) == label and len(label) <= MAX_TOOLTIP_LABEL else safe
        if node is root:
            role = "output"
        elif node.op:
            role = "intermediate"
        elif id(node) in param_ids:
            role = "parameter"
        elif id(node) in input_ids:
            role = "data"
        else:
            role = "leaf"
        formula = numbers = ""
        if node.op:
            formula_text = render_formula(node, name_of)
            formula = formula_text[0]
            numbers = render_formula(node, value_of)[0]
        if safe:
            name, precedence = show(safe), ATOM  # W₁₁⁽¹⁾ in the tutorial's notation
        elif not node.op:
            name = const_text(node.data)
            precedence = ATOM if not name.startswith("-") else NEGATION
        elif len(formula) <= MAX_NAME:
            name, precedence = formula, formula_text[1]
        else:
            name, precedence = f"v{i}", ATOM
        nv = NodeView(node, name, precedence, safe, role, frames[i], formula, numbers,
                      delta=bool(_PRE_ACTIVATION.match(label)), full_label=full)
        view.nodes.append(nv)
        nv.locals, nv.rules = _local_texts(view, i)
    return view


def _local_texts(view: GraphView, i: int) -> tuple[list[str], list[str]]:
    """d(node i)/d(operand k) for people, in the graph's names, and the rule giving each."""
    node = view.order[i]
    op, c = node.op, node.const
    names = [view.name_text(view.index[id(child)]) for child in node.inputs]
    n = len(names)
    if not op:
        return [], []
    if op == "+":
        if c is not None:
            return ["1"] * n, ["d(x + c)/dx = 1"] * n
        if n > 2:
            return ["1"] * n, ["d(x₁ + … + xₙ)/dxₖ = 1"] * n
        return ["1"] * n, ["d(x + y)/dx = 1", "d(x + y)/dy = 1"][:n]
    if op == "*":
        if c is not None:
            if c == -1.0:
                return [minus(const_text(c))], [f"d({MINUS}x)/dx = {MINUS}1"]
            return [minus(const_text(c))], ["d(c·x)/dx = c"]
        return [names[1][0], names[0][0]], ["d(x·y)/dx = y", "d(x·y)/dy = x"]
    if op == "/" and c is not None:
        return [f"1/{_wrap((const_text(c), ATOM if c >= 0 else NEGATION), ATOM)}"], ["d(x ÷ c)/dx = 1/c"]
    if op == "**" and c is not None:
        base = _wrap(names[0], ATOM)
        if c == 2.0:
            text = f"2·{base}"
        elif c == 0.0:
            text = "0"
        else:
            lower = c - 1.0
            power = _SUPERSCRIPTS.get(lower) or "^" + _wrap((const_text(lower), ATOM if lower >= 0 else NEGATION), ATOM)
            text = minus(f"{const_text(c)}·{base}{power}")
        return [text], ["d(x^c)/dx = c·x^(c−1)"]
    spec = OPS.get(op)
    local_text = tuple(getattr(spec, "local_text", ()) or ())
    rule = getattr(spec, "text", "") if spec is not None else ""
    rule = _(rule) if rule else ""  # its words in the language in use (_("") would be the catalog's header)
    if getattr(spec, "arity", 2) == 0 and local_text:  # n-ary: one text in x_i
        out = _wrap(view.name_text(i), ATOM)
        texts = []
        for name in names:
            subs = {"x_i": _wrap(name, ATOM), "out": out}
            text = _TOKENS_NARY.sub(lambda m, subs=subs: subs[m.group()], local_text[0])  # type: ignore[misc]
            texts.append(text.replace(" - ", f" {MINUS} "))
        return texts, [rule] * n
    if len(local_text) < n:
        return [""] * n, [rule] * n
    second = _wrap(names[1], ATOM) if n > 1 else (const_text(c) if c is not None else "")
    subs = {"x": _wrap(names[0], ATOM), "y": second, "out": _wrap(view.name_text(i), ATOM)}
    return [_substitute(local_text[k], subs) for k in range(n)], [rule] * n


def _frames(order: list[Value], index: dict[int, int], root: Value) -> list[str | None]:
    """The frame of each node: its layer from a textbook label, else the frame of the value
    that uses it (walking from the root down), and the loss frame for what follows the last
    layer."""
    frames: list[str | None] = [None] * len(order)
    for i, node in enumerate(order):
        m = _LAYER.match(node.label) if isinstance(node.label, str) else None
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


def frame_rank(frame: str | None) -> tuple[int, int]:
    """Where a frame stacks: layer 1, layer 2, ..., then the loss; no frame first."""
    if frame is None:
        return (-1, 0)
    if frame == "loss":
        return (1, 0)
    return (0, int(frame.split()[-1]) if frame.startswith("layer ") else 0)


def frame_order(frames: list[str | None]) -> list[str]:
    """The frames present, in the order they stack: layer 1, layer 2, ..., then the loss."""
    present = dict.fromkeys(f for f in frames if f is not None)
    return sorted(present, key=frame_rank)


def path_to(order: list[Value], index: dict[int, int], target: Value) -> set[int]:
    """Indices of the nodes on a path from ``target`` up to the root (the chain rule's path)."""
    if id(target) not in index:
        raise ValueError(f"highlight {target!r} is not in the graph under root")
    on = [False] * len(order)
    t = index[id(target)]
    on[t] = True
    for i in range(t + 1, len(order)):
        on[i] = any(on[index[id(c)]] for c in order[i].inputs)
    # every marked node reaches the root (the last node, and everything is under it)
    return {i for i, flag in enumerate(on) if flag}


def check_reference(reference: object, labels: Iterable[str], stacklevel: int = 3) -> dict[str, float]:
    """``reference`` as label -> float; TypeError for a bad entry, ValueError for a number
    too big for a float, one warning for the labels that are not in the graph."""
    if reference is None:
        return {}
    if not isinstance(reference, Mapping):
        raise TypeError(f"reference must be a dict of label -> number, got {type(reference).__name__}")
    out = {}
    for key, value in reference.items():
        if not isinstance(key, str):
            raise TypeError(f"reference keys must be labels (str), got {type(key).__name__}: {key!r}")
        out[key] = real(value, f"reference[{short(clean(key), 40)!r}]")  # np.float32 too; 10**400 is a ValueError
    known = set(labels)
    unknown = [k for k in out if k not in known]
    if unknown:
        shown = ", ".join(repr(short(clean(k), 40)) for k in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        warnings.warn(_("reference names {count} label(s) that are not in the graph: {labels}").format(
            count=len(unknown), labels=shown), UserWarning, stacklevel=stacklevel)
    return out


def matches(grad: float, expected: float) -> bool:
    """True when autograd's gradient equals the reference within `MATCH_TOLERANCE`."""
    return abs(grad - expected) <= MATCH_TOLERANCE
