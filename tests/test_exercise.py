"""nn.Exercise: plain data, seeded variants that are gradable, expected() and check()."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.nn.exercise import Exercise
from tests.conftest import B1, B2, ETA, EXPECTED, W1, W2, X, Y, assert_one_line_error, close, run_cli

# seed 7's variant, pinned: random.Random(seed) gives it on every machine and Python version
SEED_7 = {"format": "deltagrad-exercise", "version": 1, "id": "ex-f694c849adcc", "sizes": [2, 2, 1],
          "weights": [[[0.2, -0.5], [0.4, -0.8]], [[-0.7, 0.9]]], "biases": [[-0.6, 0.3], [-0.8]],
          "x": [0.8, -0.3], "y": [0.0], "lr": 0.1, "activation": "sigmoid", "output_activation": "sigmoid",
          "loss": "half_squared_error", "sig": 3}
KINDS = [((2, 2, 1), "sigmoid", "half_squared_error"), ((3, 3, 2), "tanh", "half_squared_error"),
         ((2, 3, 1), "relu", "half_squared_error"), ((2, 2, 1), "sigmoid", "binary_cross_entropy"),
         ((3, 2, 2), "tanh", "binary_cross_entropy"), ((3, 3, 2), "sigmoid", "half_squared_error")]


def worked() -> Exercise:
    return Exercise([W1, W2], [B1, B2], X, Y, ETA, id="worked")


def test_the_constructor_keeps_its_arguments_as_attributes() -> None:
    ex = worked()
    assert ex.weights == [W1, W2] and ex.biases == [B1, B2] and ex.x == X and ex.y == [Y] and ex.lr == ETA
    assert ex.sizes == [2, 2, 1] and ex.sig == 3 and ex.id == "worked"
    assert (ex.activation, ex.output_activation, ex.loss) == ("sigmoid", "sigmoid", "half_squared_error")
    assert "2-2-1" in repr(ex)


def test_to_dict_round_trips_through_json() -> None:
    ex = Exercise.generate(3, (3, 3, 2), "tanh", "binary_cross_entropy")
    d = json.loads(json.dumps(ex.to_dict()))
    assert d["format"] == "deltagrad-exercise" and d["version"] == 1
    again = Exercise.from_dict(d)
    assert again == ex and again.to_dict() == ex.to_dict()


def test_generate_is_the_same_everywhere_and_like_the_tutorial() -> None:
    assert Exercise.generate(7).to_dict() == SEED_7
    assert Exercise.generate(7) == Exercise.generate(7) and Exercise.generate(8) != Exercise.generate(7)
    state = random.getstate()
    Exercise.generate(11)
    assert random.getstate() == state  # the global generator is never used
    for seed in range(30):
        ex = Exercise.generate(seed, (3, 3, 2), "tanh", decimals=2)
        for value in [w for layer in ex.weights for row in layer for w in row] + [b for r in ex.biases for b in r]:
            assert value != 0 and -0.9 <= value <= 0.9 and round(value, 2) == value
        assert all(v != 0 and round(v, 1) == v for v in ex.x)
        assert all(t in (0.0, 1.0) for t in ex.y) and ex.lr in (0.1, 0.5)
    assert Exercise.generate("2026/ivanov") == Exercise.generate("2026/ivanov")
    assert Exercise.generate("2026/ivanov") != Exercise.generate("2026/petrov")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{'-'.join(map(str, k[0]))} {k[1]} {k[2]}")
def test_two_hundred_variants_are_gradable(kind: tuple[tuple[int, ...], str, str]) -> None:
    sizes, activation, loss = kind
    per_kind = 200 // len(KINDS) + 1
    rng = random.Random(0)
    for seed in range(per_kind):
        ex = Exercise.generate(seed, sizes, activation, loss)
        tol = ex.tolerance
        gradients = ex.expected()["gradients"]
        table = ex.slips()
        deltas = [right for (section, _n), (right, _s) in table.items() if section == "deltas"]
        assert min(abs(d) for d in deltas) >= 1e-4
        for (section, name), (right, slips) in table.items():
            wrong = [s for s in slips if s.code != "rounding" and abs(s.value - right) > 1e-12 * abs(right)]
            for s in wrong:  # every slip moves the answer past the tolerance
                assert not tol.ok(s.value, right), (seed, section, name, s)
            for a in wrong:  # and no two slips give the same number
                for b in wrong:
                    if a.code != b.code:
                        assert not tol.ok(a.value, b.value), (seed, section, name, a, b)
        # and a sample of them, planted, is diagnosed with that code alone
        for (section, name), (right, slips) in rng.sample(sorted(table.items()), 3):
            for s in slips:
                if s.code == "rounding" or abs(s.value - right) <= 1e-12 * abs(right):
                    continue
                answers = {section: {name: s.value}}
                if section == "updated":  # asked in order: the gradient before it was right
                    answers["gradients"] = {name: gradients[name]}
                row = ex.check(answers).rows[-1]
                assert (row.verdict, row.diagnosis, row.also) == ("wrong", s.code, ()), (seed, name, s, row)


def test_expected_is_nested_as_the_template_in_the_tutorials_order() -> None:
    ex = worked()
    expected = ex.expected()
    template = json.loads(run_cli("check", "--template").stdout)
    assert list(expected) == list(template) == ["forward", "deltas", "gradients", "updated"]
    for section in template:
        assert list(expected[section]) == list(template[section])
    assert list(expected["forward"]) == ["z1[0]", "a1[0]", "z1[1]", "a1[1]", "z2[0]", "a2[0]", "L"]
    assert list(expected["deltas"]) == ["delta2[0]", "delta1[0]", "delta1[1]"]
    assert close(expected["forward"]["L"], EXPECTED["L"])
    assert close(expected["deltas"]["delta1[1]"], EXPECTED["delta1"][1])
    assert close(expected["updated"]["W2[0][0]"], EXPECTED["W2_after"][0][0])
    assert ex.template() == {s: dict.fromkeys(v) for s, v in expected.items()}


def test_check_is_check_answers_at_the_exercises_figures() -> None:
    ex = worked()
    answers = {"forward": {"a1[0]": 0.542}, "deltas": {"delta1[0]": 0.01239}, "updated": {"W1[0][0]": 0.1}}
    report = ex.check(answers)
    same = nn.check_answers(ex.model(), X, Y, answers, lr=ETA, sig=3)
    assert isinstance(report, nn.CheckReport)
    assert [(r.name, r.verdict, r.diagnosis) for r in report] == [(r.name, r.verdict, r.diagnosis) for r in same]
    assert [r.verdict for r in report] == ["ok", "wrong", "wrong"]
    assert report.rows[1].diagnosis == "sign" and report.rows[2].diagnosis == "rounding"
    assert ex.check({"updated": {"W1[0][0]": 0.1006}}).ok


@pytest.mark.parametrize("change, error, message", [
    (lambda d: d.update(version=2), ValueError, "version 2 is not supported"),
    (lambda d: d.update(format="x"), ValueError, "not a deltagrad exercise"),
    (lambda d: d["weights"][0][0].__setitem__(0, math.nan), ValueError, "finite"),
    (lambda d: d.update(weights=[[[0.1] * 17] * 2, [[0.1] * 2]]), ValueError, "at most 16"),
    (lambda d: d.update(weights=[[[0.1] * 2] * 17, [[0.1] * 17]], biases=[[0.1] * 17, [0.1]]), ValueError,
     "at most 4 layers of at most 16"),
    (lambda d: d.update(lr=-1), ValueError, "lr must be a positive"),
    (lambda d: d.update(sig=True), TypeError, "sig must be an int"),
    (lambda d: d.update(loss="hinge"), ValueError, "unknown loss 'hinge'"),
    (lambda d: d.update(x=[0.1]), ValueError, "x must have 2"),
    (lambda d: d.update(extra=1), ValueError, "unknown keys extra"),
    (lambda d: d.pop("lr"), ValueError, "lacks lr"),
    (lambda d: d.update(sizes=[2, 3, 1]), ValueError, "says sizes"),
    (lambda d: d.update(output_activation="tanh", loss="binary_cross_entropy"), ValueError, "needs output"),
])
def test_a_problem_that_fails_validation_is_refused(change, error, message) -> None:  # type: ignore[no-untyped-def]
    d = json.loads(json.dumps(SEED_7))
    change(d)
    with pytest.raises(error, match=message):
        Exercise.from_dict(d)


def test_generate_refuses_what_it_cannot_make() -> None:
    with pytest.raises(ValueError, match="up to 3-3-2"):
        Exercise.generate(1, (4, 3, 2))
    with pytest.raises(ValueError, match="up to 3-3-2"):
        Exercise.generate(1, (2, 2, 2, 1))
    with pytest.raises(TypeError, match="seed must be"):
        Exercise.generate(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        Exercise.generate(1, activation="softmax")
    with pytest.raises(TypeError, match="must be a JSON object"):
        Exercise.from_dict([1])


# --- cross-entropy: softmax of linear outputs, the target one class ---

CLASS_KINDS = [((2, 2, 2), "sigmoid"), ((2, 3, 3), "tanh"), ((3, 3, 2), "relu"), ((2, 2, 3), "sigmoid"),
               ((3, 3, 3), "tanh")]


def autograd_numbers(ex: Exercise) -> tuple[float, list[float], dict[str, float]]:
    """L, softmax(logits) and dL/dp by nn.cross_entropy over the model's logits, backward."""
    model = ex.model()
    logits = model(ex.x)
    loss = nn.cross_entropy(logits, ex.target)
    loss.backward()
    return loss.data, [p.data for p in nn.softmax(logits)], {name: p.grad for name, p in model.named_parameters()}


