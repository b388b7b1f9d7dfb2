"""The ``deltagrad`` command: ``deltagrad demo`` walks through one step of backprop.

Every bad input ends in one line on stderr and exit status 2, never a traceback: the
numbers have bounds (below), files are checked before long work starts, and errors the
library raises (``TypeError``, ``ValueError``, ``OSError``) are reported the same way.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import nn
import viz
from autograd.ops import UNARY

from . import demo

# Bounds of the command's numbers: large enough for any lesson, small enough to finish.
MAX_POINTS = 100_000
MAX_WIDTH = 4_096
MAX_LAYERS = 32
MAX_EPOCHS = 10_000_000
MAX_NOISE = 100.0
MAX_LR = 1e6
MAX_SEED = 2**32 - 1
PICTURE_FORMATS = [suffix.lstrip(".") for suffix in viz.FORMATS]


class UsageError(Exception):
    """Bad input found after parsing: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line (status 2) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


class _Version(argparse.Action):
    """``--version``, with the version read only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import deltagrad

        print(f"deltagrad {deltagrad.__version__}")
        parser.exit()


def _number(text: str) -> float:
    try:
        value = float(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _bounded(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A number in [low, high] (or (low, high] with ``low_open``)."""

    def parse(text: str) -> float:
        value = _number(text)
        if (value <= low if low_open else value < low) or value > high:
            if low_open and low == 0 and value <= 0:
                raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
            if not low_open and low == 0 and value < 0:
                raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
            side = "(" if low_open else "["
            raise argparse.ArgumentTypeError(f"expected a number in {side}{low:g}, {high:g}], got {text!r}")
        return value

    return parse


def _count(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            if len(text) > 30:
                raise ValueError
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {low}, got {text!r}")
        if value > high:
            raise argparse.ArgumentTypeError(f"expected a whole number <= {high:,}, got {text!r}")
        return value

    return parse


def _widths(text: str) -> list[int]:
    if text.strip() in ("", "none"):
        return []
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated widths like 16,16, got {text!r}") from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(f"widths must be >= 1, got {text!r}")
    if any(w > MAX_WIDTH for w in widths):
        raise argparse.ArgumentTypeError(f"widths must be <= {MAX_WIDTH}, got {text!r}")
    if len(widths) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_LAYERS} hidden layers, got {len(widths)}")
    return widths


