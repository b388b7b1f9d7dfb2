"""What every subcommand shares: number parsers with bounds, one-line errors, output checks."""

from __future__ import annotations

import argparse
import copy
import errno
import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from deltagrad import nn, viz
from deltagrad.autograd.files import check_writable
from deltagrad.autograd.text import parse_number
from deltagrad.i18n import _, get_language, localize_number, using_language

from . import walkthrough as demo

# Bounds of the command's numbers: large enough for any lesson, small enough to finish.
MAX_POINTS = 100_000
MAX_WIDTH = 4_096
MAX_LAYERS = 32
MAX_EPOCHS = 10_000_000
MAX_NOISE = 100.0
MAX_LR = 1e6
MAX_SEED = 2**32 - 1
PICTURE_FORMATS = [suffix.lstrip(".") for suffix in viz.FORMATS]
# --activation of a hidden layer: any but the identity (two linear layers are one linear layer)
HIDDEN_ACTIVATIONS = [name for name, act in nn.ACTIVATIONS.items() if not act.identity]



class UsageError(Exception):
    """Bad input found after parsing: reported as one line, exit status 2."""


# Anything that starts with "-" and is not an option's name is a value: a negative number
# in any notation (-1e-3, -.5, -2,5) or an expression that begins with a minus (-x, -(a+b)).
_NEGATIVE_NUMBER = re.compile(r"^-(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, with a number default (``%(default)s``) written with the decimal mark
    of the language in use: ``0,05`` in Russian."""

    def _expand_help(self, action: argparse.Action) -> str:
        if isinstance(action.default, float):
            action = copy.copy(action)
            action.default = localize_number(str(action.default))
        return super()._expand_help(action)


class Parser(argparse.ArgumentParser):
    """argparse, with errors as one line (status 2) instead of the usage block, and values
    that begin with a minus sign (``--x 0.5 -1e-3``, ``expr "-x"``) taken as values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER  # argparse's own misses -1e-3

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("{prog}: error: {message} (see '{prog} --help')").format(prog=self.prog, message=message) + "\n")

    def _parse_optional(self, arg_string: str) -> Any:
        parsed = super()._parse_optional(arg_string)
        if parsed is None or arg_string.startswith("--") or len(arg_string) < 2:
            return parsed
        # "-x" or "-(a+b)" where no option of that name exists: a value, not an unknown option
        if not any(arg_string.startswith(option) for option in self._option_string_actions):
            return None
        return parsed


class Version(argparse.Action):
    """``--version``, with the version read only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import deltagrad

        print(f"deltagrad {deltagrad.__version__}")
        parser.exit()


# The largest |number| the command takes: its square still fits a float (the loss squares
# the error), and no lesson needs more.
MAX_MAGNITUDE = 1e150


def number(text: str) -> float:
    """A number typed on the command line: 0.5, or 0,5 with the decimal comma, -1e-3, .5;
    at most `MAX_MAGNITUDE` in size."""
    value = _finite_number(text)
    if abs(value) > MAX_MAGNITUDE:
        raise argparse.ArgumentTypeError(_("{text} is out of range: the command takes numbers up to {most:g} in "
                                           "size").format(text=text[:40], most=MAX_MAGNITUDE))
    return value


def _finite_number(text: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        try:  # inf, nan and 1e999 are numbers to float(), but not finite ones
            infinite = not math.isfinite(float(text.replace(",", ".")))
        except ValueError:
            infinite = False
        message = _("expected a finite number, got {text}") if infinite else _("expected a number, got {text}")
        raise argparse.ArgumentTypeError(message.format(text=repr(text))) from None


def bounded(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A number in [low, high] (or (low, high] with ``low_open``)."""

    def parse(text: str) -> float:
        value = _finite_number(text)
        if (value <= low if low_open else value < low) or value > high:
            if low_open and low == 0 and value <= 0:
                raise argparse.ArgumentTypeError(_("expected a positive number, got {text}").format(text=repr(text)))
            if not low_open and low == 0 and value < 0:
                raise argparse.ArgumentTypeError(_("expected a number >= 0, got {text}").format(text=repr(text)))
            message = (_("expected a number in ({low:g}, {high:g}], got {text}") if low_open
                       else _("expected a number in [{low:g}, {high:g}], got {text}"))
            raise argparse.ArgumentTypeError(message.format(low=low, high=high, text=repr(text)))
        return value

    return parse


