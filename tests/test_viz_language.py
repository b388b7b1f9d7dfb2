"""lang= and notation= on the picture and page functions: they hold for one call."""

from __future__ import annotations

from pathlib import Path

import pytest

from deltagrad import i18n, viz
from deltagrad.autograd import notation
from tests.test_pages_ru import _worked


@pytest.mark.usefixtures("requires_dot")
def test_draw_dot_and_draw_network_for_one_call() -> None:
    loss, model, data, ref = _worked()
    dot = viz.draw_dot(loss, params=model.parameters(), inputs=data, reference=ref, lang="ru", notation="textbook")
    assert "<B>W₁₁⁽¹⁾</B>" in dot.source and "0,5424" in dot.source
    assert "<B>W1[0][0]</B>" not in dot.source  # the tooltip keeps the label itself, exact
    assert "сумма 3 слагаемых" in dot.source
    net = viz.draw_network(model, [0.5, -0.2], 1.0, reference=ref, lang="ru", notation="textbook")
    assert "z₁⁽¹⁾ = 0,17" in net.source
    assert i18n.get_language() == "en" and notation.get_notation() == "code"  # left as they were
    plain = viz.draw_dot(loss, params=model.parameters(), inputs=data, reference=ref)
    assert "W1[0][0]" in plain.source and "0.5424" in plain.source


@pytest.mark.usefixtures("requires_dot")
def test_the_stepper_page_for_one_call() -> None:
    loss, model, data, ref = _worked()
    page = viz.stepper(loss, model=model, inputs=data, reference=ref, update=0.1, lang="ru", notation="textbook")
    assert '<html lang="ru">' in page.html and "Вперёд" in page.html and "W₁₁⁽¹⁾" in page.html
    assert '<html lang="en">' in viz.stepper(loss, model=model, inputs=data).html


def test_a_bad_language_or_notation_is_refused_before_any_work() -> None:
    loss, model, data, ref = _worked()
    with pytest.raises(ValueError, match="unknown language 'fr'; deltagrad speaks en, ru"):
        viz.draw_dot(loss, lang="fr")
    with pytest.raises(ValueError, match="unknown notation 'latex'"):
        viz.draw_network(model, [0.5, -0.2], 1.0, notation="latex")
    assert i18n.get_language() == "en" and notation.get_notation() == "code"


def test_plots_in_russian(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from deltagrad import nn
    from deltagrad.viz import plot

    X, labels = nn.datasets.xor()
    comparison = nn.compare_inits(X, [float(v) for v in labels], epochs=3)
    path = plot.plot_inits(comparison, tmp_path / "inits.png", lang="ru")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert i18n.get_language() == "en"