_positive = _bounded(0.0, MAX_LR, low_open=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deltagrad`` and its subcommands."""
    parser = _Parser(
        prog="deltagrad",
        description="deltagrad: a scalar autograd engine that shows every gradient.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    d = sub.add_parser(
        "demo",
        help="walk through one backprop step of the 2-2-1 network and draw its graph",
        description=(
            "Walk through one step of gradient descent on the classic 2-2-1 sigmoid network "
            "(or the network of --weights): forward pass, loss, the gradients by autograd "
            "beside the hand-derived delta rule, the SGD update, and two pictures: the "
            "computation graph with every value and gradient, and the network view."
        ),
    )
    d.add_argument("--out", type=Path, default=Path("deltagrad-demo"), metavar="DIR",
                   help="folder for the pictures and their DOT source (default: %(default)s)")
    d.add_argument("--format", choices=PICTURE_FORMATS, default="svg", help="picture format (default: %(default)s)")
    d.add_argument("--rankdir", choices=["TB", "LR"], default="TB",
                   help="layout of the graph: top to bottom or left to right (default: %(default)s)")
    d.add_argument("--weights", type=Path, metavar="FILE.json",
                   help="a model file (from model.save) instead of the 2-2-1 example")
    d.add_argument("--x", type=_number, nargs="+", metavar="X", help="the input values")
    d.add_argument("--y", type=_number, nargs="+", metavar="Y", help="the target value(s)")
    d.add_argument("--lr", type=_positive, default=demo.WORKED_LR, help="learning rate (default: %(default)s)")
    d.add_argument("--html", action="store_true",
                   help="also write backprop.html, a page that steps through the forward and backward pass")
    d.add_argument("--torch", action="store_true",
                   help="also print PyTorch's gradients beside autograd's and the delta rule's (torch extra)")
    d.add_argument("--show-code", action="store_true",
                   help="also print the code compile_graph generates, beside the delta rule it reproduces")

    e = sub.add_parser(
        "expr",
        help="the graph of an expression: every variable's gradient, the picture, the stepper",
        description=(
            "Build the graph of an expression such as \"tanh(a*b + a**2)\" with the given values, "
            "print each variable's gradient and write the picture (and with --html the page that "
            "steps through it). Allowed: names, numbers, + - * / **, unary -, and the functions "
            f"{', '.join(UNARY)}."
        ),
    )
    e.add_argument("expression", help='the expression, e.g. "tanh(a*b + a**2)"')
    e.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value for every variable, e.g. a=2 b=-3")
    e.add_argument("--out", type=Path, default=Path("deltagrad-expr"), metavar="DIR",
                   help="folder for the picture (default: %(default)s)")
    e.add_argument("--format", choices=PICTURE_FORMATS, default="svg", help="picture format (default: %(default)s)")
    e.add_argument("--html", action="store_true", help="also write expr.html, the step-by-step page")
    e.add_argument("--order", type=_count(1, 8), default=1,
                   help="also print derivatives up to this order (default: %(default)s)")

    c = sub.add_parser(
        "check",
        help="grade a hand-computed backprop: find the first mistake and say what it probably was",
        description=(
            "Grade the numbers of a hand derivation (forward pass, loss, deltas, gradients, update) "
            "against the delta rule. Without --weights it checks the 2-2-1 worked example at lr 0.1. "
            "Exit status: 0 when every given answer is right, 1 when any is wrong, 2 for bad input. "
            "--template prints a blank answers file to hand out."
        ),
    )
    c.add_argument("answers", nargs="?", type=Path, metavar="ANSWERS.json",
                   help='the answers: {"forward": {...}, "deltas": {...}, "gradients": {...}, "updated": {...}}')
    c.add_argument("--template", action="store_true", help="print a blank answers file for the network and exit")
    c.add_argument("--weights", type=Path, metavar="FILE.json", help="a model file instead of the 2-2-1 example")
    c.add_argument("--x", type=_number, nargs="+", metavar="X", help="the input values")
    c.add_argument("--y", type=_number, nargs="+", metavar="Y", help="the target value(s)")
    c.add_argument("--lr", type=_positive, default=None, help="learning rate (default: 0.1 for the 2-2-1 example)")
    c.add_argument("--rtol", type=_bounded(0.0, 1.0), default=1e-3, help="relative tolerance (default: %(default)s)")
    c.add_argument("--out", type=Path, metavar="DIR", help="also write graph.svg and network.svg with the check drawn")

    i = sub.add_parser(
        "inits",
        help="the seed's first lesson: the same network trained from zeros, too small, too large, xavier, he",
        description=(
            "Train the same network on the same data, with the same seed and plain SGD, from each start: "
            "zeros, uniform x0.01 (too small), uniform (the seed's U[-1, 1]), uniform x10 (too large), "
            "xavier and he. One row per start: final loss and accuracy, epochs to 90%% accuracy, the "
            "gradient norm at epoch 0 and the hidden layer's symmetry at the end ('clones')."
        ),
    )
    _training_arguments(i, default_hidden=[8], default_activation="sigmoid", default_epochs=1500, default_lr=2.0)
    i.set_defaults(data="xor")

    t = sub.add_parser(
        "train",
        help="train an MLP on a small 2-D data set, with a progress bar and plots",
        description=(
            "Train an MLP classifier on a generated two-class data set and report the training "
            "accuracy; optionally plot the loss curve and the decision boundary, and save the "
            "model. The hinge loss uses a linear output and labels -1/+1; the other losses a "
            "sigmoid output and labels 0/1."
        ),
    )
    _training_arguments(t, default_hidden=[16, 16], default_activation="relu", default_epochs=100,
                        default_lr=0.05)
    t.add_argument("--init", choices=list(nn.INITS), default="uniform", help="weight init (default: %(default)s)")
    t.add_argument("--loss", choices=list(nn.LOSSES), default="hinge", help="loss (default: %(default)s)")
    t.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="optimizer (default: %(default)s)")
    t.add_argument("--batch-size", type=_count(1, MAX_POINTS), default=None,
                   help="mini-batch size (default: the whole data set)")
    t.add_argument("--save", type=Path, metavar="FILE.json", help="save the trained model")
    return parser


def _training_arguments(p: argparse.ArgumentParser, *, default_hidden: list[int], default_activation: str,
                        default_epochs: int, default_lr: float) -> None:
    """The arguments `train` and `inits` share: data, network, schedule, output."""
    p.add_argument("--data", choices=list(nn.datasets.DATASETS), default="moons",
                   help="data set (default: %(default)s)")
    p.add_argument("--n", type=_count(2, MAX_POINTS), default=None,
                   help="number of points (default: the data set's own: 100, xor 4)")
    p.add_argument("--noise", type=_bounded(0.0, MAX_NOISE), default=None,
                   help="Gaussian noise (default: the data set's own)")
    p.add_argument("--hidden", type=_widths, default=default_hidden, metavar="W1,W2,...",
                   help=f"hidden layer widths (default: {','.join(map(str, default_hidden))})")
    p.add_argument("--activation", choices=[a for a in nn.ACTIVATIONS if a != "linear"],
                   default=default_activation, help="hidden activation (default: %(default)s)")
    p.add_argument("--epochs", type=_count(1, MAX_EPOCHS), default=default_epochs,
                   help="epochs (default: %(default)s)")
    p.add_argument("--lr", type=_positive, default=default_lr, help="learning rate (default: %(default)s)")
    p.add_argument("--seed", type=_count(0, MAX_SEED), default=0,
                   help="seed for data and weights (default: %(default)s)")
    p.add_argument("--compiled", action="store_true", help="replay a compiled loss graph (much faster)")
    p.add_argument("--plot", type=Path, metavar="DIR", help="write the plots to DIR")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _fail(command: str, message: str) -> NoReturn:
    print(f"deltagrad {command}: error: {' '.join(str(message).split())}", file=sys.stderr)
    raise SystemExit(2)


def _check_folder(option: str, path: Path) -> None:
    """``path`` is usable as an output folder: it is one, or it can be made."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} exists and is not a folder")
    parent = path
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{option} {path}: cannot write in {parent}")


