"""Translations: every word deltagrad says to a person goes through `_` (gettext).

Identifiers never do: diagnosis codes, JSON keys, flags and names such as ``W1[0][1]``.
The catalogs live beside this module, in ``locale/<lang>/LC_MESSAGES/deltagrad.po``
(compiled to ``.mo``). English is the source language and the default.
"""

from __future__ import annotations

import gettext
import os
from importlib import resources

DOMAIN = "deltagrad"
LANGUAGES = ("en", "ru")

_current: str | None = None  # set by set_language; None: read the environment once
_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogs:
        if lang == "en":
            _catalogs[lang] = gettext.NullTranslations()
        else:
            folder = resources.files("deltagrad") / "locale"
            with resources.as_file(folder) as path:
                _catalogs[lang] = gettext.translation(DOMAIN, localedir=str(path), languages=[lang], fallback=True)
    return _catalogs[lang]


def language_from_environment() -> str:
    """The language the environment asks for: ``DELTAGRAD_LANG``, then ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` (``ru_RU.UTF-8`` is Russian); English otherwise."""
    chosen = os.environ.get("DELTAGRAD_LANG")
    if chosen:
        return check_language(chosen)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def check_language(lang: object) -> str:
    """``lang`` as one of `LANGUAGES`: TypeError for a non-string, ValueError naming the choices."""
    if not isinstance(lang, str):
        raise TypeError(f"language must be a str such as 'ru', got {type(lang).__name__}: {lang!r}")
    code = lang.strip().lower().replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; deltagrad speaks {', '.join(LANGUAGES)}")
    return code


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``"en"`` or ``"ru"``) for every text deltagrad returns from now on;
    ``None`` goes back to the environment's choice. Returns the language in use."""
    global _current
    _current = None if lang is None else check_language(lang)
    return get_language()


def get_language() -> str:
    """The language in use."""
    return _current if _current is not None else language_from_environment()


def _(message: str) -> str:
    """``message`` in the language in use (the English text where no translation exists)."""
    return _catalog(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the language in use."""
    return _catalog(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (tables of texts)."""
    return message