@pytest.mark.parametrize("kind", CLASS_KINDS, ids=lambda k: f"{'-'.join(map(str, k[0]))} {k[1]}")
def test_cross_entropy_exercises_match_autograd(kind: tuple[tuple[int, ...], str]) -> None:
    sizes, activation = kind
    classes_seen = set()
    for seed in range(8):
        ex = Exercise.generate(seed, sizes, activation, "cross_entropy")
        assert ex.sizes == list(sizes) and ex.output_activation == "linear" and ex.loss == "cross_entropy"
        assert sorted(ex.y) == [0.0] * (sizes[-1] - 1) + [1.0] and ex.y[ex.target] == 1.0
        classes_seen.add(ex.target)
        assert ex.problems() == [] and Exercise.from_dict(json.loads(json.dumps(ex.to_dict()))) == ex
        expected = ex.expected()
        loss, probs, grads = autograd_numbers(ex)
        assert close(expected["forward"]["L"], loss)
        assert list(expected["deltas"])[:sizes[-1]] == [f"delta2[{i}]" for i in range(sizes[-1])]
        for i, p in enumerate(probs):
            assert close(expected["forward"][f"p[{i}]"], p)
            assert abs(expected["deltas"][f"delta2[{i}]"] - (p - ex.y[i])) <= 1e-12  # linear output: p - onehot
        assert list(expected["gradients"]) == list(grads)
        for name, g in grads.items():
            assert abs(expected["gradients"][name] - g) <= 1e-12, (seed, name)
        params = dict(ex.model().named_parameters())
        for name, new in expected["updated"].items():
            assert abs(new - (params[name].data - ex.lr * grads[name])) <= 1e-12
        assert [(s, n) for s, names in expected.items() for n in names] == ex.questions()
        report = ex.check(expected)
        assert report.ok and len(report.rows) == len(ex.questions())
    assert len(classes_seen) > 1  # the class is drawn, not always the same


