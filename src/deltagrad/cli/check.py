"""``deltagrad check``: grade a hand derivation, name the first mistake and draw the check."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deltagrad import nn, viz

from . import walkthrough as demo
from .common import UsageError, bounded, check_folder, model_from_args, number, positive


def register(sub: Any) -> None:
    """Add ``deltagrad check`` to the subcommands."""
    p = sub.add_parser(
        "check",
        help="grade a hand-computed backprop: find the first mistake and say what it probably was",
        description=(
            "Grade the numbers of a hand derivation (forward pass, loss, deltas, gradients, update) "
            "against the delta rule. Without --weights it checks the 2-2-1 worked example at lr 0.1. "
            "Exit status: 0 when every given answer is right, 1 when any is wrong, 2 for bad input. "
            "--template prints a blank answers file to hand out."
        ),
    )
    p.add_argument("answers", nargs="?", type=Path, metavar="ANSWERS.json",
                   help='the answers: {"forward": {...}, "deltas": {...}, "gradients": {...}, "updated": {...}}')
    p.add_argument("--template", action="store_true", help="print a blank answers file for the network and exit")
    p.add_argument("--weights", type=Path, metavar="FILE.json", help="a model file instead of the 2-2-1 example")
    p.add_argument("--x", type=number, nargs="+", metavar="X", help="the input values")
    p.add_argument("--y", type=number, nargs="+", metavar="Y", help="the target value(s)")
    p.add_argument("--lr", type=positive, default=None, help="learning rate (default: 0.1 for the 2-2-1 example)")
    p.add_argument("--rtol", type=bounded(0.0, 1.0), default=1e-3, help="relative tolerance (default: %(default)s)")
    p.add_argument("--out", type=Path, metavar="DIR", help="also write graph.svg and network.svg with the check drawn")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from deltagrad.nn.check import template

    model, x, y = model_from_args(args, "check")
    lr = args.lr if args.lr is not None else (demo.WORKED_LR if args.weights is None else None)
    if args.template:
        print(json.dumps(template(model, lr), indent=2))
        return 0
    if args.answers is None:
        raise UsageError("give the answers file (ANSWERS.json), or --template for a blank one")
    try:
        text = args.answers.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {args.answers}: {err}") from None
    if not text.strip():
        raise UsageError(f"{args.answers} is empty; deltagrad check --template prints a file to fill in")
    try:
        answers = json.loads(text, parse_constant=lambda c: float("nan"))
    except (json.JSONDecodeError, RecursionError) as err:
        raise UsageError(f"{args.answers} is not JSON: {err}") from None
    try:
        report = nn.check_answers(model, x, y, answers, lr=lr, rtol=args.rtol)
    except (TypeError, ValueError) as err:
        message = str(err)
        if "needs the learning rate" in message:
            message = "the 'updated' section needs the learning rate: pass --lr"
        raise UsageError(f"{args.answers}: {message}") from None
    if not report.rows:
        raise UsageError(f"{args.answers} answers nothing (every value is null)")
    print(report.format())
    if args.out is not None:
        check_folder("--out", args.out)
        _draw_check(model, x, y, report, args.out)
    return 0 if report.ok else 1


def _draw_check(model: nn.MLP, x: list[float], y: list[float], report: nn.CheckReport, out: Path) -> None:
    from deltagrad.autograd import Value

    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    targets = [Value(t, label="y" if len(y) == 1 else f"y[{i}]") for i, t in enumerate(y)]
    with model.grads_kept():
        loss = nn.half_squared_error(model(inputs), targets[0] if len(targets) == 1 else targets)
        loss.backward()
        out.mkdir(parents=True, exist_ok=True)
        pictures: list[tuple[str, Callable[[], Any]]] = [
            ("graph", lambda: viz.draw_dot(loss, params=model.parameters(), inputs=inputs + targets, check=report)),
            ("network view", lambda: viz.draw_network(model, x, y, check=report)),
        ]
        for (name, draw), file in zip(pictures, ("graph.svg", "network.svg")):
            try:  # each on its own: without Graphviz both DOT sources are still written
                print(f"{name} written to {viz.save_picture(draw(), out / file)}")
            except BrokenPipeError:
                raise
            except (viz.GraphvizNotFoundError, viz.GraphTooLargeError, viz.RenderError, OSError) as err:
                print(f"{name} not rendered: {str(err).split(';')[0]}")
