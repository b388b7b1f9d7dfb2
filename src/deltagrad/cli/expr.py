"""``deltagrad expr``: the graph and gradients of an expression typed on the command line."""

from __future__ import annotations

import argparse

from deltagrad import viz
from deltagrad.i18n import N_, _, join_numbers, localize_number

from .common import PICTURE_FORMATS, UsageError, check_folder, count, out_argument
from .expression import FUNCTIONS

NAME = "expr"
HELP = N_("the graph of an expression: every variable's gradient, the picture, the stepper")
DESCRIPTION = N_(
    "Build the graph of an expression such as \"tanh(a*b + a**2)\" with the given values, "
    "print each variable's gradient and write the picture (and with --html the page that "
    "steps through it). Allowed: names, numbers, + - * / **, unary -, and the functions "
    "{functions}."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad expr``."""
    p.description = _(DESCRIPTION).format(functions=", ".join(FUNCTIONS))  # the functions, by name
    p.add_argument("expression", metavar=_("expression"), help=_('the expression, e.g. "tanh(a*b + a**2)"'))
    p.add_argument("values", nargs="*", metavar="NAME=VALUE",
                   help=_("a value for every variable, e.g. a=2 b=-3 (0,5 is 0.5)"))
    out_argument(p, "expr", _("folder for the picture (default: %(default)s)"))
    p.add_argument("--format", choices=PICTURE_FORMATS, default="svg", help=_("picture format (default: %(default)s)"))
    p.add_argument("--html", action="store_true", help=_("also write expr.html, the step-by-step page"))
    p.add_argument("--order", type=count(1, 8), default=1,
                   help=_("also print derivatives up to this order (default: %(default)s)"))


def run(args: argparse.Namespace) -> int:
    from deltagrad.autograd.text import format_table, significant

    from .expression import ExpressionError, parse_assignments, parse_expression

    try:
        values = parse_assignments(args.values)
        root, leaves = parse_expression(args.expression, values)
    except ExpressionError as err:
        raise UsageError(str(err)) from None
    check_folder("--out", args.out)
    root.backward()
    print(f"f = {args.expression.strip()}")
    at = join_numbers(f"{k} = {localize_number(f'{v:g}')}" for k, v in values.items())
    print(_("  at {values}:  f = {value}").format(values=at, value=significant(root.data, 10)))
    rows = [[f"df/d{name}", significant(leaf.grad, 10), repr(leaf.grad)] for name, leaf in leaves.items()]
    if args.order > 1:
        rows += _higher_orders(args.expression, values, args.order)
    print(format_table([_("derivative"), _("value"), _("full float")], rows))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        picture = viz.render(root, args.out / f"graph.{args.format}", inputs=list(leaves.values()))
        print(_("graph written to {picture}").format(picture=picture))
        if args.html:
            page = viz.stepper(root, inputs=list(leaves.values())).save(args.out / "expr.html")
            print(_("step-by-step page written to {page}").format(page=page))
    except viz.GraphvizNotFoundError as err:
        print(_("graph not rendered: {reason}").format(reason=err))
    except BrokenPipeError:
        raise  # the reader left (`| head`): main ends quietly
    except (viz.GraphTooLargeError, viz.RenderError, OSError) as err:
        raise UsageError(str(err)) from None
    return 0


def _higher_orders(expression: str, values: dict[str, float], order: int) -> list[list[str]]:
    """Rows for the derivatives of order 2..``order`` of each variable alone (d^n f/dx^n)."""
    from deltagrad.autograd import Value, derivatives
    from deltagrad.autograd.text import significant

    from .expression import parse_expression

    rows = []
    for name, value in values.items():
        def along(leaf: Value, name: str = name) -> Value:  # f as a function of this variable alone
            return parse_expression(expression, values, {name: leaf})[0]

        for n, d in enumerate(derivatives(along, value, order)[2:], start=2):
            rows.append([f"d^{n}f/d{name}^{n}", significant(d, 10), repr(d)])
    return rows