def count(low: int, high: int) -> Callable[[str], int]:
    """A whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            if len(text) > 30:
                raise ValueError
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("expected a whole number, got {text}").format(
                text=repr(text[:40]))) from None
        if value < low:
            raise argparse.ArgumentTypeError(_("expected a whole number >= {low}, got {text}").format(
                low=low, text=repr(text)))
        if value > high:
            raise argparse.ArgumentTypeError(_("expected a whole number <= {high:,}, got {text}").format(
                high=high, text=repr(text)))
        return value

    return parse


def widths(text: str) -> list[int]:
    if text.strip() in ("", "none"):
        return []
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected comma-separated widths like 16,16, got {text}").format(
            text=repr(text))) from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(_("widths must be >= 1, got {text}").format(text=repr(text)))
    if any(w > MAX_WIDTH for w in widths):
        raise argparse.ArgumentTypeError(_("widths must be <= {most}, got {text}").format(
            most=MAX_WIDTH, text=repr(text)))
    if len(widths) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(_("at most {most} hidden layers, got {got}").format(
            most=MAX_LAYERS, got=len(widths)))
    return widths


positive = bounded(0.0, MAX_LR, low_open=True)


def data_name(text: str) -> str:
    """``--data`` of `train`: a generated set, a table (``nn.datasets.TABLES``) or a FILE.csv."""
    if text in nn.datasets.DATASETS or text in nn.datasets.TABLES or text.lower().endswith(".csv"):
        return text
    names = ", ".join([*nn.datasets.DATASETS, *nn.datasets.TABLES])
    raise argparse.ArgumentTypeError(_("invalid choice: {text!r} (choose from {names}, or a FILE.csv)").format(
        text=text[:60], names=names))


def training_arguments(p: argparse.ArgumentParser, *, default_hidden: list[int], default_activation: str,
                        default_epochs: int, default_lr: float, tables: bool = False) -> None:
    """The arguments `train` and `inits` share: data, network, schedule, output; with
    ``tables``, --data also takes iris, digits and a FILE.csv."""
    if tables:
        p.add_argument("--data", type=data_name, default="moons", metavar="NAME|FILE.csv",
                       help=_("data set: {names}, or a CSV file with a header row (default: %(default)s)").format(
                           names=", ".join([*nn.datasets.DATASETS, *nn.datasets.TABLES])))
    else:
        p.add_argument("--data", choices=list(nn.datasets.DATASETS), default="moons",
                       help=_("data set (default: %(default)s)"))
    p.add_argument("--n", type=count(2, MAX_POINTS), default=None,
                   help=_("number of points (default: the data set's own: 100, xor 4)"))
    p.add_argument("--noise", type=bounded(0.0, MAX_NOISE), default=None,
                   help=_("Gaussian noise (default: the data set's own)"))
    p.add_argument("--hidden", type=widths, default=default_hidden, metavar="W1,W2,...",
                   help=_("hidden layer widths (default: {widths})").format(widths=",".join(map(str, default_hidden))))
    p.add_argument("--activation", choices=HIDDEN_ACTIVATIONS,
                   default=default_activation, help=_("hidden activation (default: %(default)s)"))
    p.add_argument("--epochs", type=count(1, MAX_EPOCHS), default=default_epochs,
                   help=_("epochs (default: %(default)s)"))
    p.add_argument("--lr", type=positive, default=default_lr, help=_("learning rate (default: %(default)s)"))
    p.add_argument("--seed", type=count(0, MAX_SEED), default=0,
                   help=_("seed for data and weights (default: %(default)s)"))
    p.add_argument("--compiled", action="store_true", help=_("replay a compiled loss graph (much faster)"))
    p.add_argument("--plot", type=Path, metavar="DIR", help=_("write the plots to DIR"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress bar"))


# --sizes of an exercise: three layers of at most two digits each (the generator bounds them further)
SIZE_PATTERN = re.compile(r"\d{1,2}(-\d{1,2}){2}")


def exercise_sizes(text: str) -> list[int]:
    """``--sizes 2-2-1`` of an exercise: the network's layer widths."""
    if not SIZE_PATTERN.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(_("expected sizes such as 2-2-1, got {text!r}").format(text=text[:40]))
    return [int(part) for part in text.strip().split("-")]


def exercise_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments `exercise` and `practice` share: the variant's network and loss."""
    from deltagrad.nn.exercise import HIDDEN
    from deltagrad.nn.manual import HAND_LOSSES

    p.add_argument("--sizes", type=exercise_sizes, default=[2, 2, 1], metavar="2-2-1",
                   help=_("network sizes, one hidden layer: from 1-1-1 up to 3-3-2; with cross_entropy 2 or 3 "
                          "outputs, one per class, up to 3-3-3 (default: 2-2-1)"))
    p.add_argument("--activation", choices=list(HIDDEN), default="sigmoid",
                   help=_("hidden activation (default: %(default)s)"))
    p.add_argument("--loss", choices=list(HAND_LOSSES), default="half_squared_error",
                   help=_("loss: half_squared_error and binary_cross_entropy with a sigmoid output, "
                          "cross_entropy with the softmax of linear outputs (default: %(default)s)"))


def out_argument(p: argparse.ArgumentParser, command: str, help_text: str) -> None:
    """``--out DIR``, by default ``build/<command>``: every command writes under build/ unless told."""
    p.add_argument("--out", type=Path, default=Path("build") / command, metavar="DIR", help=help_text)


class OutputClosedError(Exception):
    """stdout or stderr cannot be written: closed by its reader (``| head``) or full (``/dev/full``)."""

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(f"{stream}: {error.strerror or error}")
        self.stream = stream
        self.errno = error.errno
        self.language = get_language()  # the command's, to say it in: the guard runs outside --lang


class _GuardedStream:
    """A standard stream whose write and flush errors are `OutputClosedError`, which the
    command's own error handling (for ``OSError`` of its files) does not take for a bad input."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except OSError as err:
            raise OutputClosedError(self._name, err) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as err:
            raise OutputClosedError(self._name, err) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _silence(stream: Any) -> None:
    """Point a broken stream's file descriptor at /dev/null, so that the interpreter's last
    flush of what is still buffered succeeds quietly."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def run_guarded(body: Callable[[], int]) -> int:
    """Run the command; a closed or full stdout or stderr ends it quietly with the right status.

    The streams are flushed here, inside the guard, so that an error in the last write is
    seen here whether or not Python buffers the output (``PYTHONUNBUFFERED``), not at
    interpreter exit. A reader that stopped early (``| head``, ``| true``) is not an error:
    status 0, or the command's own. A full or failing output is: status 1, said on stderr
    when stderr still works.
    """
    real_out, real_err = sys.stdout, sys.stderr
    if real_err is None:  # started with stderr closed (2>&-): messages go nowhere, not to stdout
        real_err = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    sys.stdout = _GuardedStream(real_out, "stdout") if real_out is not None else None  # type: ignore[assignment]
    sys.stderr = _GuardedStream(real_err, "stderr")  # type: ignore[assignment]
    code: int = 0
    try:
        try:
            code = body()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        return code
    except OutputClosedError as err:
        broken = real_out if err.stream == "stdout" else real_err
        _silence(broken)
        if err.errno == errno.EPIPE:
            return code
        if err.stream == "stdout":
            try:
                with using_language(err.language):
                    message = _("deltagrad: error: cannot write the output: {reason}").format(
                        reason=os.strerror(err.errno) if err.errno else err)
                real_err.write(message + "\n")
                real_err.flush()
            except OSError:
                _silence(real_err)
        return code or 1
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def fail(command: str, message: str) -> NoReturn:
    print(_("deltagrad {command}: error: {message}").format(command=command, message=" ".join(str(message).split())),
          file=sys.stderr)
    raise SystemExit(2)