def test_cross_entropy_seed_is_pinned() -> None:
    ex = Exercise.generate(5, (2, 2, 2), "sigmoid", "cross_entropy")
    assert ex.to_dict() == {
        "format": "deltagrad-exercise", "version": 1, "id": ex.id, "sizes": [2, 2, 2],
        "weights": ex.weights, "biases": ex.biases, "x": ex.x, "y": [1.0, 0.0], "lr": ex.lr,
        "activation": "sigmoid", "output_activation": "linear", "loss": "cross_entropy", "sig": 3}
    assert ex.target == 0 and ex == Exercise.generate(5, [2, 2, 2], "sigmoid", "cross_entropy")
    assert Exercise.generate(5, (2, 2, 1)) == Exercise.generate(5)  # the other losses draw as before


@pytest.mark.parametrize("kind", CLASS_KINDS[:3], ids=lambda k: f"{'-'.join(map(str, k[0]))} {k[1]}")
def test_a_planted_missing_one_hot_is_diagnosed(kind: tuple[tuple[int, ...], str]) -> None:
    sizes, activation = kind
    for seed in range(5):
        ex = Exercise.generate(seed, sizes, activation, "cross_entropy")
        table = ex.slips()
        p = ex.expected()["forward"]
        for i in range(sizes[-1]):
            right, slips = table[("deltas", f"delta2[{i}]")]
            one_hot_slips = [s for s in slips if s.code == "missing-one-hot"]
            if i != ex.target:  # p[i] - 0 is p[i]: no one-hot to forget
                assert one_hot_slips == []
                continue
            assert right == p[f"p[{i}]"] - 1.0 and [s.value for s in one_hot_slips] == [p[f"p[{i}]"]]
            report = ex.check({"deltas": {f"delta2[{i}]": round(p[f"p[{i}]"], 4)}})
            row = report.rows[0]
            assert (row.verdict, row.diagnosis, row.also) == ("wrong", "missing-one-hot", ())
            assert report.first_mistake is row and f"p[{i}] - 1" in row.hint
        # the delta after it, computed from the slipped one, follows from it
        t = ex.target
        slipped = {"deltas": {f"delta2[{t}]": p[f"p[{t}]"]}, "gradients": {f"b2[{t}]": p[f"p[{t}]"]}}
        rows = {r.name: r for r in ex.check(slipped).rows}
        assert rows[f"delta2[{t}]"].diagnosis == "missing-one-hot" and rows[f"b2[{t}]"].verdict == "follows"


