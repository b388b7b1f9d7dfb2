"""Two ways to write the same quantity: the code's names and the tutorial's symbols.

``code`` (the default) is what the tutorial's Python lists say: ``W1[0][1]``, ``b2[0]``,
``z1[0]``, ``a1[0]``, ``delta1[0]``, ``x[0]``, ``y_hat``, ``L``. ``textbook`` is what its
formulas say: W₁₂⁽¹⁾, b₁⁽²⁾, z₁⁽¹⁾, a₁⁽¹⁾, δ₁⁽¹⁾, x₁, ŷ, 𝓛, with 1-based indices as
subscripts and the layer as a superscript. `canonical_name` turns either into the code
name, so an answers file may use both.

The notation in use is set like the language: `set_notation`, or `using_notation` for one
call (the ``notation=`` argument of the pictures and pages); `show` and `show_text` write
names in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from deltagrad.i18n import _, ngettext

NOTATIONS = ("code", "textbook")

_current = "code"

_SUB = str.maketrans("0123456789+-aeijklmnx", "₀₁₂₃₄₅₆₇₈₉₊₋ₐₑᵢⱼₖₗₘₙₓ")
_SUP = str.maketrans("0123456789+-()ijklmn", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁱʲᵏˡᵐⁿ")
_FROM_SUB = {v: k for k, v in zip("0123456789", "₀₁₂₃₄₅₆₇₈₉")}
_FROM_SUP = {v: k for k, v in zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")}

# How many indices each kind of name has in code: W1[i][j], b1[i], z1[i], a1[i], delta1[i].
_SYMBOL = {"W": "W", "b": "b", "z": "z", "a": "a", "delta": "δ", "x": "x", "y": "y", "y_hat": "ŷ"}
_KIND = {v: k for k, v in _SYMBOL.items()}
_LAYERED = ("W", "b", "z", "a", "delta")
_INDEX = r"\d+|[ijk]"
_LAYER = r"\d+|l(?:\+1|-1)?"
_CODE = re.compile(
    rf"(?P<kind>delta|W|b|z|a)(?P<layer>{_LAYER})(?P<idx>(?:\[(?:{_INDEX})\])*)"
    rf"|(?P<plain>y_hat|x|y)(?P<pidx>(?:\[(?:{_INDEX})\])*)"
    r"|(?P<loss>(?<!d)L)"
)
# A name inside a longer text: not glued to a word before it, except the d of a derivative
# (dL/dW1[0][0], da2[0]/dz2[0]); the L of dL stays, as the tutorial writes dL/dz₁⁽¹⁾.
_IN_TEXT = re.compile(rf"(?:(?<=/d)|(?<=(?<!\w)d)|(?<![\w\]′'.]))(?:{_CODE.pattern})(?![\w\[])")
_TEXTBOOK = re.compile(
    r"(?P<sym>ŷ|δ|W|b|z|a|x|y)(?P<sub>[₀₁₂₃₄₅₆₇₈₉ᵢⱼₖ,]*)(?:⁽(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾)?"
)
_LOSS_SYMBOLS = ("𝓛", "ℒ", "L")


def check_notation(notation: object) -> str:
    """``notation`` as one of `NOTATIONS`: TypeError for a non-string, ValueError naming the choices."""
    if not isinstance(notation, str):
        raise TypeError(_("notation must be a str ('code' or 'textbook'), got {kind}: {value}").format(
            kind=type(notation).__name__, value=repr(notation)))
    if notation not in NOTATIONS:
        raise ValueError(_("unknown notation {notation}; choose one of {choices}").format(
            notation=repr(notation), choices=", ".join(NOTATIONS)))
    return notation


def set_notation(notation: str) -> str:
    """Write names in ``notation`` (``"code"`` or ``"textbook"``) from now on; returns it."""
    global _current
    _current = check_notation(notation)
    return _current


def get_notation() -> str:
    """The notation in use."""
    return _current


@contextmanager
def using_notation(notation: str | None) -> Iterator[str]:
    """Use ``notation`` inside the ``with`` block only (``None``: leave it as it is)."""
    global _current
    saved = _current
    if notation is not None:
        _current = check_notation(notation)
    try:
        yield _current
    finally:
        _current = saved


def _indices(text: str) -> list[str]:
    return re.findall(r"\[([^\]]+)\]", text)


def _subscript(indices: list[str]) -> str:
    # 1-based: the code's [0] is the tutorial's first neuron; letters (i, j, k) stay letters
    parts = [str(int(i) + 1) if i.isdigit() else i for i in indices]
    joiner = "," if any(len(p) > 1 for p in parts) else ""  # W₁₁,₂ is row 11, column 2
    return joiner.join(p.translate(_SUB) for p in parts)


def _textbook_match(m: re.Match[str]) -> str:
    if m.group("loss"):
        return "𝓛"
    if m.group("plain"):
        return _SYMBOL[m.group("plain")] + _subscript(_indices(m.group("pidx") or ""))
    layer = f"({m.group('layer')})".translate(_SUP)
    return _SYMBOL[m.group("kind")] + _subscript(_indices(m.group("idx") or "")) + layer


def to_textbook(name: str) -> str:
    """The tutorial's symbol for a code name: ``W1[0][1]`` -> ``W₁₂⁽¹⁾``, ``delta1[0]`` ->
    ``δ₁⁽¹⁾``, ``y_hat`` -> ``ŷ``, ``L`` -> ``𝓛``; a name it does not know comes back as it is."""
    if not isinstance(name, str):
        raise TypeError(_("{function} expects a str, got {kind}: {value}").format(
            function="to_textbook()", kind=type(name).__name__, value=repr(name)))
    m = _CODE.fullmatch(name.strip())
    return _textbook_match(m) if m else name


def to_code(name: str) -> str:
    """The code name for a tutorial symbol: ``W₁₂⁽¹⁾`` -> ``W1[0][1]``, ``ŷ`` -> ``y_hat``,
    ``𝓛`` -> ``L``; a code name, or a name it does not know, comes back as it is.

    ValueError for a symbol whose indices cannot be read one way only (``W₁₁₂⁽¹⁾``: write
    ``W₁₁,₂⁽¹⁾``) or that starts at 0 (the tutorial counts from 1).
    """
    if not isinstance(name, str):
        raise TypeError(_("{function} expects a str, got {kind}: {value}").format(
            function="to_code()", kind=type(name).__name__, value=repr(name)))
    text = name.strip()
    if text in _LOSS_SYMBOLS:
        return "L"
    m = _TEXTBOOK.fullmatch(text)
    if m is None or (not m.group("sub") and not m.group("sup") and m.group("sym") != "ŷ"):
        return name  # not a textbook symbol (code names, and plain x, y, W, land here)
    kind = _KIND[m.group("sym")]
    sub, sup = m.group("sub"), m.group("sup")
    if sup is not None and kind not in _LAYERED:
        return name
    if sup is None and kind in _LAYERED:
        return name
    wanted = 2 if kind == "W" else 1
    if not sub:
        parts: list[str] = []
    elif "," in sub:
        parts = sub.split(",")
    elif wanted == 2 and len(sub) == 2:
        parts = list(sub)
    elif wanted == 2 and len(sub) > 2:
        raise ValueError(_("cannot read the two indices of {name}: separate them with a comma, as in W₁₁,₂⁽¹⁾").format(
            name=repr(name)))
    else:
        parts = [sub]
    if sub and len(parts) != wanted:
        raise ValueError(ngettext("{name} has {count} index, {symbol} takes {wanted}",
                                  "{name} has {count} indices, {symbol} takes {wanted}", len(parts)).format(
            name=repr(name), count=len(parts), symbol=m.group("sym"), wanted=wanted))
    numbers = []
    for part in parts:
        if not part or any(c not in _FROM_SUB for c in part):
            return name  # letters (ᵢ, ⱼ) name no particular quantity
        number = int("".join(_FROM_SUB[c] for c in part))
        if number < 1:
            raise ValueError(_("{name}: the tutorial's indices start at 1, got {number}").format(
                name=repr(name), number=number))
        numbers.append(number - 1)
    layer = "".join(_FROM_SUP[c] for c in sup) if sup else ""
    return kind + layer + "".join(f"[{n}]" for n in numbers)


def canonical_name(name: str) -> str:
    """The one key for a quantity written in either notation: ``canonical_name("W₁₂⁽¹⁾") ==
    canonical_name("W1[0][1]") == "W1[0][1]"`` (surrounding spaces ignored)."""
    return to_code(name).strip()


def show(name: str, notation: str | None = None) -> str:
    """``name`` (a code name) written in ``notation``, by default the notation in use."""
    chosen = _current if notation is None else check_notation(notation)
    return to_textbook(name) if chosen == "textbook" else name


def show_text(text: str, notation: str | None = None) -> str:
    """Every code name inside ``text`` written in ``notation`` (default: the one in use):
    ``"dL/dW1[0][0] = delta1[0] * x[0]"`` -> ``"dL/dW₁₁⁽¹⁾ = δ₁⁽¹⁾ · x₁"``. In the tutorial's
    notation ``f'`` is also ``f′``, ``*`` is ``·`` and ``sum_k`` is ``Σₖ``."""
    chosen = _current if notation is None else check_notation(notation)
    if chosen == "code":
        return text
    text = _IN_TEXT.sub(_textbook_match, text)
    return text.replace("f'", "f′").replace(" * ", " · ").replace("sum_k ", "Σₖ ")