def check_folder(option: str, path: Path) -> None:
    """``path`` is usable as an output folder: it is one, or it can be made."""
    if path.exists() and not path.is_dir():
        raise UsageError(_("{option} {path} exists and is not a folder").format(option=option, path=path))
    parent = path
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise UsageError(_("{option} {path}: cannot write in {parent}").format(option=option, path=path, parent=parent))


def check_save(path: Path) -> None:
    """``--save`` can be written, checked before a long training run starts by doing what
    the save does: its temporary file is created beside the target and removed again."""
    if path.is_dir():
        raise UsageError(_("--save {path} is a folder; give a file name such as model.json").format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not path.is_symlink() and not folder.is_dir():
        raise UsageError(_("--save {path}: the folder {folder} does not exist").format(path=path, folder=folder))
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(_("--save {path}: cannot write there").format(path=path))
    try:
        check_writable(path)
    except (OSError, ValueError) as err:
        raise UsageError(_("--save {path}: {reason}").format(path=path, reason=err)) from None


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
        raise UsageError(_("--data {name}: {err}").format(name=args.data, err=err)) from None


def plots(folder: Path, draw: Callable[[Any], list[Path]]) -> None:
    """Run ``draw(viz.plot)`` and say where the plots went; without matplotlib, say how to get it."""
    from deltagrad.viz import plot

    try:
        written = draw(plot)
    except plot.PlotUnavailableError as err:
        print(_("no plots: {reason}").format(reason=err))
    except OSError as err:
        raise UsageError(_("cannot write the plots to {folder}: {reason}").format(folder=folder, reason=err)) from None
    else:
        if len(written) == 1:
            print(_("plot written to {path}").format(path=written[0]))
        else:
            listing = str(written[0])
            for path in written[1:]:
                listing = _("{paths} and {path}").format(paths=listing, path=path)
            print(_("plots written to {paths}").format(paths=listing))


def load_weights(path: Path) -> nn.MLP:
    """The model of ``--weights FILE.json`` (from ``model.save``); a bad file is one line."""
    try:
        return nn.load(path)
    except (OSError, ValueError) as err:
        raise UsageError(_("cannot use --weights {path}: {reason}").format(path=path, reason=err)) from None


def check_example(model: nn.MLP, x: list[float], y: list[float] | None = None) -> None:
    """``--x`` has one value per network input and ``--y`` (when given) one per output."""
    if len(x) != model.sizes[0]:
        raise UsageError(_("--x needs one value per network input ({n}), got {got}").format(
            n=model.sizes[0], got=len(x)))
    if y is not None and len(y) != model.sizes[-1]:
        raise UsageError(_("--y needs one value per network output ({n}), got {got}").format(
            n=model.sizes[-1], got=len(y)))


def model_from_args(args: argparse.Namespace, command: str) -> tuple[nn.MLP, list[float], list[float]]:
    """The network, x and y the arguments name: --weights with --x and --y, or the 2-2-1."""
    if args.weights is not None:
        model = load_weights(args.weights)
        if not getattr(args, "template", False) and (args.x is None or args.y is None):
            raise UsageError(_("--weights needs --x and --y (the input and target for that network)"))
    else:
        model = demo.worked_model()
    x = list(args.x) if args.x is not None else list(demo.WORKED_X) if args.weights is None else [0.0] * model.sizes[0]
    y = list(args.y) if args.y is not None else list(demo.WORKED_Y) if args.weights is None else [0.0] * model.sizes[-1]
    check_example(model, x, y)
    return model, x, y
