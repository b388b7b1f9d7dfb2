"""``deltagrad play``: write the live playground page of a network, on one example or a data set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from deltagrad import nn
from deltagrad.i18n import N_, _

from . import walkthrough as demo
from .common import (
    HIDDEN_ACTIVATIONS,
    MAX_POINTS,
    MAX_SEED,
    UsageError,
    bounded,
    check_example,
    check_folder,
    count,
    load_weights,
    make_data,
    number,
    out_argument,
    positive,
    widths,
)

DEFAULT_HIDDEN = [4, 4]
DEFAULT_LR_DATA = 0.3  # full-batch SGD on a mean loss moves slowly at the tutorial's 0.1
MAX_CSV_BYTES = 16 * 1024 * 1024


NAME = "play"
HELP = N_("write a live page of a network: edit any weight or input, step and train in the browser")
DESCRIPTION = N_(
    "Write play.html, one self-contained page (it works offline, from file://) where every "
    "weight, input, target and the learning rate can be edited and every number recomputes "
    "at once; Step and Train run SGD in the browser with the code the compiler generates, and "
    "2-D data get a decision-boundary heat map. Without --data it is the tutorial's 2-2-1 "
    "network on its single example."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad play``."""
    p.add_argument("--data", metavar="NAME|FILE.csv",
                   help=_("a data set: {names}, or a CSV file with a header (default: the tutorial's "
                          "single example)").format(names=", ".join([*nn.datasets.DATASETS, "iris"])))
    p.add_argument("--target", metavar="COLUMN", help=_("the CSV's target column (default: the last one)"))
    p.add_argument("--test-split", type=bounded(0.0, 0.9, low_open=True), default=None, metavar="F",
                   help=_("hold out this fraction of the data as a test set, stratified (e.g. 0.2)"))
    p.add_argument("--n", type=count(2, MAX_POINTS), default=None,
                   help=_("number of points of a generated data set (default: its own)"))
    p.add_argument("--noise", type=bounded(0.0, 100.0), default=None,
                   help=_("Gaussian noise of a generated data set (default: its own)"))
    p.add_argument("--hidden", type=widths, default=None, metavar="W1,W2,...",
                   help=_("hidden layer widths (default with --data: {default})").format(
                       default=",".join(map(str, DEFAULT_HIDDEN))))
    p.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default=None,
                   help=_("hidden activation (default: tanh with --data, else the tutorial's sigmoid)"))
    p.add_argument("--init", choices=[*nn.INITS, "equal"], default=None,
                   help=_("initial weights (default: uniform; constant, or equal, sets every weight to {w})").format(
                       w=nn.init.CONSTANT_WEIGHT))
    p.add_argument("--weights", type=Path, metavar="FILE.json", help=_("a saved model (from model.save) to start from"))
    p.add_argument("--x", type=number, nargs="+", metavar="X", help=_("the example's inputs (without --data)"))
    p.add_argument("--y", type=number, nargs="+", metavar="Y", help=_("the example's target (without --data)"))
    p.add_argument("--lr", type=positive, default=None,
                   help=_("learning rate (default: {single} on one example, {data} with --data)").format(
                       single=demo.WORKED_LR, data=DEFAULT_LR_DATA))
    p.add_argument("--seed", type=count(0, MAX_SEED), default=0,
                   help=_("seed for the data and the weights (default: 0)"))
    out_argument(p, "play", _("folder for play.html (default: build/play)"))


def run(args: argparse.Namespace) -> int:
    from deltagrad import viz

    check_folder("--out", args.out)
    if args.data is None:
        for flag, value in (("--target", args.target), ("--test-split", args.test_split), ("--n", args.n),
                            ("--noise", args.noise)):
            if value is not None:
                raise UsageError(_("{flag} needs --data").format(flag=flag))
        model, x, y = _single(args)
        page = viz.playground(model, x, y, lr=args.lr if args.lr is not None else demo.WORKED_LR,
                              notation=_notation(args))
    else:
        if args.x is not None or args.y is not None:
            raise UsageError(_("--x and --y are for the single example; with --data the examples are the data's"))
        X, Y, names = _data(args)
        test = None
        if args.test_split is not None:
            X, Y, X_test, Y_test = nn.datasets.train_test_split(X, Y, test=args.test_split, rng=args.seed)
            test = (X_test, Y_test)
        classes = len(names) if names else 0
        model = _model(args, len(X[0]), classes)
        if classes > 2:
            page = viz.playground(model, X, Y, lr=_rate(args), test=test, class_names=names,
                                  notation=_notation(args))
        else:
            targets = [float(v) for v in Y]
            if test is not None:
                test = (test[0], [float(v) for v in test[1]])
            page = viz.playground(model, X, targets, lr=_rate(args), test=test,
                                  class_names=names if classes == 2 else None,
                                  loss=None if classes == 2 else "half_squared_error", notation=_notation(args))
    path = page.save(args.out / "play.html")
    print(path)
    return 0


