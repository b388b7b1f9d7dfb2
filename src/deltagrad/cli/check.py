"""``deltagrad check``: grade a hand derivation, name the first mistake and draw the check."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deltagrad import nn, viz
from deltagrad.autograd.grading import MAX_SIG
from deltagrad.i18n import N_, _
from deltagrad.nn.exercise import AnswersFile

from . import walkthrough as demo
from .common import UsageError, bounded, check_folder, count, model_from_args, number, positive

NAME = "check"
HELP = N_("grade a hand-computed backprop: find the first mistake and say what it probably was")
DESCRIPTION = N_(
    "Grade the numbers of a hand derivation (forward pass, loss, deltas, gradients, update) "
    "against the delta rule. Without --weights it checks the 2-2-1 worked example at lr 0.1. "
    "Exit status: 0 when every given answer is right, 1 when any is wrong, 2 for bad input. "
    "--template prints a blank answers file to hand out."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad check``."""
    p.add_argument("answers", nargs="?", type=Path, metavar="ANSWERS.json",
                   help=_("the answers: {sections}").format(
                       sections='{"forward": {...}, "deltas": {...}, "gradients": {...}, "updated": {...}}'))
    p.add_argument("--template", action="store_true", help=_("print a blank answers file for the network and exit"))
    p.add_argument("--weights", type=Path, metavar="FILE.json", help=_("a model file instead of the 2-2-1 example"))
    p.add_argument("--x", type=number, nargs="+", metavar="X", help=_("the input values"))
    p.add_argument("--y", type=number, nargs="+", metavar="Y", help=_("the target value(s)"))
    p.add_argument("--lr", type=positive, default=None, help=_("learning rate (default: 0.1 for the 2-2-1 example)"))
    p.add_argument("--rtol", type=bounded(0.0, 1.0), default=None,
                   help=_("relative tolerance for a plain answers file (default: 0.001)"))
    p.add_argument("--sig", type=count(1, MAX_SIG), default=None,
                   help=_("significant figures an answer must match (default: the exercise's, for a file with "
                          "its problem)"))
    p.add_argument("--hints", action="store_true",
                   help=_("student mode: name each slip and its place, and print no right value"))
    p.add_argument("--out", type=Path, metavar="DIR",
                   help=_("also write graph.svg and network.svg with the check drawn"))


def run(args: argparse.Namespace) -> int:
    import json

    from deltagrad.nn.check import template

    if args.template:
        model, x, y = model_from_args(args, "check")
        lr = args.lr if args.lr is not None else (demo.WORKED_LR if args.weights is None else None)
        print(json.dumps(template(model, lr), indent=2))
        return 0
    if args.answers is None:
        raise UsageError(_("give the answers file (ANSWERS.json), or --template for a blank one"))
    parsed = load_answers(args.answers)
    if parsed.problem is not None:
        if args.weights is not None or args.x is not None or args.y is not None or args.lr is not None:
            raise UsageError(_("{path} holds its own problem: drop --weights, --x, --y and --lr").format(
                path=args.answers))
        ex = parsed.problem
        model, x, y, lr, loss = ex.model(), ex.x, ex.y, ex.lr, ex.loss
        target = ex.target  # the class index for cross-entropy; y stays the one-hot row for the pictures
        sig = args.sig if args.sig is not None else (None if args.rtol is not None else ex.sig)
    else:
        model, x, y = model_from_args(args, "check")
        lr = args.lr if args.lr is not None else (demo.WORKED_LR if args.weights is None else None)
        loss, sig = "half_squared_error", args.sig
        target = y
    rtol = args.rtol if args.rtol is not None else 1e-3
    try:
        report = nn.check_answers(model, x, target, parsed.answers, lr=lr, rtol=rtol, sig=sig, loss=loss,
                                  revealed=parsed.revealed)
    except (TypeError, ValueError) as err:
        message = str(err)
        if message == _("the 'updated' section needs the learning rate: pass lr="):  # nn's words for --lr
            message = _("the 'updated' section needs the learning rate: pass --lr")
        raise UsageError(f"{args.answers}: {message}") from None
    if not report.rows:
        raise UsageError(_("{path} answers nothing (every value is null)").format(path=args.answers))
    print(report.format(values=not args.hints))
    if args.out is not None:
        check_folder("--out", args.out)
        _draw_check(model, x, y, report, args.out, loss)
    return 0 if report.ok else 1


def load_answers(path: Path) -> AnswersFile:
    """The answers file at ``path`` (regular, at most 1 MB, strict JSON), or a one-line UsageError."""
    from deltagrad.autograd.files import parse_strict_json, read_text
    from deltagrad.nn.exercise import MAX_ANSWERS_BYTES, parse_answers

    try:
        text = read_text(path, MAX_ANSWERS_BYTES, _("answers file"))
    except (OSError, ValueError) as err:
        raise UsageError(_("cannot read {path}: {reason}").format(path=path, reason=err)) from None
    if not text.strip():
        raise UsageError(_("{path} is empty; deltagrad check --template prints a file to fill in").format(path=path))
    try:
        data = parse_strict_json(text, str(path))
    except ValueError as err:
        reason = str(err)
        raise UsageError(reason if "is not JSON" in reason else _("{path} is not JSON: {reason}").format(
            path=path, reason=reason.split(": ", 1)[-1])) from None
    try:
        return parse_answers(data, str(path))
    except ValueError as err:
        raise UsageError(str(err)) from None


def _draw_check(model: nn.MLP, x: list[float], y: list[float], report: nn.CheckReport, out: Path,
                loss_name: str = "half_squared_error") -> None:
    from deltagrad.autograd import Value

    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    targets = [Value(t, label="y" if len(y) == 1 else f"y[{i}]") for i, t in enumerate(y)]
    with model.grads_kept():
        loss = nn.LOSSES[loss_name](model(inputs), targets[0] if len(targets) == 1 else targets)
        loss.backward()
        out.mkdir(parents=True, exist_ok=True)
        # (name, what is said when written, how it is drawn, file); one text per picture, since
        # a translation agrees "written" with the picture's name (граф записан, схема записана)
        pictures: list[tuple[str, str, Callable[[], Any], str]] = [
            (_("graph"), _("graph written to {picture}"),
             lambda: viz.draw_dot(loss, params=model.parameters(), inputs=inputs + targets, check=report), "graph.svg"),
            (_("network view"), _("network view written to {picture}"),
             lambda: viz.draw_network(model, x, y, loss=loss_name, check=report), "network.svg"),
        ]
        for name, written, draw, file in pictures:
            try:  # each on its own: without Graphviz both DOT sources are still written
                print(written.format(picture=viz.save_picture(draw(), out / file)))
            except BrokenPipeError:
                raise
            except (viz.GraphvizNotFoundError, viz.GraphTooLargeError, viz.RenderError, OSError) as err:
                print(_("{picture} not rendered: {reason}").format(picture=name, reason=str(err).split(";")[0]))
