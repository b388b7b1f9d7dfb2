"""The ``deltagrad`` command: ``deltagrad demo`` walks through one step of backprop."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import nn

from . import demo


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line (status 2) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deltagrad`` and its subcommands."""
    parser = _Parser(
        prog="deltagrad",
        description="deltagrad: a scalar autograd engine that shows every gradient.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    d = sub.add_parser(
        "demo",
        help="walk through one backprop step of the 2-2-1 network and draw its graph",
        description=(
            "Walk through one step of gradient descent on the classic 2-2-1 sigmoid network "
            "(or the network of --weights): forward pass, loss, the gradients by autograd "
            "beside the hand-derived delta rule, the SGD update, and the computation graph "
            "with every value and gradient."
        ),
    )
    d.add_argument("--out", type=Path, default=Path("deltagrad-demo"), metavar="DIR",
                   help="folder for the graph picture and its DOT source (default: %(default)s)")
    d.add_argument("--format", choices=("svg", "png", "pdf"), default="svg",
                   help="picture format (default: %(default)s)")
    d.add_argument("--weights", type=Path, metavar="FILE.json",
                   help="a model file (from model.save) instead of the 2-2-1 example")
    d.add_argument("--x", type=_number, nargs="+", metavar="X", help="the input values")
    d.add_argument("--y", type=_number, nargs="+", metavar="Y", help="the target value(s)")
    d.add_argument("--lr", type=_positive, default=demo.WORKED_LR,
                   help="learning rate (default: %(default)s)")
    d.add_argument("--show-code", action="store_true",
                   help="also print the code compile_graph generates, beside the delta rule it reproduces")
    return parser


def _fail(command: str, message: str) -> NoReturn:
    print(f"deltagrad {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _demo(args: argparse.Namespace) -> int:
    if args.weights is not None:
        try:
            model = nn.load(args.weights)
        except (OSError, ValueError) as err:
            _fail("demo", f"cannot use --weights {args.weights}: {err}")
        if args.x is None or args.y is None:
            _fail("demo", "--weights needs --x and --y (the input and target for that network)")
    else:
        model = demo.worked_model()
    x = args.x if args.x is not None else demo.WORKED_X
    y = args.y if args.y is not None else demo.WORKED_Y
    if len(x) != model.sizes[0]:
        _fail("demo", f"--x needs {model.sizes[0]} values for this network, got {len(x)}")
    if len(y) != model.sizes[-1]:
        _fail("demo", f"--y needs {model.sizes[-1]} values for this network, got {len(y)}")
    out = args.out
    if out.exists() and not out.is_dir():
        _fail("demo", f"--out {out} exists and is not a folder")
    if args.show_code:
        code = demo.generated_backward(model, x, y)  # before the demo's SGD step changes the weights
    try:
        demo.run_demo(model, x, y, args.lr, out, args.format)
    except OSError as err:
        _fail("demo", str(err))
    if args.show_code:
        print()
        print("The compiled graph: compile_graph(L, inputs, params) writes this Python, and its")
        print("backward pass is the delta rule, line by line (values at the example above):")
        print(code)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deltagrad`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse rejects others


if __name__ == "__main__":
    raise SystemExit(main())
