"""Self-contained HTML pages: assets read from the package, data embedded safely, one page object.

Every page deltagrad writes (the stepper, the practice page, the playground) is one HTML
file with its picture, its CSS, its script and its data inline: no network request, and it
works from ``file://``. The pieces live here, once:

- `asset(name)`: a file of ``deltagrad/viz/page/`` (``stepper.html``, ``common.js``, ...),
  read with `importlib.resources`, so it ships in the wheel;
- `data_script(data)`: ``<script type="application/json">`` holding ``data`` as JSON that
  cannot end the script element (``<``, ``>``, ``&``, U+2028 and U+2029 are escaped) and
  that `JSON.parse` accepts even with ``inf`` and ``nan`` in it: a non-finite float is
  written as ``{"$float": "inf"}`` (or ``"-inf"``, ``"nan"``), and ``common.js``'s
  ``readData(id)`` turns it back into ``Infinity``, ``-Infinity`` or ``NaN``;
- ``common.js`` also formats numbers by the one rule of `autograd.text.significant`
  (``significant(x, digits)``: the same text, digit for digit, as Python's);
- `fill(template, **parts)`: puts the pieces into a template's ``{{name}}`` markers;
- `page(body, ...)`: a whole page, the one skeleton ``page.html`` (doctype, language, the
  ``<head>`` with its charset, viewport, title and style) around the page's own body file
  (``stepper.html``, ``practice.html``, ...), which holds only what is that page's;
- `Page`: ``.html``, ``.save(path)`` (atomic) and ``_repr_html_()`` (a sandboxed iframe, so
  the page's script runs inside a notebook).
"""

from __future__ import annotations

import html as html_module
import json
import math
import os
import re
from importlib import resources
from pathlib import Path

from deltagrad.autograd.files import atomic_write
from deltagrad.i18n import get_language

PAGE_PACKAGE = "deltagrad.viz"
PAGE_FOLDER = "page"
_MARKER = re.compile(r"\{\{([a-z_]+)\}\}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE_CHARS = re.compile("[<>&\u2028\u2029]")


def asset(name: str) -> str:
    """The text of the page asset ``name`` (a file of ``deltagrad/viz/page/``)."""
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"a page asset is a file name such as 'stepper.js', got {name!r}")
    return (resources.files(PAGE_PACKAGE) / PAGE_FOLDER / name).read_text(encoding="utf-8")


def tag_nonfinite(data: object) -> object:
    """``data`` with every non-finite float replaced by ``{"$float": "inf" | "-inf" | "nan"}``."""
    if isinstance(data, float):
        if math.isfinite(data):
            return data
        return {"$float": "nan" if data != data else ("inf" if data > 0 else "-inf")}
    if isinstance(data, dict):
        return {key: tag_nonfinite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [tag_nonfinite(value) for value in data]
    return data


def script_json(data: object) -> str:
    """``data`` as JSON text that can sit inside a ``<script>`` element and that `JSON.parse`
    reads: no ``<``, ``>`` or ``&`` to end the element, non-finite floats tagged, lone
    surrogates (a label may hold one) written as ``\\udXXX`` escapes."""
    text = json.dumps(tag_nonfinite(data), ensure_ascii=False, allow_nan=False)
    text = _UNSAFE_CHARS.sub(lambda m: _UNSAFE[m.group()], text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def data_script(data: object, element_id: str = "deltagrad-data") -> str:
    """A ``<script type="application/json">`` element holding ``data`` (see `script_json`)."""
    return f'<script type="application/json" id="{html_module.escape(element_id)}">{script_json(data)}</script>'


def inline_script(*names: str) -> str:
    """One ``<script>`` element with the page assets ``names`` (JavaScript files) in order."""
    return "<script>\n" + "\n".join(_inline(asset(name), "</script", name) for name in names) + "</script>"


def inline_style(*names: str) -> str:
    """One ``<style>`` element with the page assets ``names`` (CSS files) in order."""
    return "<style>\n" + "\n".join(_inline(asset(name), "</style", name) for name in names) + "</style>"


def _inline(text: str, closing: str, name: str) -> str:
    if closing in text.lower():  # our own files: a slip in them, never user data
        raise AssertionError(f"page asset {name} contains {closing}>")
    return text


def fill(template: str, **parts: str) -> str:
    """``template`` with each ``{{name}}`` marker replaced by ``parts[name]``, in one pass
    (so a part's own text is never read for markers). A marker without a part, or a part
    without a marker, is a slip: ValueError."""
    used: set[str] = set()

    def put(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in parts:
            raise ValueError(f"the page template has {{{{{key}}}}} but no part was given for it")
        used.add(key)
        return parts[key]

    out = _MARKER.sub(put, template)
    unused = set(parts) - used
    if unused:
        raise ValueError(f"the page template has no marker for {', '.join(sorted(unused))}")
    return out


def page(body: str, *, title: str, style: str, head: str = "", **parts: str) -> str:
    """The whole HTML page: the skeleton ``page.html`` in the language in use, titled ``title``
    (plain text), around the page asset ``body`` filled with ``parts`` (HTML, see `fill`).

    Args:
        style: the page's ``<style>`` element (`inline_style`).
        head: further elements of the head, each on its own line (the practice page's
            Content-Security-Policy, ``policy.html``).
    """
    return fill(asset("page.html"), lang=html_module.escape(get_language()), head=head,
                title=html_module.escape(title), style=style, body=fill(asset(body), **parts))


def svg_body(svg: bytes | str) -> str:
    """Graphviz's SVG without its XML prolog and doctype, to sit inside HTML."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document: no <svg element")
    return text[start:]


class Page:
    """A self-contained HTML page: ``.html``, ``.save(path)``, and inline display in Jupyter
    and VS Code notebooks (``_repr_html_``)."""

    height = 720  # pixels of the notebook's iframe

    def __init__(self, html: str) -> None:
        if not isinstance(html, str):
            raise TypeError(f"a page is HTML text (str), got {type(html).__name__}")
        self.html = html

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically: a crash leaves the old file or the new) and return it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(target, self.html.encode("utf-8"))

    def _repr_html_(self) -> str:
        """An iframe whose ``srcdoc`` is the page, so its script runs inside a notebook, sandboxed."""
        return (f'<iframe srcdoc="{html_module.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd;" '
                'sandbox="allow-scripts"></iframe>')

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.html)} characters of HTML)"
