"""Each op's rule read once with symbolic operands: the source of the compiled replay, and
the derivative on `Value`s for gradients of gradients.

The rules are the `Value` methods (``Value.tanh`` computes ``out = _tanh(x)`` and
``d_x = 1.0 - out * out``). `template` runs a method's own code once, as tinygrad runs its
ops on symbolic values: the operands are `Sym` placeholders (``x``, ``y``) whose arithmetic
records an expression tree instead of computing, the float helpers (``_tanh``, ``_div``,
...) record a call, and the new node is a plain record. What comes out is the op's value
and local derivatives as trees in ``x``, ``y`` and ``out``, the very expressions the
method computes on floats. From those trees:

- an `Emitter` writes source: `PYTHON` for `compile_graph`, `JAVASCRIPT` for the pages
  (another backend is one more emitter);
- `value_locals` evaluates them on `Value`s, for `grad(create_graph=True)`: each helper
  that is an op's forward becomes that op (``_tanh(v)`` is ``v.tanh()``), and the
  derivative helpers with branches use their `ops.VALUE_FORMS`.

A rule can use ``+ - *`` and unary minus on its operands, float constants, and helper
calls; a division, a power or a comparison must go through a helper (``_div``, ``_pow``,
``_step``), so that it means the same on floats, in the replay and on Values.
"""

from __future__ import annotations

import math
import re
import threading
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deltagrad.i18n import _

from . import engine
from .engine import Value
from .ops import HELPERS, OPS, VALUE_FORMS, Op


class Sym:
    """A placeholder in a traced rule: a node of an expression tree.

    ``kind`` is ``var`` (``args = (name,)``), ``const`` (``(number,)``), ``call``
    (``(helper, *operands)``), ``list`` (the operands), ``neg`` (``(operand,)``) or one of
    ``+ - *`` (``(left, right)``).
    """

    __slots__ = ("kind", "args")

    def __init__(self, kind: str, args: tuple[Any, ...]) -> None:
        self.kind = kind
        self.args = args

    def __add__(self, other: object) -> Sym:
        return Sym("+", (self, lift(other)))

    def __radd__(self, other: object) -> Sym:
        return Sym("+", (lift(other), self))

    def __sub__(self, other: object) -> Sym:
        return Sym("-", (self, lift(other)))

    def __rsub__(self, other: object) -> Sym:
        return Sym("-", (lift(other), self))

    def __mul__(self, other: object) -> Sym:
        return Sym("*", (self, lift(other)))

    def __rmul__(self, other: object) -> Sym:
        return Sym("*", (lift(other), self))

    def __neg__(self) -> Sym:
        return Sym("neg", (self,))

    def __bool__(self) -> bool:
        raise TypeError(_("an op rule branched on a traced value: put the branch in a helper (as _step)"))

    def __repr__(self) -> str:
        return PYTHON.render(self, {})


