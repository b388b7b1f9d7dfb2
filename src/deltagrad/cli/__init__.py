"""The ``deltagrad`` command: one module per subcommand, each with ``register`` and ``run``.

Every bad input ends in one line on stderr and exit status 2, never a traceback: the
numbers have bounds (`common`), files are checked before long work starts, and errors the
library raises (``TypeError``, ``ValueError``, ``OSError``) are reported the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import check, demo, expr, inits, train
from .common import Parser, UsageError, Version, fail

SUBCOMMANDS = (demo, train, expr, check, inits)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``deltagrad`` and its subcommands."""
    parser = Parser(
        prog="deltagrad",
        description="deltagrad: a scalar autograd engine that shows every gradient.",
    )
    parser.add_argument("--version", action=Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for command in SUBCOMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``deltagrad`` console script."""
    args = build_parser().parse_args(argv)
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
        print("interrupted", file=sys.stderr)
        return 130
    except (TypeError, ValueError, OSError, ArithmeticError, RecursionError, MemoryError) as err:
        fail(args.command, f"{type(err).__name__}: {err}")


if __name__ == "__main__":
    raise SystemExit(main())
