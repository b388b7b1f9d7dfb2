"""``deltagrad inits``: the initialization lesson, the same network trained from each start."""

from __future__ import annotations

import argparse
import sys

from deltagrad import nn
from deltagrad.i18n import N_, _

from .common import UsageError, check_folder, make_data, plots, training_arguments

NAME = "inits"
HELP = N_(
    "the seed's first lesson: the same network trained from zeros, constant, too small, too large, "
    "xavier, he"
)
DESCRIPTION = N_(
    "Train the same network on the same data, with the same seed and plain SGD, from each start: "
    "zeros, constant 0.5, uniform x0.01 (too small), uniform (the seed's U[-1, 1]), uniform x10 "
    "(too large), xavier and he. One row per start: final loss and accuracy, epochs to 90% "
    "accuracy, the gradient norm at epoch 0 and the hidden layer's symmetry at the end (0: 'clones')."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad inits``."""
    training_arguments(p, default_hidden=[8], default_activation="sigmoid", default_epochs=1500, default_lr=2.0)
    p.set_defaults(data="xor")


def run(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from deltagrad.autograd.text import format_table

    if not args.hidden:
        raise UsageError(_("--hidden needs at least one hidden layer: the lesson is about hidden neurons"))
    if args.plot is not None:
        check_folder("--plot", args.plot)
    X, labels = make_data(args)
    Y = [float(v) for v in labels]
    starts = nn.STARTS
    print(_("the same MLP {shape} ({activation} hidden, sigmoid output), half squared error, plain SGD lr={lr:g}, "
            "{epochs} epochs, seed {seed}, on {data} ({points} points), from {starts} starts").format(
              shape=" -> ".join(map(str, [2, *args.hidden, 1])), activation=args.activation, lr=args.lr,
              epochs=args.epochs, seed=args.seed, data=args.data, points=len(X), starts=len(starts)))
    bar = tqdm(total=len(starts) * args.epochs, desc=_("training"), unit="epoch", disable=args.no_progress, leave=False)

    where = {"start": "", "number": 0, "epoch": 0}  # what was being trained, for an interruption
    names = [name for name, _init, _scale in starts]

    def progress(name: str, epoch: int, epochs: int) -> None:
        where.update(start=name, number=names.index(name) + 1, epoch=epoch)
        bar.set_postfix_str(name.split(" (")[0], refresh=False)
        bar.update(1)

    try:
        comparison = nn.compare_inits(X, Y, hidden=args.hidden, activation=args.activation, lr=args.lr,
                                      epochs=args.epochs, seed=args.seed, compiled=args.compiled,
                                      progress=progress)
    except KeyboardInterrupt:
        bar.close()
        if not where["start"]:
            print(_("interrupted before the first epoch of the first start ({name}); nothing written").format(
                name=names[0]), file=sys.stderr)
        else:
            print(_("interrupted while training from start {number} of {total} ({name}), after epoch {epoch} of "
                    "{epochs}; nothing written").format(number=where["number"], total=len(names), name=where["start"],
                                                         epoch=where["epoch"], epochs=args.epochs), file=sys.stderr)
        return 130
    bar.close()
    print(format_table(comparison.header(), comparison.rows()))
    print(_("hidden symmetry: the largest difference between two hidden neurons' incoming weights and biases\n"
            "at the end (nn.neuron_symmetry). It is a difference of weights, so it has no unit; 0 (\"clones\")\n"
            "means every hidden neuron computes the same output and gets the same update: the layer acts as one.\n"
            "zeros and constant 0.5 are equal starts: constant weights do get a gradient (|grad| at epoch 0 is\n"
            "not 0), but every hidden neuron gets the same one, so they stay clones; equal weights, not only\n"
            "zeros, never break the symmetry.\n"
            "too small: the gradient nearly vanishes; too large: the sigmoids saturate and it vanishes too;\n"
            "the seed's U[-1, 1], xavier and he break the symmetry at a scale that learns."))
    if args.plot is not None:
        plots(args.plot, lambda plot: [plot.plot_inits(comparison, args.plot / "inits.png")])
    return 0
