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
    t = sub.add_parser(
        "train",
        help="train an MLP on a small 2-D data set, with a progress bar and plots",
        description=(
            "Train an MLP classifier on a generated two-class data set (hinge loss on a linear "
            "output, labels -1/+1) and report the training accuracy; optionally plot the loss "
            "curve and the decision boundary, and save the model."
        ),
    )
    t.add_argument("--data", choices=sorted(nn.datasets.DATASETS), default="moons",
                   help="data set (default: %(default)s)")
    t.add_argument("--n", type=_count, default=100, help="number of points (default: %(default)s; xor has 4)")
    t.add_argument("--noise", type=_non_negative, default=0.1, help="Gaussian noise (default: %(default)s)")
    t.add_argument("--hidden", type=_widths, default=[16, 16], metavar="W1,W2,...",
                   help="hidden layer widths (default: 16,16)")
    t.add_argument("--activation", choices=["relu", "tanh", "sigmoid"], default="relu",
                   help="hidden activation (default: %(default)s)")
    t.add_argument("--init", choices=list(nn.INITS), default="uniform", help="weight init (default: %(default)s)")
    t.add_argument("--epochs", type=_count, default=100, help="epochs (default: %(default)s)")
    t.add_argument("--lr", type=_positive, default=0.05, help="learning rate (default: %(default)s)")
    t.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="optimizer (default: %(default)s)")
    t.add_argument("--batch-size", type=_count, default=None,
                   help="mini-batch size (default: the whole data set)")
    t.add_argument("--seed", type=int, default=0, help="seed for data and weights (default: %(default)s)")
    t.add_argument("--compiled", action="store_true", help="replay a compiled loss graph (much faster)")
    t.add_argument("--plot", type=Path, metavar="DIR", help="write loss.png and decision_boundary.png to DIR")
    t.add_argument("--save", type=Path, metavar="FILE.json", help="save the trained model")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _non_negative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _widths(text: str) -> list[int]:
    if text.strip() in ("", "none"):
        return []
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated widths like 16,16, got {text!r}") from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(f"widths must be >= 1, got {text!r}")
    return widths


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
        _fail("demo", f"--x needs one value per network input ({model.sizes[0]}), got {len(x)}")
    if len(y) != model.sizes[-1]:
        _fail("demo", f"--y needs one value per network output ({model.sizes[-1]}), got {len(y)}")
    out = args.out
    if out.exists() and not out.is_dir():
        _fail("demo", f"--out {out} exists and is not a folder")
    if args.show_code:
        code = demo.generated_backward(model, x, y)  # before the demo's SGD step changes the weights
    try:
        demo.run_demo(model, x, y, args.lr, out, args.format)
    except BrokenPipeError:
        raise  # the reader (e.g. `| head`) left: handled quietly in main
    except OSError as err:
        _fail("demo", str(err))
    if args.show_code:
        print()
        print("The compiled graph: compile_graph(L, inputs, params) writes this Python, and its")
        print("backward pass is the delta rule, line by line (values at the example above):")
        print(code)
    return 0


def _train(args: argparse.Namespace) -> int:
    import time

    if args.save is not None and args.save.is_dir():
        _fail("train", f"--save {args.save} is a folder; give a file name such as model.json")
    if args.plot is not None and args.plot.exists() and not args.plot.is_dir():
        _fail("train", f"--plot {args.plot} exists and is not a folder")
    if args.data == "xor":
        X, labels = nn.datasets.xor()
    elif args.data == "circles":
        X, labels = nn.datasets.circles(args.n, args.noise, rng=args.seed)
    else:
        make = nn.datasets.DATASETS[args.data]
        X, labels = make(args.n, args.noise, rng=args.seed)  # type: ignore[call-arg]
    Y = nn.datasets.signed(labels)
    model = nn.MLP(2, [*args.hidden, 1], activation=args.activation, output_activation="linear",
                   init=args.init, rng=args.seed)
    params = model.parameters()
    optimizer = nn.Adam(params, lr=args.lr) if args.optimizer == "adam" else nn.SGD(params, lr=args.lr)
    shape = " -> ".join(str(s) for s in model.sizes)
    print(f"training MLP {shape} ({args.activation}, linear output, {len(params)} parameters) on "
          f"{args.data} ({len(X)} points), hinge loss, {args.optimizer} lr={args.lr:g}, "
          f"{'compiled' if args.compiled else 'eager'}")
    started = time.perf_counter()
    history = nn.fit(model, X, Y, loss="hinge", optimizer=optimizer, epochs=args.epochs,
                     batch_size=args.batch_size, compiled=args.compiled, progress=not args.no_progress,
                     rng=args.seed)
    seconds = time.perf_counter() - started
    final = history.accuracy[-1]
    print(f"final training accuracy {final:.1%}, loss {history.loss[-1]:.4f}, after {args.epochs} epochs "
          f"in {seconds:.2f} s ({'compiled' if args.compiled else 'eager'})")
    if args.save is not None:
        try:
            model.save(args.save)
        except (OSError, ValueError) as err:
            _fail("train", f"cannot save the model to {args.save}: {err}")
        print(f"model saved to {args.save} (nn.load reads it; so does deltagrad demo --weights)")
    if args.plot is not None:
        from . import plot

        try:
            loss_png = plot.plot_history(history, args.plot / "loss.png")
            boundary_png = plot.plot_decision_boundary(model, X, labels, args.plot / "decision_boundary.png")
        except plot.PlotUnavailableError as err:
            print(f"no plots: {err}")
        except OSError as err:
            _fail("train", f"cannot write the plots to {args.plot}: {err}")
        else:
            print(f"plots written to {loss_png} and {boundary_png}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deltagrad`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "train":
            return _train(args)
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`| head`): not an error. Point stdout
        # at devnull so that Python's final flush does not raise again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse rejects others


if __name__ == "__main__":
    raise SystemExit(main())
