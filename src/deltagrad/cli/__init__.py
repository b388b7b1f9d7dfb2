"""The ``deltagrad`` command: one module per subcommand, each with its ``NAME``, its ``HELP``
and ``DESCRIPTION`` (marked for translation), ``add_arguments(p)`` and ``run(args)``.

Every bad input ends in one line on stderr and exit status 2, never a traceback: the
numbers have bounds (`common`), files are checked before long work starts, and errors the
library raises (``TypeError``, ``ValueError``, ``OSError``) are reported the same way.

``--lang en|ru`` and (on the commands that write names) ``--notation code|textbook`` are
accepted before or after the subcommand; both hold for one run of `main` only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from deltagrad.autograd.notation import using_notation
from deltagrad.i18n import _, language_from_environment, using_language

from . import check, demo, exercise, expr, grade, inits, play, practice, train
from .common import Parser, UsageError, Version, fail, run_guarded
from .options import NOTATION_COMMANDS, add_language_option, add_notation_option, argparse_text, language_in

SUBCOMMANDS = (demo, train, expr, check, inits, play, exercise, grade, practice)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deltagrad`` and its subcommands, in the language in use."""
    parser = Parser(
        prog="deltagrad",
        description=_("deltagrad: a scalar autograd engine that shows every gradient."),
    )
    parser.add_argument("--version", action=Version, nargs=0, help=_("print the version and exit"))
    add_language_option(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=Parser)
    sub.required = True
    for command in SUBCOMMANDS:
        p = sub.add_parser(command.NAME, help=_(command.HELP), description=_(command.DESCRIPTION))
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    for name, subparser in sub.choices.items():
        add_language_option(subparser)
        if name in NOTATION_COMMANDS:
            add_notation_option(subparser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deltagrad`` console script."""
    return run_guarded(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        environment = language_from_environment()
    except ValueError as err:  # a DELTAGRAD_LANG the command cannot speak
        environment = "en"
        problem: ValueError | None = err
    else:
        problem = None
    with using_language(environment):
        try:
            lang = language_in(arguments)
        except ValueError as err:
            problem = err
        else:
            problem = problem if lang is None else None  # --lang ru wins over a bad DELTAGRAD_LANG
        if problem is not None:
            print(_("deltagrad: error: {message}").format(message=problem), file=sys.stderr)
            raise SystemExit(2)
    with using_language(lang), argparse_text():
        args = build_parser().parse_args(arguments)
        # an abbreviated --lan ru reaches argparse only: it still sets the output's language
        with using_language(getattr(args, "lang", None)), using_notation(getattr(args, "notation", None)):
            code = _run(args)
            for stream in (sys.stdout, sys.stderr):  # a full output is found here, in the run's language
                if stream is not None:
                    stream.flush()
            return code


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except UsageError as err:
        fail(args.command, str(err))
    except BrokenPipeError:
        # Output piped into a reader that stopped early (`| head`): not an error. Point stdout
        # at devnull so that Python's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except (TypeError, ValueError, OSError, ArithmeticError, RecursionError, MemoryError) as err:
        fail(args.command, f"{type(err).__name__}: {err}")


if __name__ == "__main__":
    raise SystemExit(main())
