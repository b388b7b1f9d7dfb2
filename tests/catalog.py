"""The package's messages as `make translations` extracts them, and the Russian catalog."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "deltagrad"
PO = PACKAGE / "locale" / "ru" / "LC_MESSAGES" / "deltagrad.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # the Makefile's -k _ -k N_ -k ngettext:1,2


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def babel() -> Any:
    """The Babel package, or skip with one line (a failure under CI=true, where the test extra has it)."""
    try:
        import babel.messages.extract  # noqa: F401
        import babel.messages.mofile  # noqa: F401
        import babel.messages.pofile  # noqa: F401
    except ImportError:
        if in_ci():
            pytest.fail("Babel is required under CI=true (the test extra installs it) but is not installed")
        pytest.skip("Babel not installed (pip install -e '.[test]')")
    import babel as module

    return module


@dataclass(frozen=True)
class Message:
    """One text of the source: its msgid (singular) and, for ngettext, its plural."""

    id: str
    plural: str | None
    where: str


@functools.cache  # the sources do not change during a run; Babel reads them once per process
def extracted() -> dict[str, Message]:
    """Every _(), N_() and ngettext() text of the package, by msgid (shared: do not change it)."""
    extract = babel().messages.extract
    found: dict[str, Message] = {}
    for filename, lineno, message, _comments, _context in extract.extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=(),
    ):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        if singular:
            found.setdefault(singular, Message(singular, plural, f"{filename}:{lineno}"))
    return found


@functools.cache
def russian() -> Any:
    """The Russian catalog (``babel.messages.Catalog``) read from the committed .po (shared:
    do not change it)."""
    pofile = babel().messages.pofile
    with PO.open("rb") as f:
        return pofile.read_po(f, locale="ru")


def translated(message: Any) -> bool:
    """A catalog entry with every form translated and not fuzzy."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings) and not message.fuzzy


def pending() -> set[str]:
    """Msgids of the source that the Russian catalog does not translate yet."""
    catalog = russian()
    out = set()
    for msgid in extracted():
        entry = catalog.get(msgid)
        if entry is None or not translated(entry):
            out.add(msgid)
    return out


def wait_or_fail(problems: list[str], what: str) -> None:
    """Messages that wait for the catalog's translator: a failure under CI=true, else one
    skip line (other people add texts while the translation follows; CI holds the line)."""
    if not problems:
        return
    listing = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more" if len(problems) > 8 else "")
    message = f"{len(problems)} {what} (run `make translations` and translate them): {listing}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[a-z]|%[a-z]")
_WORD = re.compile(r"[A-Za-z]{2,}")


@functools.cache
def english_fragments() -> dict[str, str]:
    """The English words of every msgid, cut at its placeholders: fragment -> msgid.

    A fragment is kept when it has at least two English words and the Russian translation
    of its message does not carry it too (``apt-get install graphviz`` stays as it is).
    """
    catalog = russian()
    out: dict[str, str] = {}
    for message in extracted().values():
        entry = catalog.get(message.id)
        strings = () if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in (message.id, message.plural or ""):
            for piece in _PLACEHOLDER.split(text):
                fragment = " ".join(piece.split()).strip(" ,;:.()")
                if len(_WORD.findall(fragment)) >= 2 and not any(fragment in " ".join(s.split()) for s in strings):
                    out.setdefault(fragment, message.id)
    return out


def untranslated_lines(output: str) -> list[tuple[str, str]]:
    """The lines of ``output`` that hold an English fragment of a msgid: (line, msgid)."""
    fragments = english_fragments()
    found = []
    for line in output.splitlines():
        flat = " ".join(line.split())
        for fragment, msgid in fragments.items():
            if fragment in flat:
                found.append((line, msgid))
                break
    return found


# Words that are identifiers wherever they stand: answer sections, activations, data sets,
# losses and optimizers (the command's choices), and the names of tools.
IDENTIFIERS = {
    "forward", "deltas", "gradients", "updated", "sigmoid", "tanh", "relu", "linear", "softplus",
    "moons", "circles", "xor", "iris", "digits", "blobs", "spiral", "hinge", "mse", "adam", "sgd",
    "autograd", "pytorch", "torch", "deltagrad", "float", "json", "csv", "svg", "png", "html", "dot",
    "status", "total", "code",  # the columns of grade's CSV, which its table prints as they are
}
_ENGLISH_WORD = re.compile(r"(?<![\w\-./\[\]'])[A-Za-z]{3,}(?![\w\-./\[(])")


@functools.cache
def english_vocabulary() -> frozenset[str]:
    """The lower-case words of three letters or more in the English msgids."""
    words: set[str] = set()
    for message in extracted().values():
        for text in (message.id, message.plural or ""):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", _PLACEHOLDER.sub(" ", text)))
    return frozenset(words - IDENTIFIERS)


def english_word_lines(output: str) -> list[tuple[str, str]]:
    """Lines with no Russian in them but an English word of the catalog: (line, word).

    A label drawn by a picture or page without `_()` (``layer 1``, ``data``) shows up here,
    where `untranslated_lines` only finds phrases of two words or more."""
    vocabulary = english_vocabulary()
    found = []
    for line in output.splitlines():
        if re.search(r"[А-Яа-яЁё]", line):
            continue
        words = [w for w in _ENGLISH_WORD.findall(line) if w.lower() in vocabulary]
        if words:
            found.append((line, words[0]))
    return found
