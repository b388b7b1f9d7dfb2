"""``deltagrad demo``: one backprop step of the 2-2-1 network (or a saved one), narrated and drawn."""

from __future__ import annotations

import argparse
from pathlib import Path

from deltagrad import nn
from deltagrad.i18n import N_, _

from . import walkthrough as demo
from .common import (
    PICTURE_FORMATS,
    UsageError,
    check_example,
    check_folder,
    count,
    load_weights,
    model_from_args,
    number,
    out_argument,
    positive,
)

NAME = "demo"
HELP = N_("walk through one backprop step of the 2-2-1 network and draw its graph")
DESCRIPTION = N_(
    "Walk through one step of gradient descent on the classic 2-2-1 sigmoid network "
    "(or the network of --weights): forward pass, loss, the gradients by autograd "
    "beside the hand-derived delta rule, the SGD update, and two pictures: the "
    "computation graph with every value and gradient, and the network view."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad demo``."""
    out_argument(p, "demo", _("folder for the pictures and their DOT source (default: %(default)s)"))
    p.add_argument("--format", choices=PICTURE_FORMATS, default="svg", help=_("picture format (default: %(default)s)"))
    p.add_argument("--rankdir", choices=["TB", "LR"], default="TB",
                   help=_("layout of the graph: top to bottom or left to right (default: %(default)s)"))
    p.add_argument("--weights", type=Path, metavar="FILE.json",
                   help=_("a model file (from model.save) instead of the 2-2-1 example"))
    p.add_argument("--x", type=number, nargs="+", metavar="X", help=_("the input values"))
    p.add_argument("--y", type=number, nargs="+", metavar="Y", help=_("the target value(s)"))
    p.add_argument("--lr", type=positive, default=demo.WORKED_LR, help=_("learning rate (default: %(default)s)"))
    p.add_argument("--html", action="store_true",
                   help=_("also write backprop.html, a page that steps through the forward and backward pass"))
    p.add_argument("--view", choices=["graph", "network"], default=None,
                   help=_("what backprop.html steps on: every value of the graph, or the network view, one step "
                          "per neuron (default: the network view past 12 neurons)"))
    p.add_argument("--torch", action="store_true",
                   help=_("also print PyTorch's gradients beside autograd's and the delta rule's (torch extra)"))
    p.add_argument("--classes", type=count(2, 10), metavar="K",
                   help=_("walk through a softmax network with K classes instead (2-3-3 for K = 3), graded by "
                          "cross-entropy; --y is then the class index (default: the last class)"))
    p.add_argument("--show-code", action="store_true",
                   help=_("also print the code compile_graph generates, beside the delta rule it reproduces"))


def _softmax_args(args: argparse.Namespace) -> tuple[nn.MLP, list[float], list[float]]:
    """The network, x and class index of ``--classes K`` (with --weights: that network)."""
    if args.show_code:
        raise UsageError(_("--show-code writes the half squared error's code; leave it out with --classes"))
    if args.weights is not None:
        model = load_weights(args.weights)
        if model.sizes[-1] != args.classes:
            raise UsageError(_("--classes {k}: the network of --weights has {n} outputs, one logit per class "
                               "is needed").format(k=args.classes, n=model.sizes[-1]))
    else:
        model = demo.softmax_model(args.classes)
    x = list(args.x) if args.x is not None else list(demo.WORKED_X)
    check_example(model, x)
    default = demo.SOFTMAX_CLASS if args.classes == 3 else args.classes - 1
    ys = list(args.y) if args.y is not None else [float(default)]
    if len(ys) != 1:
        raise UsageError(_("--y with --classes is one class index, got {n} values").format(n=len(ys)))
    try:
        index = nn.losses.class_index(ys[0], args.classes, "--y")
    except (TypeError, ValueError) as err:
        raise UsageError(str(err)) from None
    return model, x, [float(index)]


def run(args: argparse.Namespace) -> int:
    if args.classes is not None:
        model, x, y = _softmax_args(args)
    else:
        model, x, y = model_from_args(args, "demo")
    check_folder("--out", args.out)
    code = demo.generated_backward(model, x, y) if args.show_code else None  # before the SGD step
    try:
        demo.run_demo(model, x, y, args.lr, args.out, args.format, rankdir=args.rankdir, html=args.html,
                      view=args.view, torch=args.torch,
                      loss_name="half_squared_error" if args.classes is None else "cross_entropy")
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            raise
        raise UsageError(str(err)) from None
    if code is not None:
        print()
        print(_("The compiled graph: compile_graph(L, inputs, params) writes this Python, and its\n"
                "backward pass is the delta rule, line by line (values at the example above):"))
        print(code)
    return 0
