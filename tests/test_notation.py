"""deltagrad.autograd.notation: the code's names and the tutorial's symbols, both ways."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deltagrad.autograd import notation
from deltagrad.autograd.notation import canonical_name, show, show_text, to_code, to_textbook, using_notation

PAIRS = [
    ("W1[0][1]", "W₁₂⁽¹⁾"),
    ("W2[0][0]", "W₁₁⁽²⁾"),
    ("b2[0]", "b₁⁽²⁾"),
    ("b1[1]", "b₂⁽¹⁾"),
    ("z1[0]", "z₁⁽¹⁾"),
    ("a1[0]", "a₁⁽¹⁾"),
    ("delta1[0]", "δ₁⁽¹⁾"),
    ("delta2", "δ⁽²⁾"),
    ("a1", "a⁽¹⁾"),
    ("x[1]", "x₂"),
    ("y[0]", "y₁"),
    ("y_hat", "ŷ"),
    ("L", "𝓛"),
    ("W1[10][2]", "W₁₁,₃⁽¹⁾"),  # two-digit indices are separated by a comma
    ("z12[9]", "z₁₀⁽¹²⁾"),
]


@pytest.mark.parametrize(("code", "textbook"), PAIRS)
def test_both_ways(code: str, textbook: str) -> None:
    assert to_textbook(code) == textbook
    assert to_code(textbook) == code
    assert canonical_name(code) == canonical_name(textbook) == code


@given(st.integers(1, 40), st.integers(0, 300), st.integers(0, 300), st.sampled_from(["W", "b", "z", "a", "delta"]))
def test_every_name_comes_back(layer: int, i: int, j: int, kind: str) -> None:
    code = f"W{layer}[{i}][{j}]" if kind == "W" else f"{kind}{layer}[{i}]"
    assert to_code(to_textbook(code)) == code


def test_names_it_does_not_know_come_back_unchanged() -> None:
    for name in ("foo", "x", "y", "W", "a_prev", "v12", "W₁ᵢ⁽¹⁾", ""):
        assert to_code(name) == name
    assert to_textbook("foo[0]") == "foo[0]"
    assert canonical_name("  W₁₂⁽¹⁾ ") == "W1[0][1]"
    assert to_code("ℒ") == "L"


def test_unreadable_symbols_are_value_errors() -> None:
    with pytest.raises(ValueError, match="separate them with a comma"):
        to_code("W₁₁₂⁽¹⁾")
    with pytest.raises(ValueError, match="start at 1, got 0"):
        to_code("W₀₁⁽¹⁾")
    with pytest.raises(ValueError, match="has 1 index, W takes 2"):
        to_code("W₁⁽¹⁾")
    with pytest.raises(TypeError, match="expects a str, got int"):
        to_textbook(3)  # type: ignore[arg-type]


def test_the_notation_in_use() -> None:
    assert notation.get_notation() == "code"
    assert show("W1[0][1]") == "W1[0][1]"
    with using_notation("textbook") as chosen:
        assert chosen == "textbook"
        assert show("W1[0][1]") == "W₁₂⁽¹⁾"
        assert show("W1[0][1]", "code") == "W1[0][1]"
        with using_notation(None):
            assert notation.get_notation() == "textbook"
    assert notation.get_notation() == "code"
    with pytest.raises(ValueError, match="unknown notation 'tex'; choose one of code, textbook"):
        notation.set_notation("tex")
    with pytest.raises(TypeError):
        notation.set_notation(None)  # type: ignore[arg-type]
    assert notation.get_notation() == "code"


def test_names_inside_a_text() -> None:
    text = "dL/dW1[0][0] = delta1[0] * x[0];  L = 1/2 (y_hat - y)^2;  f'(z2[0]) = a2[0] (1 - a2[0])"
    assert show_text(text) == text
    assert show_text(text, "textbook") == (
        "dL/dW₁₁⁽¹⁾ = δ₁⁽¹⁾ · x₁;  𝓛 = 1/2 (ŷ - y)^2;  f′(z₁⁽²⁾) = a₁⁽²⁾ (1 - a₁⁽²⁾)")
    # words and numbers stay as they are
    assert show_text("a DISAGREE Loss 1e-9 0.5424", "textbook") == "a DISAGREE Loss 1e-9 0.5424"
    # the d of a derivative is not part of the name; the L of dL stays, as the tutorial writes it
    assert show_text("da2[0]/dz2[0] dL/dz1[0] dx", "textbook") == "da₁⁽²⁾/dz₁⁽²⁾ dL/dz₁⁽¹⁾ dx"
