"""nn.check_answers, autograd.check_gradients and deltagrad check: planted mistakes, one per code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.autograd import Value, check_gradients
from tests.conftest import B1, B2, ETA, EXPECTED, W1, W2, X, Y, assert_one_line_error, run_cli
from tests.conftest import run_command as deltagrad

ROOT = Path(__file__).resolve().parent.parent
SEED = {  # the seed's own answers, rounded as a person writes them
    "forward": {"z1[0]": 0.17, "a1[0]": 0.5424, "z2[0]": 0.5717, "a2[0]": 0.6392, "L": 0.0651},
    "deltas": {"delta2[0]": -0.0832, "delta1[0]": -0.01239, "delta1[1]": 0.002069},
    "gradients": {"W1[0][0]": -0.006197, "b2[0]": -0.0832},
    "updated": {"W1[0][0]": 0.10062},
}
D2, D1 = EXPECTED["delta2"], EXPECTED["delta1"]
A1, A2, Z1, Z2 = EXPECTED["a1"], EXPECTED["a2"], EXPECTED["z1"], EXPECTED["z2"]


def worked() -> nn.MLP:
    return nn.MLP.from_weights([W1, W2], [B1, B2])


def one(section: str, name: str, value: float, **kw: object) -> nn.CheckRow:
    report = nn.check_answers(worked(), X, Y, {section: {name: value}}, lr=ETA, **kw)  # type: ignore[arg-type]
    assert len(report.rows) == 1
    return report.rows[0]


def test_the_seeds_answers_are_all_right() -> None:
    report = nn.check_answers(worked(), X, Y, SEED, lr=ETA)
    assert report.ok and report.first_mistake is None and len(report.rows) == 11
    assert all(r.verdict == "ok" and r.diagnosis is None for r in report.rows)
    assert "11 of 11 answers right." in report.format() and "✓" in report.format()


@pytest.mark.parametrize("section, name, value, code", [
    ("deltas", "delta2[0]", -D2, "sign"),
    ("gradients", "W1[0][0]", -D1[0] * X[0], "sign"),
    ("deltas", "delta2[0]", 2 * D2, "factor-2"),
    ("forward", "L", 2 * EXPECTED["L"], "factor-2"),
    ("deltas", "delta2[0]", A2 - Y, "missing-activation-derivative"),
    ("deltas", "delta1[0]", W2[0][0] * D2, "missing-activation-derivative"),
    ("deltas", "delta2[0]", (A2 - Y) * Z2 * (1 - Z2), "derivative-of-wrong-value"),
    ("deltas", "delta1[1]", W2[0][1] * D2 * Z1[1] * (1 - Z1[1]), "derivative-of-wrong-value"),
    ("gradients", "W1[0][1]", D1[1] * X[0], "transposed-weight"),
    ("deltas", "delta1[1]", W2[0][0] * D2 * A1[1] * (1 - A1[1]), "transposed-weight"),
    ("gradients", "W2[0][0]", D2 * Z1[0], "used-z-not-a"),
    ("updated", "W1[0][0]", W1[0][0] + ETA * D1[0] * X[0], "update-sign"),
    ("updated", "b2[0]", B2[0] - D2, "missing-learning-rate"),
    ("deltas", "delta2[0]", D2 * 1.004, "rounding"),
    ("deltas", "delta2[0]", 0.5, None),
])
def test_each_planted_mistake_gets_its_code(section: str, name: str, value: float, code: str | None) -> None:
    row = one(section, name, value)
    assert row.verdict == "wrong" and row.diagnosis == code, row
    assert row.correct == pytest.approx(
        {"deltas": {"delta2[0]": D2, "delta1[0]": D1[0], "delta1[1]": D1[1]}}.get(section, {}).get(name, row.correct))
    assert row.hint and name in row.hint or code in (None, "rounding")


def test_missing_term_on_a_2_2_2_network() -> None:
    model = nn.MLP.from_weights([W1, [[0.6, -0.1], [0.2, 0.7]]], [B1, [0.3, -0.2]])
    manual = nn.manual_backprop(model, X, [1.0, 0.0])
    d2, a1 = manual.deltas[1], manual.a[0]
    f1 = a1[0] * (1 - a1[0])
    only_first = 0.6 * d2[0] * f1  # leaves out W2[1][0] delta2[1]
    report = nn.check_answers(model, X, [1.0, 0.0], {"deltas": {"delta1[0]": only_first}})
    assert report.rows[0].diagnosis == "missing-term"
    assert report.first_mistake is report.rows[0]


def test_answers_that_follow_from_an_earlier_mistake() -> None:
    wrong_a2 = 0.65
    answers = {"forward": {"a2[0]": wrong_a2}, "deltas": {"delta2[0]": (wrong_a2 - Y) * wrong_a2 * (1 - wrong_a2)}}
    report = nn.check_answers(worked(), X, Y, answers)
    a2, d2 = report.rows
    assert a2.verdict == "wrong" and report.first_mistake is a2
    assert d2.verdict == "follows" and "a2[0]" in d2.hint and "fix that one first" in d2.hint
    assert not report.ok


def test_order_is_the_seeds_and_null_means_not_answered() -> None:
    answers = {"updated": {"W1[0][0]": 0.2}, "gradients": {"b2[0]": 1.0},
               "deltas": {"delta1[0]": 1.0, "delta2[0]": 1.0}, "forward": {"L": 1.0, "z1[0]": None}}
    report = nn.check_answers(worked(), X, Y, answers, lr=0.1)
    assert [r.name for r in report.rows] == ["L", "delta2[0]", "delta1[0]", "b2[0]", "W1[0][0]"]
    assert report.first_mistake is not None and report.first_mistake.name == "L"


def test_reference_for_the_picture() -> None:
    report = nn.check_answers(worked(), X, Y, SEED, lr=ETA)
    ref = report.reference()
    assert ref["z2[0]"] == pytest.approx(D2, rel=1e-12) and ref["W1[0][0]"] == pytest.approx(D1[0] * X[0], rel=1e-12)


@pytest.mark.parametrize("answers, error, message", [
    ({"forwrd": {}}, ValueError, "did you mean 'forward'"),
    ({"deltas": {"delta3[0]": 1.0}}, ValueError, "did you mean"),
    ({"deltas": {"delta2[0]": "x"}}, TypeError, "must be a number"),
    ({"deltas": {"delta2[0]": True}}, TypeError, "must be a number"),
    ({"updated": {"b2[0]": 0.3}}, ValueError, "needs the learning rate"),
    ([1, 2], TypeError, "mapping"),
])
def test_bad_answers(answers: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        nn.check_answers(worked(), X, Y, answers)  # type: ignore[arg-type]


def test_check_gradients_on_any_graph() -> None:
    a = Value(3.0, label="a")
    b = Value(-2.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    right = check_gradients(d, {"d": 1.0, "c": 1.0, "a": -1.0, "b": 3.0})
    assert right.ok
    assert check_gradients(d, {"a": 1.0}).rows[0].diagnosis == "sign"
    assert check_gradients(d, {"a": -2.0}).rows[0].diagnosis == "factor-2"
    fan = check_gradients(d, {"a": 1.0 * -2.0})  # only the path through c
    assert fan.rows[0].diagnosis in ("factor-2", "missing-term")
    e = a * a * a + a  # de/da = 3 a^2 + 1 = 28; contributions 9, 9... through the products, 1 directly
    e.label = "e"
    assert check_gradients(e, {"a": 27.0}).rows[0].diagnosis == "missing-term"
    assert check_gradients(e, {"a": 28.1}).rows[0].diagnosis == "rounding"
    follows = check_gradients(d, {"c": 2.0, "b": 6.0})  # b = c's answer times a: follows from c
    assert [r.verdict for r in follows.rows] == ["wrong", "follows"]
    with pytest.raises(ValueError, match="no node labelled 'x'"):
        check_gradients(d, {"x": 1.0})


def test_the_command_grades_and_sets_the_exit_status(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(SEED))
    result = deltagrad("check", str(good))
    assert result.returncode == 0 and "11 of 11 answers right." in result.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SEED, "deltas": {**SEED["deltas"], "delta1[0]": 0.01239}}))
    result = deltagrad("check", str(bad), "--out", str(tmp_path / "pics"))
    assert result.returncode == 1
    assert "First mistake: delta1[0]" in result.stdout and "sign" in result.stdout
    assert (tmp_path / "pics" / "graph.dot").exists() and (tmp_path / "pics" / "network.dot").exists()


def test_the_template_lists_every_name_with_null(tmp_path: Path) -> None:
    result = deltagrad("check", "--template")
    assert result.returncode == 0
    blank = json.loads(result.stdout)
    assert set(blank) == {"forward", "deltas", "gradients", "updated"}
    assert len(blank["gradients"]) == 9 and all(v is None for s in blank.values() for v in s.values())
    path = tmp_path / "blank.json"
    path.write_text(result.stdout)
    assert "answers nothing" in deltagrad("check", str(path)).stderr


@pytest.mark.parametrize("content, message", [
    ("{ not json", "is not JSON"),
    ("", "is empty"),
    ('{"forwrd": {}}', "did you mean 'forward'"),
    ('{"deltas": {"delta9[0]": 1}}', "did you mean"),
    ('{"deltas": {"delta2[0]": "abc"}}', "must be a number"),
])
def test_the_command_answers_bad_files_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content)
    assert_one_line_error(run_cli("check", str(path)), message)


def test_updated_without_a_learning_rate_is_refused_for_other_networks(tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    worked().save(model)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"updated": {"b2[0]": 0.3}}))
    result = deltagrad("check", str(answers), "--weights", str(model), "--x", "0.5", "-0.2", "--y", "1")
    assert result.returncode == 2 and "needs the learning rate: pass --lr" in result.stderr
