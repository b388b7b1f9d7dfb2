"""``lang=`` and ``notation=`` for one call of a picture or page function.

`speaks` adds the two keyword arguments to a function that draws or writes a page: the call
runs inside `deltagrad.i18n.using_language` and `deltagrad.autograd.notation.using_notation`,
so every word and name it writes follows them, and the language and notation in use are
left as they were. ``None`` (the default) keeps the ones in use (`deltagrad.set_language`,
`deltagrad.set_notation`). `speaks_language` adds ``lang=`` only, for a function that has a
``notation=`` of its own.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from deltagrad.autograd.notation import using_notation
from deltagrad.i18n import using_language

R = TypeVar("R")


def _with_keywords(inner: Callable[..., R], wrapper: Callable[..., R], names: tuple[str, ...]) -> Callable[..., R]:
    """``wrapper`` with ``inner``'s name, doc and signature, plus the keyword-only ``names``."""
    functools.update_wrapper(wrapper, inner)
    signature = inspect.signature(inner)
    params = list(signature.parameters.values())
    extra = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None")
             for n in names]
    tail = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
    head = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    wrapper.__signature__ = signature.replace(parameters=[*head, *extra, *tail])  # type: ignore[attr-defined]
    return wrapper


def speaks(inner: Callable[..., R]) -> Callable[..., R]:
    """``inner`` with ``lang=`` (``"en"``, ``"ru"``) and ``notation=`` (``"code"``,
    ``"textbook"``) keyword arguments that hold for one call."""

    def wrapper(*args: Any, lang: str | None = None, notation: str | None = None, **kwargs: Any) -> R:
        with using_language(lang), using_notation(notation):
            return inner(*args, **kwargs)

    return _with_keywords(inner, wrapper, ("lang", "notation"))


def speaks_language(inner: Callable[..., R]) -> Callable[..., R]:
    """``inner`` with a ``lang=`` keyword argument that holds for one call."""

    def wrapper(*args: Any, lang: str | None = None, **kwargs: Any) -> R:
        with using_language(lang):
            return inner(*args, **kwargs)

    return _with_keywords(inner, wrapper, ("lang",))