def lift(value: object) -> Sym:
    """A number, a Sym or a list of them as a Sym."""
    if isinstance(value, Sym):
        return value
    if isinstance(value, (list, tuple)):
        return Sym("list", tuple(lift(v) for v in value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Sym("const", (float(value),))
    raise TypeError(_("an op rule used {kind} {value!r}, which the tracer cannot record").format(
        kind=type(value).__name__, value=value))


def var(name: str) -> Sym:
    """The placeholder ``name`` (``x``, ``y``, ``out``, ``x0``, ...)."""
    return Sym("var", (name,))


class _Box:
    """Stands for an operand Value while a rule is traced: its ``.data`` is a placeholder."""

    __slots__ = ("data",)

    def __init__(self, data: Sym) -> None:
        self.data = data


class _Record:
    """Stands for the new node while a rule is traced: it keeps what the rule computed."""

    __slots__ = ("data", "_da", "_db")

    def __init__(self, data: Any, da: Any, db: Any) -> None:
        self.data = data
        self._da = da
        self._db = db


def _recorder(name: str) -> Callable[..., Sym]:
    def call(*args: object) -> Sym:
        return Sym("call", (name, *(lift(a) for a in args)))

    return call


_TRACE_GLOBALS: dict[str, Any] = {
    **vars(engine),
    **{name: _recorder(name) for name in HELPERS},
    "Value": _Box,
    "_node": lambda data, op, a, da, b=None, db=0.0, const=None: _Record(data, da, db),
    "as_float": lambda other: other,
    "_operands": lambda values, who: tuple(values),
}


@dataclass(frozen=True)
class Template:
    """An op's value and local derivatives as trees in ``x``, ``y`` (or ``x0, x1, ...``)
    and ``out``: what its rule computes."""

    value: Sym
    locals: tuple[Sym, ...]


_TEMPLATES: dict[tuple[str, str], Template] = {}
_LOCK = threading.Lock()


def rule(op: Op) -> Callable[..., Any]:
    """The engine's code that applies ``op``: a `Value` method, or for an n-ary op a function."""
    if op.arity == 0:
        return getattr(engine, op.method_name)  # type: ignore[no-any-return]
    return getattr(Value, op.method_name)  # type: ignore[no-any-return]


def template(op: Op, form: str) -> Template:
    """``op``'s rule traced once: ``form`` is ``"value"`` (a second operand that is a Value),
    ``"const"`` (a folded number as ``y``), ``"unary"``, or for an n-ary op its operand count."""
    key = (op.name, form)
    found = _TEMPLATES.get(key)
    if found is not None:
        return found
    code = rule(op)
    traced = types.FunctionType(code.__code__, _TRACE_GLOBALS, code.__name__, code.__defaults__)
    x = _Box(var("x"))
    if op.arity == 0:
        n = int(form)
        record = traced([_Box(var(f"x{k}")) for k in range(n)])
        raw = tuple(record._da)
    elif op.arity == 1:
        record = traced(x)
        raw = (record._da,)
    elif form == "value":
        record = traced(x, _Box(var("y")))
        raw = (record._da, record._db)
    else:
        record = traced(x, var("y"))
        raw = (record._da,)
    out = lift(record.data)
    result = Template(out, tuple(_named_out(lift(t), out) for t in raw))
    with _LOCK:
        _TEMPLATES[key] = result
    return result


def _named_out(tree: Sym, out: Sym) -> Sym:
    """``tree`` with the node's own value (the object ``out``) written as the variable ``out``."""
    if tree is out:
        return var("out")
    if tree.kind in ("var", "const"):
        return tree
    if tree.kind == "call":
        return Sym("call", (tree.args[0], *(_named_out(a, out) for a in tree.args[1:])))
    return Sym(tree.kind, tuple(_named_out(a, out) for a in tree.args))


def form_of(node: Value) -> str:
    """The template form for ``node``: see `template`."""
    op = OPS[node.op]
    if op.arity == 0:
        return str(len(node.inputs))
    if op.arity == 1:
        return "unary"
    return "const" if node.const is not None else "value"


def forward_helper(op: Op) -> str:
    """The helper an op's rule computes its value with (``_tanh`` for tanh), or "" when
    its value is arithmetic (``x * y``)."""
    value = template(op, "unary" if op.arity == 1 else ("1" if op.arity == 0 else "value")).value
    return str(value.args[0]) if value.kind == "call" else ""


# -- emitters: a tree as source text ------------------------------------------------------
class Emitter:
    """Writes expression trees as source of one language; `PYTHON` and `JAVASCRIPT`."""

    name = ""

    def literal(self, x: float) -> str:
        """A float as source that evaluates to exactly that float."""
        raise NotImplementedError

    def helper(self, name: str) -> str:
        """How the generated code calls the helper ``name``."""
        raise NotImplementedError

    def render(self, tree: Sym, names: dict[str, str], top: bool = True) -> str:
        """``tree`` as source, each variable replaced by ``names`` (unknown ones kept)."""
        kind, args = tree.kind, tree.args
        if kind == "var":
            return str(names.get(args[0], args[0]))
        if kind == "const":
            return self.literal(args[0])
        if kind == "call":
            return f"{self.helper(args[0])}({', '.join(self.render(a, names) for a in args[1:])})"
        if kind == "list":
            return f"[{', '.join(self.render(a, names) for a in args)}]"
        if kind == "neg":
            return f"(-{self.render(args[0], names, False)})"
        text = f"{self.render(args[0], names, False)} {kind} {self.render(args[1], names, False)}"
        return text if top else f"({text})"


class PythonEmitter(Emitter):
    """Python source: the helpers by their own names (the compiled code's namespace).

    relu and its step are written inline, as the helpers' own bodies (a call costs more
    than the comparison), where the operand is a name or a number, so it is read once.
    """

    name = "python"

    def __init__(self, inline: bool = True) -> None:
        self.inline = {"_relu": "({0} if not {0} <= 0.0 else 0.0)",
                       "_step": "(1.0 if {0} > 0.0 else 0.0)"} if inline else {}

    def render(self, tree: Sym, names: dict[str, str], top: bool = True) -> str:
        if tree.kind == "call" and tree.args[0] in self.inline and len(tree.args) == 2:
            operand = super().render(tree.args[1], names)
            if _ATOM.fullmatch(operand.strip("{}")) or operand.startswith("{") and operand.endswith("}"):
                return self.inline[tree.args[0]].format(operand)
        return super().render(tree, names, top)

    def literal(self, x: float) -> str:
        if math.isnan(x):
            return "_NAN"
        if math.isinf(x):
            return "_INF" if x > 0 else "(-_INF)"
        text = repr(float(x))  # repr round-trips: float(repr(x)) == x
        return f"({text})" if text.startswith("-") else text

    def helper(self, name: str) -> str:
        return name


class JavaScriptEmitter(Emitter):
    """JavaScript source: the helpers as the runtime object's functions (``rt.tanh``)."""

    name = "javascript"

    def literal(self, x: float) -> str:
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "(-Infinity)"
        text = repr(float(x))  # the shortest round-trip digits, which JavaScript reads the same
        return f"({text})" if text.startswith("-") else text

    def helper(self, name: str) -> str:
        return "rt." + name.lstrip("_")


_ATOM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\(?-?[0-9.e+-]+\)?")
PYTHON = PythonEmitter()
_CALLS = PythonEmitter(inline=False)  # for the rules on Values: every helper a call
JAVASCRIPT = JavaScriptEmitter()


# -- the rules on Values: gradients of gradients -------------------------------------------
def _value_ops() -> dict[str, Callable[..., Any]]:
    """Each helper on Values: an op's forward is that op; the derivative helpers have their
    own forms."""
    ops: dict[str, Callable[..., Any]] = dict(VALUE_FORMS)
    for op in OPS.values():
        helper = forward_helper(op)
        if helper:
            ops[helper] = rule(op)
    return ops


_VALUE_OPS: dict[str, Callable[..., Any]] = {}


def evaluate(tree: Sym, names: dict[str, Any]) -> Any:
    """``tree`` computed with ``names`` bound to Values or floats: a Value where any
    operand is one, else a float (the float helpers)."""
    kind, args = tree.kind, tree.args
    if kind == "var":
        return names[args[0]]
    if kind == "const":
        return args[0]
    if kind == "list":
        return [evaluate(a, names) for a in args]
    if kind == "neg":
        return -evaluate(args[0], names)
    if kind == "call":
        operands = [evaluate(a, names) for a in args[1:]]
        if not any(isinstance(v, Value) or isinstance(v, list) and any(isinstance(w, Value) for w in v)
                   for v in operands):
            return HELPERS[args[0]](*operands)
        if not _VALUE_OPS:
            _VALUE_OPS.update(_value_ops())
        form = _VALUE_OPS.get(args[0])
        if form is None:
            raise NotImplementedError(_("the helper {name} has no form on Values: add one to ops.VALUE_FORMS")
                                      .format(name=args[0]))
        if args[0] == "_div" and not isinstance(operands[0], Value):
            return operands[0] / operands[1]  # a number over a Value: Value.__rtruediv__
        if args[0] == "_pow" and not isinstance(operands[0], Value):
            return operands[0] ** operands[1]  # a number to a Value's power: Value.__rpow__
        return form(*operands)
    left, right = evaluate(args[0], names), evaluate(args[1], names)
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    return left * right


def value_locals(node: Value) -> tuple[Any, ...]:
    """d(node)/d(operand) for each operand as Values (or numbers), from the node's rule.

    Their ``.data`` are the floats `backward` uses. Where the graph's numbers were changed
    after the forward pass (a ``.data`` set by hand), the rule on today's numbers would
    give another derivative: there the stored one, of the forward pass, is used.
    """
    a, b = node._a, node._b
    env: tuple[Any, ...]
    stored: tuple[Any, ...]
    if b is not None:
        form, env, stored = "value", (a, b, node), (node._da, node._db)
    elif type(a) is tuple:
        form, env, stored = str(len(a)), (*a, node), node._da
    elif node.const is not None:
        form, env, stored = "const", (a, node.const, node), (node._da,)
    else:
        form, env, stored = "unary", (a, None, node), (node._da,)
    forms = _VALUE_RULES.get(node.op)
    if forms is None:
        forms = _VALUE_RULES[node.op] = {}
    rule_of = forms.get(form)
    if rule_of is None:
        rule_of = forms[form] = _value_rule(OPS[node.op], form)
    locals_ = rule_of(*env)
    for k, number in enumerate(stored):
        local = locals_[k]
        got = local.data if type(local) is Value else local
        if got != number or (got == 0.0 and math.copysign(1.0, got) != math.copysign(1.0, number)):
            if got == got or number == number:  # not both nan: not the same number
                return _stored_where_changed(locals_, stored)
    return locals_  # type: ignore[no-any-return]


def _stored_where_changed(locals_: tuple[Any, ...], stored: Sequence[float]) -> tuple[Any, ...]:
    """Each local derivative, or the stored float where the rule on today's numbers differs
    from it (a ``.data`` changed after the forward pass): backward's number."""
    out = []
    for local, number in zip(locals_, stored):
        got = local.data if type(local) is Value else local
        if not _same(got, number):
            local = number
        out.append(local)
    return tuple(out)


_VALUE_RULES: dict[str, dict[str, Callable[..., tuple[Any, ...]]]] = {}


def _value_rule(op: Op, form: str) -> Callable[..., tuple[Any, ...]]:
    """The op's traced local derivatives as one Python function of its operands and
    ``out``, written by the `PYTHON` emitter and loaded by the compiler's loader; its
    helpers take Values (`evaluate`'s forms) as well as floats."""
    from .compile import load_source

    t = template(op, form)
    params = [f"x{k}" for k in range(int(form))] if op.arity == 0 else ["x", "y"]
    body = "".join(_CALLS.render(tree, {}) + ", " for tree in t.locals)
    source = f"def rule({', '.join(params)}, out):\n    return ({body})\n"
    return load_source(source, "rule", _VALUE_NAMESPACE)  # type: ignore[no-any-return]


def _on_values_helper(name: str) -> Callable[..., Any]:
    """The helper ``name`` for the rules on Values: the float helper on numbers, its form
    on Values otherwise (`evaluate`)."""
    float_helper = HELPERS[name]

    def call(*args: Any) -> Any:
        for a in args:
            if type(a) is Value or type(a) is list:
                break
        else:
            return float_helper(*args)
        if not _VALUE_OPS:
            _VALUE_OPS.update(_value_ops())
        form = _VALUE_OPS.get(name)
        if form is None:
            raise NotImplementedError(_("the helper {name} has no form on Values: add one to ops.VALUE_FORMS")
                                      .format(name=name))
        first = args[0]
        if type(first) is not Value and type(first) is not list:
            if name == "_div":
                return first / args[1]  # a number over a Value: Value.__rtruediv__
            if name == "_pow":
                return first ** args[1]  # a number to a Value's power: Value.__rpow__
        return form(*args)

    return call


_VALUE_NAMESPACE: dict[str, Any] = {name: _on_values_helper(name) for name in HELPERS}
_VALUE_NAMESPACE.update({"_INF": math.inf, "_NAN": math.nan})


def _same(u: float, v: float) -> bool:
    """Equal to the bit (nan equals nan)."""
    if u != u:
        return v != v
    return u == v and math.copysign(1.0, u) == math.copysign(1.0, v)


def locals_source(node: Value, emitter: Emitter, names: dict[str, str]) -> list[str]:
    """``node``'s local derivatives as source in ``emitter``'s language."""
    t = template(OPS[node.op], form_of(node))
    return [emitter.render(tree, names) for tree in t.locals]


def value_source(node: Value, emitter: Emitter, names: dict[str, str]) -> str:
    """``node``'s value as source in ``emitter``'s language."""
    return emitter.render(template(OPS[node.op], form_of(node)).value, names)


def operand_names(op: Op, args: Sequence[str]) -> dict[str, str]:
    """The placeholder names of an op's template bound to ``args`` (the operands' source)."""
    if op.arity == 0:
        return {f"x{k}": a for k, a in enumerate(args)}
    return dict(zip(("x", "y"), args))
