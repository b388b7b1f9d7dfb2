"""``deltagrad practice``: a practice page for a fresh variant of the tutorial's exercise."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import Any

from deltagrad.i18n import N_, _

from .common import MAX_SEED, UsageError, check_folder, count, exercise_arguments, out_argument

NAME = "practice"
HELP = N_("write a practice page: compute each number of one backprop step, checked as you go")
DESCRIPTION = N_(
    "Write DIR/practice.html for a variant of the tutorial's exercise (and DIR/stepper.html, "
    "the same network step by step) and print its path. The page works offline, from the file."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``deltagrad practice``."""
    p.add_argument("--seed", type=count(0, MAX_SEED), default=None, help=_("the variant's seed (default: a fresh one)"))
    exercise_arguments(p)
    out_argument(p, "practice", _("output folder (default: %(default)s)"))


def run(args: argparse.Namespace) -> int:
    from deltagrad.nn.exercise import Exercise

    check_folder("--out", args.out)
    seed = args.seed if args.seed is not None else secrets.randbelow(MAX_SEED + 1)
    try:
        ex = Exercise.generate(seed, args.sizes, args.activation, args.loss)
    except (TypeError, ValueError) as err:
        raise UsageError(str(err)) from None
    page = write_practice(ex, args.out, None)
    print(page)
    return 0


def write_practice(ex: Any, folder: Path, student: str | None) -> Path:
    """DIR/practice.html and DIR/stepper.html (the same network step by step); the page's path."""
    from deltagrad import viz

    folder.mkdir(parents=True, exist_ok=True)
    try:
        return viz.practice(ex, student=student).save(folder / "practice.html")
    except (viz.GraphvizNotFoundError, viz.RenderError) as err:  # the stepper needs Graphviz's layout
        print(_("stepper page not written: {reason}").format(reason=str(err).split(";")[0]))
        return viz.practice(ex, student=student, stepper=None).save(folder / "practice.html")
