"""The checker in the tutorial's notation: W₁₂⁽¹⁾ and W1[0][1] are one key, and the report
writes the names (and the diagnosis) in the notation in use."""

from __future__ import annotations

import pytest

from deltagrad import nn
from deltagrad.autograd.notation import using_notation
from deltagrad.cli.walkthrough import WORKED_LR, WORKED_X, WORKED_Y, worked_model
from deltagrad.i18n import using_language

SLIPPED = {"deltas": {"δ₁⁽²⁾": -0.0832, "δ₁⁽¹⁾": -0.04993}, "gradients": {"W₁₁⁽¹⁾": -0.006197}}
CODE = {"deltas": {"delta2[0]": -0.0832, "delta1[0]": -0.04993}, "gradients": {"W1[0][0]": -0.006197}}


def _check(answers: dict[str, dict[str, float]]) -> nn.CheckReport:
    return nn.check_answers(worked_model(), WORKED_X, WORKED_Y[0], answers, lr=WORKED_LR)


def test_both_notations_are_the_same_answers() -> None:
    textbook, code = _check(SLIPPED), _check(CODE)
    assert [(r.name, r.verdict, r.diagnosis) for r in textbook] == [(r.name, r.verdict, r.diagnosis) for r in code]
    assert textbook.first_mistake is not None and textbook.first_mistake.name == "delta1[0]"
    assert textbook.first_mistake.diagnosis == "missing-activation-derivative"


def test_a_quantity_given_in_both_notations_is_refused() -> None:
    with pytest.raises(ValueError, match=r"delta2\[0\] is given twice in 'deltas': as δ₁⁽²⁾ and as delta2\[0\]"):
        _check({"deltas": {"δ₁⁽²⁾": -0.0832, "delta2[0]": -0.0832}})
    with pytest.raises(ValueError, match="separate them with a comma"):
        _check({"gradients": {"W₁₁₁⁽¹⁾": 0.1}})


def test_the_report_in_russian_and_in_the_tutorials_notation() -> None:
    with using_language("ru"), using_notation("textbook"):
        text = _check(SLIPPED).format()
    assert "Первая ошибка: δ₁⁽¹⁾: Пропущен множитель f′(z₁⁽¹⁾): дельта равна (Σₖ Wₖ₁⁽²⁾ δₖ⁽²⁾) · f′(z)" in text
    assert "-0,0123938" in text and "W₁₁⁽¹⁾" in text and "delta1[0]" not in text
    with using_language("en"):
        assert "First mistake: delta1[0]: the factor f'(z1[0]) is missing" in _check(SLIPPED).format()
