"""``deltagrad expr``: the graph of an expression typed on the command line.

The expression is parsed with Python's `ast` and never evaluated as Python: only names,
numbers, ``+ - * / **``, unary ``-`` and calls of the op table's functions (``tanh(x)``,
``exp(x)``, ``logsumexp(a, b, c)``, ...) are allowed, and the tree is walked here, building
`Value`s. Names are compared after NFKC normalisation, as Python compares identifiers, so
``ｘ=1`` gives a value to the ``ｘ`` of the expression.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Mapping

from deltagrad.autograd import Value, logsumexp
from deltagrad.autograd.ops import OPS, UNARY
from deltagrad.autograd.text import parse_number
from deltagrad.i18n import _

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
MAX_LENGTH = 2_000  # characters of an expression
MAX_NODES = 2_000  # parsed elements: a command line has no need for more
MAX_DEPTH = 200  # nesting (----x, tanh(tanh(...))): the tree is built by recursion
N_ARY = tuple(name for name, op in OPS.items() if op.arity == 0)  # logsumexp(a, b, ...)
FUNCTIONS = UNARY + N_ARY


class ExpressionError(ValueError):
    """The expression is not one deltagrad can build: the message says what and where."""


def parse_expression(text: str, values: Mapping[str, float],
                     given: Mapping[str, Value] | None = None) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``text`` with the variables set to ``values``.

    Returns the root and the leaf Value of each variable (labelled with its name); a
    variable in ``given`` is that Value instead of a new leaf.
    `ExpressionError` for anything but names, numbers, ``+ - * / **``, unary ``-`` and
    calls of the op table's functions; for a name without a value; and for a value whose
    name the expression does not use.
    """
    if not isinstance(text, str):
        raise TypeError(_("the expression must be a str, got {kind}").format(kind=type(text).__name__))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_("the expression has {length} characters, more than {most}").format(
            length=len(text), most=MAX_LENGTH))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ExpressionError(_("cannot parse {text}: {reason} (column {column})").format(
            text=repr(text), reason=err.msg, column=err.offset)) from None
    except (RecursionError, MemoryError):  # Python's own parser gives up on deep nesting
        raise ExpressionError(_("the expression is nested more than {limit} deep").format(limit=MAX_DEPTH)) from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(_("the expression has {count} elements, more than {most}").format(
            count=count, most=MAX_NODES))
    depth = nesting(tree)
    if depth > MAX_DEPTH:
        raise ExpressionError(_("the expression is nested {depth} deep (----x or tanh(tanh(...))), "
                                "more than {limit}").format(depth=depth, limit=MAX_DEPTH))
    leaves = {normal(name): Value(float(v), label=normal(name)) for name, v in values.items()}
    leaves.update(given or {})
    used: set[str] = set()

    def build(node: ast.AST) -> Value | float:
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError(_("only numbers are allowed as constants, got {value}").format(
                    value=repr(node.value)))
            value = float(node.value)
            if not math.isfinite(value):
                raise ExpressionError(_("the number {value} is not finite").format(value=repr(node.value)))
            return value
        if isinstance(node, ast.Name):
            if node.id not in leaves:
                known = ", ".join(sorted(leaves)) or _("none")
                raise ExpressionError(_("the name {name} has no value: give it as {id}=NUMBER "
                                        "(values given: {known})").format(name=repr(node.id), id=node.id,
                                                                          known=known))
            used.add(node.id)
            return leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = build(node.left), build(node.right)
            if not isinstance(left, Value) and not isinstance(right, Value):
                raise ExpressionError(_("{text} has no variable in it: write its value instead").format(
                    text=repr(ast.unparse(node))))
            op = _BINARY[type(node.op)]
            if op == "+":
                return left + right  # type: ignore[operator]
            if op == "-":
                return left - right  # type: ignore[operator]
            if op == "*":
                return left * right  # type: ignore[operator]
            if op == "/":
                return left / right  # type: ignore[operator]
            return left**right  # type: ignore[operator]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = ast.unparse(node.func)
                raise ExpressionError(_("{name} is not a function deltagrad knows; the functions are "
                                        "{functions}").format(name=repr(name), functions=", ".join(FUNCTIONS)))
            if node.func.id in N_ARY:
                if not node.args or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                    raise ExpressionError(_("{name}() takes one or more arguments").format(name=node.func.id))
                terms = [build(a) for a in node.args]
                if not any(isinstance(t, Value) for t in terms):
                    raise ExpressionError(_("{text} has no variable in it: write its value instead").format(
                        text=repr(ast.unparse(node))))
                return logsumexp(terms)
            if len(node.args) != 1 or node.keywords:
                raise ExpressionError(_("{name}() takes exactly one argument").format(name=node.func.id))
            arg = build(node.args[0])
            if not isinstance(arg, Value):
                raise ExpressionError(_("{text} has no variable in it: write its value instead").format(
                    text=repr(ast.unparse(node))))
            return getattr(arg, node.func.id)()  # type: ignore[no-any-return]
        raise ExpressionError(_("{text} is not allowed: use names, numbers, + - * / **, unary -, and the "
                                "functions {functions}").format(text=repr(ast.unparse(node)),
                                                                functions=", ".join(FUNCTIONS)))

    root = build(tree)
    if not isinstance(root, Value):
        raise ExpressionError(_("the expression has no variable in it: nothing to differentiate"))
    unused = sorted(set(leaves) - used)
    if unused:
        raise ExpressionError(_("value given for {names}, which the expression does not use").format(
            names=", ".join(unused)))
    return root, leaves


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["a=2", "b=-3"]`` as ``{"a": 2.0, "b": -3.0}``; ExpressionError for a bad item."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = normal(name.strip())  # as Python reads the names of the expression
        if not sep or not name.isidentifier():
            raise ExpressionError(_("expected NAME=NUMBER, got {item}").format(item=repr(item)))
        if name in FUNCTIONS:
            raise ExpressionError(_("{name} is a function, not a variable name").format(name=repr(name)))
        if name in out:
            raise ExpressionError(_("{name} is given twice").format(name=name))
        try:
            value = parse_number(text)  # 0.5, or 0,5 with the decimal comma of Russian textbooks
        except ValueError:
            try:  # inf, nan and 1e999 are numbers to float(), but not finite ones
                infinite = not math.isfinite(float(text.replace(",", ".")))
            except ValueError:
                infinite = False
            if infinite:
                raise ExpressionError(_("{name}={text}: expected a finite number").format(
                    name=name, text=text)) from None
            raise ExpressionError(_("{name}={text}: expected a number such as 0.5 or 0,5").format(
                name=name, text=repr(text))) from None
        out[name] = value
    return out


def normal(name: str) -> str:
    """A name as Python compares identifiers: NFKC-normalised (``ｘ`` is ``x``)."""
    return unicodedata.normalize("NFKC", name)


def nesting(tree: ast.AST) -> int:
    """How deep the tree nests, counted without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest
