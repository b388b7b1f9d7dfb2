"""``deltagrad train``: train an MLP on a 2-D set, iris, the digits or a CSV file, with a
progress bar, a held-out test set, a confusion matrix, plots, an animation and a saved model."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from deltagrad import nn
from deltagrad.autograd.files import check_writable
from deltagrad.i18n import N_, _, localize_number

from .common import (
    MAX_POINTS,
    UsageError,
    bounded,
    check_folder,
    check_save,
    count,
    make_data,
    plots,
    training_arguments,
)

REGRESSION_LOSSES = ("mse", "half_squared_error")
DEFAULT_TEST_SPLIT = 0.2  # held out of iris, the digits and a CSV file unless told otherwise


NAME = "train"
HELP = N_("train an MLP on a 2-D data set, iris, the digits or your own CSV, with a progress bar and plots")
DESCRIPTION = N_(
    "Train an MLP on a generated two-class data set, on Fisher's iris, on the 8x8 digits or on a "
    "CSV file, and report the training and test accuracy (or the MSE for a numeric target) and a "
    "confusion matrix; optionally plot the loss curve, the decision boundary and the confusion "
    "matrix, animate the training, and save the model. Two classes use the hinge loss (linear "
    "output, labels -1/+1) unless told otherwise, the other two-class losses a sigmoid output; "
    "more than two classes a linear output of one logit per class and cross_entropy; a numeric "
    "target a linear output and mse."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad train``."""
    training_arguments(p, default_hidden=[16, 16], default_activation="relu", default_epochs=100,
                       default_lr=0.05, tables=True)
    p.add_argument("--target", metavar="COLUMN",
                   help=_("the target column of a CSV file (default: its last column)"))
    p.add_argument("--test-split", type=bounded(0.0, 0.9), default=None, metavar="FRACTION",
                   help=_("the share of rows held out as a test set, stratified by class; 0 for none "
                          "(default: 0.2 for iris, the digits and a CSV file, 0 for the generated sets)"))
    p.add_argument("--init", choices=list(nn.INITS), default="uniform", help=_("weight init (default: %(default)s)"))
    p.add_argument("--loss", choices=list(nn.LOSSES), default=None,
                   help=_("loss (default: hinge for two classes, cross_entropy for more, mse for a numeric "
                          "target)"))
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help=_("optimizer (default: %(default)s)"))
    p.add_argument("--batch-size", type=count(1, MAX_POINTS), default=None,
                   help=_("mini-batch size (default: the whole data set)"))
    p.add_argument("--save", type=Path, metavar="FILE.json", help=_("save the trained model"))
    p.add_argument("--animate", type=Path, metavar="FILE.gif",
                   help=_("write the training as an animation, a .gif (or an .mp4 where ffmpeg is installed)"))


def _load(args: argparse.Namespace) -> tuple[list[list[float]], list[Any], list[str], bool]:
    """(X, Y, class names, generated): Y class indices, or numbers with no class names."""
    if args.data in nn.datasets.DATASETS:
        if args.target is not None:
            raise UsageError(_("--target names a column of a CSV file; --data {data} is generated").format(
                data=args.data))
        X, labels = make_data(args)
        return X, list(labels), ["0", "1"], True
    for option in ("n", "noise"):
        if getattr(args, option) is not None:
            raise UsageError(_("--{option} is for the generated data sets ({names}), not for --data {data}").format(
                option=option, names=", ".join(nn.datasets.DATASETS), data=args.data))
    if args.data in nn.datasets.TABLES:
        if args.target is not None:
            raise UsageError(_("--target names a column of a CSV file; --data {data} has its own").format(
                data=args.data))
        try:
            X, Y, names = nn.datasets.TABLES[args.data]()
        except nn.datasets.DataUnavailableError as err:
            raise UsageError(str(err)) from None
        return X, Y, names, False
    try:
        X, Y, names = nn.datasets.load_csv(args.data, target=args.target)
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise UsageError(_("--data {path}: {reason}").format(path=args.data, reason=reason)) from None
    if len(X) > MAX_POINTS:
        raise UsageError(_("--data {path} has {n:,} rows; deltagrad trains on at most {limit:,}").format(
            path=args.data, n=len(X), limit=MAX_POINTS))
    return X, Y, names, False


def _choose_loss(args: argparse.Namespace, names: list[str]) -> str:
    k = len(names)
    if not names:
        loss = args.loss or "mse"
        if loss not in REGRESSION_LOSSES:
            raise UsageError(_("--loss {loss} needs class labels, and the target of {data} is numbers: use "
                               "--loss mse").format(loss=loss, data=args.data))
        return loss
    loss = args.loss or ("hinge" if k == 2 else "cross_entropy")
    if k > 2 and loss != "cross_entropy":
        raise UsageError(_("--loss {loss} separates two classes, and {data} has {k}: use --loss "
                           "cross_entropy").format(loss=loss, data=args.data, k=k))
    return loss