def test_a_cross_entropy_exercise_takes_a_class_index_or_its_one_hot_row() -> None:
    weights = [[[0.1, 0.2], [0.3, -0.4]], [[0.5, -0.6], [0.7, 0.8], [-0.2, 0.3]]]
    biases = [[0.1, -0.1], [0.2, 0.3, 0.4]]
    by_index = Exercise(weights, biases, [0.5, -0.5], 2, 0.1, output_activation="linear", loss="cross_entropy")
    by_row = Exercise(weights, biases, [0.5, -0.5], [0, 0, 1], 0.1, output_activation="linear", loss="cross_entropy")
    assert by_index == by_row and by_index.y == [0.0, 0.0, 1.0] and by_index.target == 2
    assert Exercise([W1, W2], [B1, B2], X, Y, ETA).target == [Y]
    for bad, error, message in [([1, 1, 0], ValueError, "class index or its one-hot row"),
                                ([0.5, 0.5, 0], ValueError, "one-hot row"), (3, ValueError, "not a class index"),
                                (True, TypeError, "class index"), ([0, 1], ValueError, "y must have 3")]:
        with pytest.raises(error, match=message):
            Exercise(weights, biases, [0.5, -0.5], bad, 0.1, output_activation="linear", loss="cross_entropy")
    with pytest.raises(ValueError, match="one output per class"):
        Exercise([W1, W2], [B1, B2], X, 0, ETA, loss="cross_entropy")


def test_generate_refuses_cross_entropy_with_one_output_up_front() -> None:
    with pytest.raises(ValueError, match=r"one output per class, 2 or 3 \(sizes such as 2-2-2, 2-3-3 or 3-3-2\), "
                                         "got 2-2-1"):
        Exercise.generate(1, (2, 2, 1), loss="cross_entropy")
    with pytest.raises(ValueError, match="up to 3-3-3 with cross_entropy"):
        Exercise.generate(1, (2, 2, 4), loss="cross_entropy")
    with pytest.raises(ValueError, match="up to 3-3-2"):
        Exercise.generate(1, (2, 2, 3))  # three outputs are for classes only
    assert_one_line_error(run_cli("exercise", "--sizes", "2-2-1", "--loss", "cross_entropy", "--seed", "1",
                                  "--out", "unused"), "one output per class, 2 or 3")
    assert_one_line_error(run_cli("practice", "--sizes", "3-3-1", "--loss", "cross_entropy"), "2-2-2, 2-3-3")


def test_the_cross_entropy_exercise_command_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "ex"
    result = run_cli("exercise", "--seed", "5", "--sizes", "2-2-2", "--loss", "cross_entropy", "--out", str(out))
    assert result.returncode == 0, result.stderr
    ex = Exercise.generate(5, (2, 2, 2), "sigmoid", "cross_entropy")
    answers = json.loads((out / "answers.json").read_text())
    key = json.loads((out / "key.json").read_text())
    assert Exercise.from_dict(answers["problem"]) == ex and Exercise.from_dict(key["problem"]) == ex
    expected = ex.expected()
    assert {s: key[s] for s in expected} == expected
    assert answers["forward"] == dict.fromkeys(expected["forward"]) and "p[1]" in answers["forward"]
    sheet = (out / "problem.html").read_text()
    assert "p[i] = e^a2[i] / (e^a2[0] + e^a2[1])" in sheet and "L = -ln p[y]" in sheet and "onehot(y)" in sheet

    filled = dict(answers, **{s: key[s] for s in expected})
    (out / "answers.json").write_text(json.dumps(filled))
    result = run_cli("check", str(out / "answers.json"))
    n = len(ex.questions())
    assert result.returncode == 0 and f"{n} of {n} answers right" in result.stdout, result.stdout + result.stderr

    t = ex.target
    filled["deltas"] = dict(filled["deltas"], **{f"delta2[{t}]": expected["forward"][f"p[{t}]"]})
    (out / "slipped.json").write_text(json.dumps(filled))
    result = run_cli("check", str(out / "slipped.json"))
    assert result.returncode == 1 and f"{n - 1} of {n} answers right" in result.stdout
    assert f"First mistake: delta2[{t}]: it is p[{t}] without the one-hot subtracted" in result.stdout

    result = run_cli("practice", "--seed", "4", "--sizes", "2-3-3", "--loss", "cross_entropy",
                     "--out", str(tmp_path / "p"))
    assert result.returncode == 0 and result.stdout.strip().endswith("practice.html"), result.stderr
    page = (tmp_path / "p" / "practice.html").read_text()
    practised = Exercise.generate(4, (2, 3, 3), "sigmoid", "cross_entropy")
    assert json.dumps(practised.id) in page and '"missing-one-hot"' in page and "forward/p[2]" in page
