"""nn.Exercise: plain data, seeded variants that are gradable, expected() and check()."""

from __future__ import annotations

import json
import math
import random

import pytest

from deltagrad import nn
from deltagrad.nn.exercise import Exercise
from tests.conftest import B1, B2, ETA, EXPECTED, W1, W2, X, Y, close
from tests.conftest import run_command as deltagrad

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
    template = json.loads(deltagrad("check", "--template").stdout)
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