def run(args: argparse.Namespace) -> int:
    import time

    if args.save is not None:
        check_save(args.save)
    if args.plot is not None:
        check_folder("--plot", args.plot)
    animate = _check_animate(args.animate) if args.animate is not None else False
    X, Y, names, generated = _load(args)
    loss = _choose_loss(args, names)
    k = len(names)
    split = args.test_split if args.test_split is not None else (0.0 if generated else DEFAULT_TEST_SPLIT)
    if split > 0.0 and names:
        for index, name in enumerate(names):
            if Y.count(index) < 2:
                raise UsageError(_("--test-split {split:g}: the class {name!r} of {data} has {n} row, and a "
                                   "stratified split needs 2 of every class (or --test-split 0)").format(
                    split=split, name=name, data=args.data, n=Y.count(index)))
    if split > 0.0:
        try:
            X_train, Y_train, X_test, Y_test = nn.datasets.train_test_split(X, Y, test=split, rng=args.seed)
        except ValueError as err:
            raise UsageError(_("--test-split {split:g} of {data}: {reason}").format(
                split=split, data=args.data, reason=err)) from None
    else:
        X_train, Y_train, X_test, Y_test = X, Y, [], []

    # the output layer and the targets each loss wants
    if loss == "cross_entropy":
        outputs, output_activation = max(k, 2), "linear"
        if k < 2:
            raise UsageError(_("--loss cross_entropy needs class labels, and the target of {data} is numbers").format(
                data=args.data))
    elif not names or loss == "hinge":
        outputs, output_activation = 1, "linear"
    else:
        outputs, output_activation = 1, "sigmoid"

    def targets(rows: list[Any]) -> list[Any]:
        if loss == "hinge":
            return nn.datasets.signed(rows)
        return list(rows) if loss == "cross_entropy" else [float(v) for v in rows]

    fit_train, fit_test = targets(Y_train), targets(Y_test)
    try:  # what the run would cost, before anything is built: refused at once with the estimate
        nn.train.check_cost_of([len(X[0]), *args.hidden, outputs], [args.activation] * len(args.hidden) +
                               [output_activation], args.batch_size or len(X_train), args.compiled)
    except ValueError as err:
        raise UsageError(str(err)) from None
    model = nn.MLP(len(X[0]), [*args.hidden, outputs], activation=args.activation,
                   output_activation=output_activation, init=args.init, rng=args.seed)
    params = model.parameters()
    optimizer = nn.Adam(params, lr=args.lr) if args.optimizer == "adam" else nn.SGD(params, lr=args.lr)
    shape = " -> ".join(str(s) for s in model.sizes)
    mode = _("compiled") if args.compiled else _("eager")
    output = _("linear output") if nn.ACTIVATIONS[output_activation].identity else _("sigmoid output")
    rows = (_("{n} points").format(n=len(X)) if not X_test
            else _("{n} rows, {m} held out for testing").format(n=len(X_train), m=len(X_test)))
    print(_("training MLP {shape} ({activation}, {output}, {n} parameters) on {data} ({rows}), {loss} loss, "
            "{optimizer} lr={lr:g}, {mode}").format(shape=shape, activation=args.activation, output=output,
                                                   n=len(params), data=args.data, rows=rows, loss=loss,
                                                   optimizer=args.optimizer, lr=args.lr, mode=mode))
    recorder = None
    if animate:
        from deltagrad.viz import plot

        recorder = plot.TrainingRecorder(model, args.epochs, test=(X_test, fit_test) if X_test and names else None)
    done = 0

    def progress(epoch: int, record: dict[str, Any]) -> None:
        nonlocal done
        done = epoch
        if recorder is not None:
            recorder(epoch, record)

    started = time.perf_counter()
    try:
        history = nn.fit(model, X_train, fit_train, loss=loss, optimizer=optimizer, epochs=args.epochs,
                         batch_size=args.batch_size, compiled=args.compiled, progress=not args.no_progress,
                         rng=args.seed, callback=progress)
    except KeyboardInterrupt:
        print(_("interrupted after {done} epochs; nothing saved").format(done=done), file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started
    final = history.accuracy[-1]
    if names:
        acc = "-" if final is None else localize_number(f"{final:.1%}")
        print(_("final training accuracy {acc}, loss {loss:.4f}, after {epochs} epochs in {seconds:.2f} s "
                "({mode})").format(acc=acc, loss=history.loss[-1], epochs=args.epochs, seconds=seconds, mode=mode))
    else:
        print(_("final training loss {loss:.6g}, after {epochs} epochs in {seconds:.2f} s ({mode})").format(
            loss=history.loss[-1], epochs=args.epochs, seconds=seconds, mode=mode))
    _report(model, names, X_train, fit_train, X_test, fit_test)
    if args.save is not None:
        try:
            model.save(args.save)
        except (OSError, ValueError) as err:
            raise UsageError(_("cannot save the model to {path}: {reason}").format(
                path=args.save, reason=err)) from None
        print(_("model saved to {path} (nn.load reads it; so does deltagrad demo --weights)").format(path=args.save))
    shown_X, shown_Y = (X_test, fit_test) if X_test else (X_train, fit_train)
    if args.plot is not None:
        folder = args.plot

        def draw(plot: Any) -> list[Path]:
            written = [plot.plot_history(history, folder / "loss.png")]
            if names and model.sizes[0] == 2:
                labels = fit_train if loss in ("hinge", "cross_entropy") else Y_train
                written.append(plot.plot_decision_boundary(model, X_train, labels, folder / "decision_boundary.png",
                                                           class_names=None if generated else names))
            if names:
                matrix = nn.confusion_matrix(model, shown_X, shown_Y, n_classes=max(k, 2))
                written.append(plot.plot_confusion(matrix, folder / "confusion.png", class_names=names))
            return written

        plots(folder, draw)
    if recorder is not None:
        _write_animation(args.animate, model, recorder, history, X_train,
                         fit_train if loss in ("hinge", "cross_entropy") or not names else Y_train,
                         None if generated else names)
    return 0


def _check_animate(path: Path) -> bool:
    """``--animate`` is a file that can be written, before training; False (and one line saying
    how to install them) when matplotlib or Pillow is missing: the training still runs."""
    from deltagrad.viz import plot

    try:
        plot.check_animation_target(path)
        if path.parent.is_dir():
            check_writable(path)
        else:  # made when the animation is written, as --plot makes its folder
            check_folder("--animate", path.parent)
    except (OSError, ValueError) as err:
        raise UsageError(_("--animate {path}: {reason}").format(path=path, reason=err)) from None
    try:
        plot.check_animation_support()
    except plot.PlotUnavailableError as err:
        print(_("no animation: {reason}").format(reason=err))
        return False
    return True


def _write_animation(path: Path, model: nn.MLP, recorder: Any, history: nn.History, X: list[list[float]],
                     labels: list[Any], names: list[str] | None) -> None:
    from deltagrad.viz import plot

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = plot.animate_training(model, recorder, history, X, labels, path, class_names=names)
    except plot.PlotUnavailableError as err:
        print(_("no animation: {reason}").format(reason=err))
    except (OSError, ValueError) as err:
        raise UsageError(_("cannot write the animation {path}: {reason}").format(path=path, reason=err)) from None
    else:
        print(_("animation written to {path} ({frames} frames, {size:,} bytes)").format(
            path=written, frames=len(recorder.snapshots), size=written.stat().st_size))


def _mse(model: nn.MLP, X: list[list[float]], Y: list[float]) -> float:
    predictions = nn.predict(model, X, outputs=True)
    return math.fsum((row[0] - y) ** 2 for row, y in zip(predictions, Y)) / len(Y)


def _report(model: nn.MLP, names: list[str], X_train: list[list[float]], Y_train: list[Any],
            X_test: list[list[float]], Y_test: list[Any]) -> None:
    """Test accuracy and the confusion matrix for classes; training and test MSE for numbers."""
    if not names:
        train_mse = _mse(model, X_train, Y_train)
        if X_test:
            print(_("training MSE {mse:.6g}; test MSE {test:.6g} on {n} held-out rows").format(
                mse=train_mse, test=_mse(model, X_test, Y_test), n=len(X_test)))
        else:
            print(_("training MSE {mse:.6g}").format(mse=train_mse))
        return
    if X_test:
        test = nn.accuracy(model, X_test, Y_test)
        print(_("test accuracy {acc} on {n} held-out rows").format(acc=localize_number(f"{test or 0.0:.1%}"),
                                                                    n=len(X_test)))
        rows, X, Y = _("the {n} held-out rows").format(n=len(X_test)), X_test, Y_test
    else:
        rows, X, Y = _("the {n} training rows").format(n=len(X_train)), X_train, Y_train
    matrix = nn.confusion_matrix(model, X, Y, n_classes=max(len(names), 2))
    print(_("confusion matrix on {rows} (a row per true class, a column per predicted class):").format(rows=rows))
    print(nn.format_confusion(matrix, names))
