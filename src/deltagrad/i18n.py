"""Translations: every word deltagrad says to a person goes through `_` (gettext).

Identifiers never do: diagnosis codes, JSON keys, flags and names such as ``W1[0][1]``.
The catalogs live beside this module, in ``locale/<lang>/LC_MESSAGES/deltagrad.po``
(compiled to ``.mo``). English is the source language and the default.
"""

from __future__ import annotations

import functools
import gettext
import os
import string
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

DOMAIN = "deltagrad"
LANGUAGES = ("en", "ru")

_current: str | None = None  # set by set_language, for the whole process; None: the environment's
# using_language's language, for its block: a context variable, so that a block in one thread
# (a grading server's request) neither sees nor undoes another thread's
_block: ContextVar[str | None] = ContextVar("deltagrad_language", default=None)
_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogs:
        if lang == "en":
            _catalogs[lang] = gettext.NullTranslations()
        else:
            from importlib import resources  # here, not at the top: 10 ms that English never needs

            folder = resources.files("deltagrad") / "locale"
            with resources.as_file(folder) as path:
                _catalogs[lang] = gettext.translation(DOMAIN, localedir=str(path), languages=[lang], fallback=True)
    return _catalogs[lang]


def language_from_environment() -> str:
    """The language the environment asks for: ``DELTAGRAD_LANG``, then ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` (``ru_RU.UTF-8`` is Russian); English otherwise."""
    chosen = os.environ.get("DELTAGRAD_LANG")
    if chosen:
        code = _code(chosen)
        if code not in LANGUAGES:  # not translated: the language to translate into is the problem
            raise ValueError(f"DELTAGRAD_LANG={chosen!r} is not a language deltagrad speaks ({', '.join(LANGUAGES)})")
        return code
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            code = _code(value)
            return code if code in LANGUAGES else "en"
    return "en"


def check_language(lang: object) -> str:
    """``lang`` as one of `LANGUAGES`: TypeError for a non-string, ValueError naming the choices."""
    if not isinstance(lang, str):
        raise TypeError(_("language must be a str such as 'ru', got {kind}: {value}").format(
            kind=type(lang).__name__, value=repr(lang)))
    code = _code(lang)
    if code not in LANGUAGES:
        raise ValueError(_("unknown language {lang}; deltagrad speaks {choices}").format(
            lang=repr(lang), choices=", ".join(LANGUAGES)))
    return code


def _code(lang: str) -> str:
    """``"ru_RU.UTF-8"`` -> ``"ru"``."""
    return lang.strip().split(".")[0].lower().replace("-", "_").split("_")[0]


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``"en"`` or ``"ru"``) for every text deltagrad returns from now on;
    ``None`` goes back to the environment's choice. Returns the language in use."""
    global _current
    _current = None if lang is None else check_language(lang)
    if _block.get() is not None:  # inside a using_language block: from now on there too
        _block.set(_current if _current is not None else language_from_environment())
    return get_language()


def get_language() -> str:
    """The language in use."""
    block = _block.get()
    if block is not None:
        return block
    return _current if _current is not None else language_from_environment()


@contextmanager
def using_language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside the ``with`` block only (``None``: the language in use now, with
    the environment read once for the whole block, not at every text); yields the language
    in use. This is what the ``lang=`` argument of a page or picture function does:
    ``with using_language(lang): ...`` around its body."""
    token = _block.set(check_language(lang) if lang is not None else get_language())
    try:
        yield get_language()
    finally:
        _block.reset(token)


def one_language(inner: Callable[P, R]) -> Callable[P, R]:
    """``inner`` with the language looked up once for the whole call: a function that says
    many texts reads the environment once, not at every text (`using_language`)."""

    @functools.wraps(inner)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with using_language(None):
            return inner(*args, **kwargs)

    return wrapper


def decimal_separator() -> str:
    """The decimal mark of the language in use: ``","`` in Russian (0,5424), ``"."`` in English."""
    return "," if get_language() == "ru" else "."


def localize_number(text: str) -> str:
    """A number formatted by Python (``"0.5424"``, ``"-1.2e-05"``) written with the decimal
    mark of the language in use: ``"0,5424"`` in Russian. Only the decimal point changes."""
    return text.replace(".", ",") if get_language() == "ru" else text


def join_numbers(texts: Iterable[str]) -> str:
    """Numbers already formatted, as a list: ``0.5, -0.2``; in Russian ``0,5; -0,2``, since
    there the comma is the decimal mark."""
    return ("; " if get_language() == "ru" else ", ").join(texts)


class _NumberFormatter(string.Formatter):
    """``str.format``, with every int and float field written in the Russian way."""

    def format_field(self, value: Any, format_spec: str) -> str:
        text = format(value, format_spec)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # 0,5424 and 12 345: the decimal comma, and a narrow no-break space between thousands
            return text.replace(",", "\u202f").replace(".", ",")
        return text


_RUSSIAN_NUMBERS = _NumberFormatter()


class Text(str):
    """A translated text. Its ``format`` writes the numbers it is given as the text's language
    does: ``_("loss {loss:.4f}").format(loss=0.5409)`` is ``функция потерь 0,5409`` in Russian.
    A number given as a string (``{value!r}``, or text made beforehand) is left as it is.
    (`_` returns the subclass of the language in use, so formatting needs no second look.)"""

    __slots__ = ()


class _RussianText(Text):
    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        return _RUSSIAN_NUMBERS.vformat(self, args, kwargs)

    def format_map(self, mapping: Any) -> str:
        return _RUSSIAN_NUMBERS.vformat(self, (), mapping)


_TEXTS: dict[str, type[Text]] = {"ru": _RussianText}


def _(message: str) -> str:
    """``message`` in the language in use (the English text where no translation exists)."""
    lang = get_language()
    return _TEXTS.get(lang, Text)(_catalog(lang).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the language in use."""
    lang = get_language()
    return _TEXTS.get(lang, Text)(_catalog(lang).ngettext(singular, plural, n))


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (tables of texts)."""
    return message
