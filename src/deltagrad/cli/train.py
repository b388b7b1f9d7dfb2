"""``deltagrad train``: train an MLP with a progress bar, plots and a saved model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from deltagrad import nn

from .common import MAX_POINTS, UsageError, check_folder, check_save, count, make_data, plots, training_arguments


def register(sub: Any) -> None:
    """Add ``deltagrad train`` to the subcommands."""
    p = sub.add_parser(
        "train",
        help="train an MLP on a small 2-D data set, with a progress bar and plots",
        description=(
            "Train an MLP classifier on a generated two-class data set and report the training "
            "accuracy; optionally plot the loss curve and the decision boundary, and save the "
            "model. The hinge loss uses a linear output and labels -1/+1; the other losses a "
            "sigmoid output and labels 0/1."
        ),
    )
    training_arguments(p, default_hidden=[16, 16], default_activation="relu", default_epochs=100,
                        default_lr=0.05)
    p.add_argument("--init", choices=list(nn.INITS), default="uniform", help="weight init (default: %(default)s)")
    p.add_argument("--loss", choices=list(nn.LOSSES), default="hinge", help="loss (default: %(default)s)")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="optimizer (default: %(default)s)")
    p.add_argument("--batch-size", type=count(1, MAX_POINTS), default=None,
                   help="mini-batch size (default: the whole data set)")
    p.add_argument("--save", type=Path, metavar="FILE.json", help="save the trained model")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import time

    if args.save is not None:
        check_save(args.save)
    if args.plot is not None:
        check_folder("--plot", args.plot)
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
        plots(args.plot, lambda plot: [
            plot.plot_history(history, args.plot / "loss.png"),
            plot.plot_decision_boundary(model, X, Y if hinge else labels, args.plot / "decision_boundary.png"),
        ])
    return 0
