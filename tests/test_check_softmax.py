"""check_answers on softmax networks graded by cross-entropy: the right derivation is right,
and forgetting to subtract the one-hot is named, with what follows from it."""

from __future__ import annotations

import pytest

from deltagrad import nn
from deltagrad.nn.check import formula, template
from deltagrad.nn.manual import hand_values


@pytest.mark.parametrize("sizes, activation, y", [([2, 3, 3], "sigmoid", 1), ([4, 5, 3], "tanh", 2),
                                                  ([2, 3, 3], "relu", 0)])
def test_forgetting_the_one_hot_is_diagnosed(sizes: list[int], activation: str, y: int) -> None:
    model = nn.MLP(sizes[0], sizes[1:], activation=activation, output_activation="linear", rng=3)
    x = [0.5, -0.2, 0.9, 0.1][: sizes[0]]
    right = hand_values(model, x, y, lr=0.1, loss="cross_entropy")
    assert set(template(model, lr=0.1, loss="cross_entropy")["forward"]) == set(right["forward"])
    manual = nn.manual_backprop(model, x, y, loss="cross_entropy")
    assert [right["forward"][f"p[{i}]"] for i in range(3)] == manual.p
    assert right["gradients"] == manual.grads
    answers = {s: dict(v) for s, v in right.items() if v}
    assert nn.check_answers(model, x, y, answers, lr=0.1, loss="cross_entropy").ok
    # the slip: delta_n = p, the one-hot not subtracted; everything after it computed from it
    slipped = {s: dict(v) for s, v in hand_values(
        model, x, y, lr=0.1, loss="cross_entropy",
        given={"deltas": {f"delta2[{y}]": right["forward"][f"p[{y}]"]}}).items() if v}
    slipped["deltas"][f"delta2[{y}]"] = right["forward"][f"p[{y}]"]
    report = nn.check_answers(model, x, y, slipped, lr=0.1, loss="cross_entropy")
    first = report.first_mistake
    assert first is not None and first.name == f"delta2[{y}]" and first.diagnosis == "missing-one-hot"
    assert "without the one-hot subtracted" in first.hint
    assert "missing-one-hot" in nn.check.SOFTMAX_DIAGNOSES and "missing-one-hot" not in nn.check.DIAGNOSES
    verdicts = {row.name: row.verdict for row in report.rows}
    assert verdicts[f"b2[{y}]"] == "follows" and verdicts["b1[0]"] in ("follows", "ok")
    assert all(v == "ok" for name, v in verdicts.items() if name.startswith(("z", "a", "p", "L")))


def test_cross_entropy_formulas_for_the_hints() -> None:
    model = nn.MLP(2, [3, 3], activation="sigmoid", output_activation="linear", rng=0)
    assert formula(model, "forward", "L", loss="cross_entropy") == "L = -ln p[y]"
    assert formula(model, "forward", "p[2]", loss="cross_entropy") == "p[2] = e^a2[2] / (e^a2[0] + e^a2[1] + e^a2[2])"
    assert formula(model, "deltas", "delta2[1]", loss="cross_entropy") == "delta2[1] = (p[1] - onehot(y)[1])"


def test_check_answers_cross_entropy_needs_a_class_index() -> None:
    model = nn.MLP(2, [3, 3], output_activation="linear", rng=0)
    with pytest.raises(ValueError, match="is 3, not a class index for 3 classes"):
        nn.check_answers(model, [0.5, -0.2], 3, {}, loss="cross_entropy")
