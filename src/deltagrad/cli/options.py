"""The options every command shares, ``--lang`` and ``--notation``, and argparse's own words.

``--lang`` is read from the command line before the parser is built, because the parser's
``--help`` texts are written in the language in use when it is built. argparse says its
own words (``usage:``, ``options``, its errors) through a ``_`` of its own; `argparse_text`
points that at deltagrad's catalog for the length of one command.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from deltagrad.autograd.notation import NOTATIONS
from deltagrad.i18n import LANGUAGES, N_, _, check_language, ngettext

# The subcommands that write names and so take --notation (the others print none).
NOTATION_COMMANDS = ("demo", "check", "exercise", "practice", "play")

# argparse's messages that a person meets, so that the catalog carries them too.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def language_in(argv: Sequence[str]) -> str | None:
    """The language ``--lang X`` (or ``--lang=X``) asks for anywhere in ``argv``, else None.

    ValueError naming the languages for an unknown one, or for ``--lang`` without a value.
    """
    chosen = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang":
            if k + 1 >= len(argv) or argv[k + 1].startswith("-"):
                raise ValueError(_("--lang needs a language: {choices}").format(choices=", ".join(LANGUAGES)))
            chosen = argv[k + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    return None if chosen is None else check_language(chosen)


def language(text: str) -> str:
    """argparse type of ``--lang``: one of `LANGUAGES`."""
    try:
        return check_language(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang en|ru``; SUPPRESS as the default, so that a subcommand's copy of the option
    does not overwrite a value given before the subcommand."""
    parser.add_argument(
        "--lang", type=language, metavar="|".join(LANGUAGES), default=argparse.SUPPRESS,
        help=_("language of the output (default: DELTAGRAD_LANG, then LC_ALL, LC_MESSAGES, LANG; else en)"),
    )


def add_notation_option(parser: argparse.ArgumentParser) -> None:
    """``--notation code|textbook``."""
    parser.add_argument(
        "--notation", choices=NOTATIONS, default=argparse.SUPPRESS,
        help=_("how names are written: code (W1[0][1], the default) or textbook (W₁₂⁽¹⁾, δ₁⁽¹⁾, ŷ, 𝓛)"),
    )


@contextmanager
def argparse_text() -> Iterator[None]:
    """argparse's own words from deltagrad's catalog, inside the ``with`` block only."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