def _check_save(path: Path) -> None:
    """``--save`` can be written, checked before a long training run starts."""
    if path.is_dir():
        raise UsageError(f"--save {path} is a folder; give a file name such as model.json")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--save {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--save {path}: cannot write there")


def _demo(args: argparse.Namespace) -> int:
    if args.weights is not None:
        try:
            model = nn.load(args.weights)
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot use --weights {args.weights}: {err}") from None
        if args.x is None or args.y is None:
            raise UsageError("--weights needs --x and --y (the input and target for that network)")
    else:
        model = demo.worked_model()
    x = args.x if args.x is not None else demo.WORKED_X
    y = args.y if args.y is not None else demo.WORKED_Y
    if len(x) != model.sizes[0]:
        raise UsageError(f"--x needs one value per network input ({model.sizes[0]}), got {len(x)}")
    if len(y) != model.sizes[-1]:
        raise UsageError(f"--y needs one value per network output ({model.sizes[-1]}), got {len(y)}")
    _check_folder("--out", args.out)
    code = demo.generated_backward(model, x, y) if args.show_code else None  # before the SGD step
    try:
        demo.run_demo(model, x, y, args.lr, args.out, args.format, rankdir=args.rankdir, html=args.html,
                      torch=args.torch)
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            raise
        raise UsageError(str(err)) from None
    if code is not None:
        print()
        print("The compiled graph: compile_graph(L, inputs, params) writes this Python, and its")
        print("backward pass is the delta rule, line by line (values at the example above):")
        print(code)
    return 0


def make_data(args: argparse.Namespace) -> tuple[list[list[float]], list[int]]:
    """The data set the arguments name, from the registry (``nn.datasets.DATASETS``)."""
    make = nn.datasets.DATASETS[args.data]
    kwargs: dict[str, Any] = {"rng": args.seed}
    if args.n is not None:
        kwargs["n"] = args.n
    if args.noise is not None:
        kwargs["noise"] = args.noise
    try:
        return make(**kwargs)
    except (TypeError, ValueError) as err:
        raise UsageError(f"--data {args.data}: {err}") from None


def _train(args: argparse.Namespace) -> int:
    import time

    if args.save is not None:
        _check_save(args.save)
    if args.plot is not None:
        _check_folder("--plot", args.plot)
    X, labels = make_data(args)
    hinge = args.loss == "hinge"
    Y = nn.datasets.signed(labels) if hinge else [float(v) for v in labels]
    model = nn.MLP(2, [*args.hidden, 1], activation=args.activation,
                   output_activation="linear" if hinge else "sigmoid", init=args.init, rng=args.seed)
    params = model.parameters()
    optimizer = nn.Adam(params, lr=args.lr) if args.optimizer == "adam" else nn.SGD(params, lr=args.lr)
    shape = " -> ".join(str(s) for s in model.sizes)
    output = "linear output" if hinge else "sigmoid output"
    print(f"training MLP {shape} ({args.activation}, {output}, {len(params)} parameters) on "
          f"{args.data} ({len(X)} points), {args.loss} loss, {args.optimizer} lr={args.lr:g}, "
          f"{'compiled' if args.compiled else 'eager'}")
    done = 0

    def count(epoch: int, record: dict[str, Any]) -> None:
        nonlocal done
        done = epoch

    started = time.perf_counter()
    try:
        history = nn.fit(model, X, Y, loss=args.loss, optimizer=optimizer, epochs=args.epochs,
                         batch_size=args.batch_size, compiled=args.compiled, progress=not args.no_progress,
                         rng=args.seed, callback=count)
    except KeyboardInterrupt:
        print(f"interrupted after {done} epochs; nothing saved", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started
    final = history.accuracy[-1]
    acc = "-" if final is None else f"{final:.1%}"
    print(f"final training accuracy {acc}, loss {history.loss[-1]:.4f}, after {args.epochs} epochs "
          f"in {seconds:.2f} s ({'compiled' if args.compiled else 'eager'})")
    if args.save is not None:
        try:
            model.save(args.save)
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot save the model to {args.save}: {err}") from None
        print(f"model saved to {args.save} (nn.load reads it; so does deltagrad demo --weights)")
    if args.plot is not None:
        _plots(args.plot, lambda plot: [
            plot.plot_history(history, args.plot / "loss.png"),
            plot.plot_decision_boundary(model, X, Y if hinge else labels, args.plot / "decision_boundary.png"),
        ])
    return 0


def _plots(folder: Path, draw: Callable[[Any], list[Path]]) -> None:
    """Run ``draw(viz.plot)`` and say where the plots went; without matplotlib, say how to get it."""
    from viz import plot

    try:
        written = draw(plot)
    except plot.PlotUnavailableError as err:
        print(f"no plots: {err}")
    except OSError as err:
        raise UsageError(f"cannot write the plots to {folder}: {err}") from None
    else:
        print(f"plot{'s' if len(written) > 1 else ''} written to {' and '.join(map(str, written))}")


def _expr(args: argparse.Namespace) -> int:
    from autograd.text import format_table, significant

    from .expr import ExpressionError, parse_assignments, parse_expression

    try:
        values = parse_assignments(args.values)
        root, leaves = parse_expression(args.expression, values)
    except ExpressionError as err:
        raise UsageError(str(err)) from None
    _check_folder("--out", args.out)
    root.backward()
    print(f"f = {args.expression.strip()}")
    print(f"  at {', '.join(f'{k} = {v:g}' for k, v in values.items())}:  f = {significant(root.data, 10)}")
    rows = [[f"df/d{name}", significant(leaf.grad, 10), repr(leaf.grad)] for name, leaf in leaves.items()]
    if args.order > 1:
        rows += _higher_orders(args.expression, values, args.order)
    print(format_table(["derivative", "value", "full float"], rows))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        picture = viz.render(root, args.out / f"graph.{args.format}", inputs=list(leaves.values()))
        print(f"graph written to {picture}")
        if args.html:
            page = viz.stepper(root, inputs=list(leaves.values())).save(args.out / "expr.html")
            print(f"step-by-step page written to {page}")
    except viz.GraphvizNotFoundError as err:
        print(f"graph not rendered: {err}")
    except BrokenPipeError:
        raise  # the reader left (`| head`): main ends quietly
    except (viz.GraphTooLargeError, viz.RenderError, OSError) as err:
        raise UsageError(str(err)) from None
    return 0


def _higher_orders(expression: str, values: dict[str, float], order: int) -> list[list[str]]:
    """Rows for the derivatives of order 2..``order`` of each variable alone (d^n f/dx^n)."""
    from autograd import grad
    from autograd.text import significant

    from .expr import parse_expression

    rows = []
    root, leaves = parse_expression(expression, values)
    for name, leaf in leaves.items():
        current = root
        for n in range(1, order + 1):
            (current,) = grad(current, [leaf], create_graph=True)
            if n >= 2:
                power = "" if n == 1 else f"^{n}"
                rows.append([f"d{power}f/d{name}{power}", significant(current.data, 10), repr(current.data)])
    return rows


def _model_from_args(args: argparse.Namespace, command: str) -> tuple[nn.MLP, list[float], list[float]]:
    """The network, x and y the arguments name: --weights with --x and --y, or the 2-2-1."""
    if args.weights is not None:
        try:
            model = nn.load(args.weights)
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot use --weights {args.weights}: {err}") from None
        if not args.template and (args.x is None or args.y is None):
            raise UsageError("--weights needs --x and --y (the input and target for that network)")
    else:
        model = demo.worked_model()
    x = list(args.x) if args.x is not None else list(demo.WORKED_X) if args.weights is None else [0.0] * model.sizes[0]
    y = list(args.y) if args.y is not None else list(demo.WORKED_Y) if args.weights is None else [0.0] * model.sizes[-1]
    if len(x) != model.sizes[0]:
        raise UsageError(f"--x needs one value per network input ({model.sizes[0]}), got {len(x)}")
    if len(y) != model.sizes[-1]:
        raise UsageError(f"--y needs one value per network output ({model.sizes[-1]}), got {len(y)}")
    return model, x, y


def _check(args: argparse.Namespace) -> int:
    import json

    from nn.check import template

    model, x, y = _model_from_args(args, "check")
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
        _check_folder("--out", args.out)
        _draw_check(model, x, y, report, args.out)
    return 0 if report.ok else 1


def _draw_check(model: nn.MLP, x: list[float], y: list[float], report: nn.CheckReport, out: Path) -> None:
    from autograd import Value

    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    targets = [Value(t, label="y" if len(y) == 1 else f"y[{i}]") for i, t in enumerate(y)]
    saved = [p.grad for p in model.parameters()]
    model.zero_grad()
    loss = nn.half_squared_error(model(inputs), targets[0] if len(targets) == 1 else targets)
    loss.backward()
    out.mkdir(parents=True, exist_ok=True)
    pictures: list[tuple[str, Callable[[], Any]]] = [
        ("graph", lambda: viz.draw_dot(loss, params=model.parameters(), inputs=inputs + targets, check=report)),
        ("network view", lambda: viz.draw_network(model, x, y, check=report)),
    ]
    try:
        for (name, draw), file in zip(pictures, ("graph.svg", "network.svg")):
            try:  # each on its own: without Graphviz both DOT sources are still written
                print(f"{name} written to {viz.save_picture(draw(), out / file)}")
            except BrokenPipeError:
                raise
            except (viz.GraphvizNotFoundError, viz.GraphTooLargeError, viz.RenderError, OSError) as err:
                print(f"{name} not rendered: {str(err).split(';')[0]}")
    finally:
        for p, g in zip(model.parameters(), saved):
            p.grad = g


def _inits(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from autograd.text import format_table

    if not args.hidden:
        raise UsageError("--hidden needs at least one hidden layer: the lesson is about hidden neurons")
    if args.plot is not None:
        _check_folder("--plot", args.plot)
    X, labels = make_data(args)
    Y = [float(v) for v in labels]
    starts = nn.STARTS
    print(f"the same MLP {' -> '.join(map(str, [2, *args.hidden, 1]))} ({args.activation} hidden, sigmoid output), "
          f"half squared error, plain SGD lr={args.lr:g}, {args.epochs} epochs, seed {args.seed}, on {args.data} "
          f"({len(X)} points), from {len(starts)} starts")
    bar = tqdm(total=len(starts) * args.epochs, desc="training", unit="epoch", disable=args.no_progress, leave=False)

    def progress(name: str, epoch: int, epochs: int) -> None:
        bar.set_postfix_str(name.split(" (")[0], refresh=False)
        bar.update(1)

    try:
        comparison = nn.compare_inits(X, Y, hidden=args.hidden, activation=args.activation, lr=args.lr,
                                      epochs=args.epochs, seed=args.seed, compiled=args.compiled,
                                      progress=progress)
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted after {bar.n} epochs", file=sys.stderr)
        return 130
    bar.close()
    print(format_table(list(comparison.HEADER), comparison.rows()))
    print("zeros: every hidden neuron is a clone (symmetry 0), so the layer acts as one neuron;")
    print("too small: the gradient nearly vanishes; too large: the sigmoids saturate and it vanishes too;")
    print("the seed's U[-1, 1], xavier and he break the symmetry at a scale that learns.")
    if args.plot is not None:
        _plots(args.plot, lambda plot: [plot.plot_inits(comparison, args.plot / "inits.png")])
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "inits": _inits,
    "demo": _demo,
    "train": _train,
    "expr": _expr,
    "check": _check,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deltagrad`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as err:
        _fail(args.command, str(err))
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`| head`): not an error. Point stdout
        # at devnull so that Python's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (TypeError, ValueError, OSError, ArithmeticError, RecursionError, MemoryError) as err:
        _fail(args.command, f"{type(err).__name__}: {err}")


if __name__ == "__main__":
    raise SystemExit(main())