def _notation(args: argparse.Namespace) -> str | None:
    """--notation when given (the page writes the tutorial's formulas otherwise)."""
    return getattr(args, "notation", None)


def _rate(args: argparse.Namespace) -> float:
    return float(args.lr) if args.lr is not None else DEFAULT_LR_DATA


def _single(args: argparse.Namespace) -> tuple[nn.MLP, list[float], Any]:
    """The network and example without --data: --weights, a new network, or the tutorial's."""
    if args.weights is not None:
        model = load_weights(args.weights)
    elif args.hidden is not None or args.activation is not None or args.init is not None:
        model = _new(args, 2, [*(args.hidden if args.hidden is not None else [2]), 1],
                     args.activation or "sigmoid", "sigmoid")
    else:
        model = demo.worked_model()
    nin, nout = model.sizes[0], model.sizes[-1]
    tutorial = args.weights is None and nin == 2 and nout == 1
    x = list(args.x) if args.x is not None else list(demo.WORKED_X) if tutorial else [0.0] * nin
    y = list(args.y) if args.y is not None else list(demo.WORKED_Y) if tutorial else [0.0] * nout
    check_example(model, x, y)
    return model, x, y[0] if nout == 1 else y


def _new(args: argparse.Namespace, nin: int, nouts: list[int], activation: str, output: str) -> nn.MLP:
    """A new MLP from the flags (``equal`` is ``constant``: every weight the same)."""
    init = {"equal": "constant"}.get(args.init, args.init or "uniform")
    return nn.MLP(nin, nouts, activation, output, init=init, rng=args.seed)


def _model(args: argparse.Namespace, nin: int, classes: int) -> nn.MLP:
    """The network for the data: --weights (checked against the data), or a new one."""
    nout = classes if classes > 2 else 1
    if args.weights is not None:
        model = load_weights(args.weights)
        if model.sizes[0] != nin or model.sizes[-1] != nout:
            raise UsageError(_("--weights {path} is a {shape} network, but the data need {nin} inputs and "
                               "{nout} outputs").format(path=args.weights, shape="-".join(map(str, model.sizes)),
                                                        nin=nin, nout=nout))
        return model
    hidden = args.hidden if args.hidden is not None else DEFAULT_HIDDEN
    output = "linear" if classes > 2 or classes == 0 else "sigmoid"
    return _new(args, nin, [*hidden, nout], args.activation or "tanh", output)


def _data(args: argparse.Namespace) -> tuple[list[list[float]], list[Any], list[str] | None]:
    """X, Y and the class names (None for a numeric target) that --data names."""
    name = args.data
    if name in nn.datasets.DATASETS:
        if args.target is not None:
            raise UsageError(_("--target is for a CSV file; {name} has its own labels").format(name=name))
        X, labels = make_data(args)  # the same generated data as train and inits
        return X, list(labels), ["0", "1"]
    for flag, value in (("--n", args.n), ("--noise", args.noise)):
        if value is not None:
            raise UsageError(_("{flag} is for a generated data set ({names})").format(
                flag=flag, names=", ".join(nn.datasets.DATASETS)))
    if name == "iris":
        if args.target is not None:
            raise UsageError(_("--target is for a CSV file; iris has its own labels"))
        X, Y, names = nn.datasets.iris()
        return X, list(Y), list(names)
    path = Path(name)
    if path.suffix.lower() != ".csv":
        raise UsageError(_("--data {name}: expected one of {names}, or a .csv file").format(
            name=name, names=", ".join([*nn.datasets.DATASETS, "iris"])))
    if not path.is_file():
        raise UsageError(_("--data {name}: no such file").format(name=name))
    if path.stat().st_size > MAX_CSV_BYTES:
        raise UsageError(_("--data {name}: larger than {mb} MB").format(name=name, mb=MAX_CSV_BYTES // 2**20))
    kwargs = {} if args.target is None else {"target": args.target}
    try:
        X, Y, names = nn.datasets.load_csv(path, **kwargs)
    except (OSError, ValueError) as err:
        raise UsageError(_("--data {name}: {err}").format(name=name, err=err)) from None
    return X, list(Y), list(names) if names else None
