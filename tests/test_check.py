"""nn.check_answers, autograd.check_gradients and deltagrad check: planted mistakes, one per code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.autograd import Value, check_gradients
from tests.conftest import B1, B2, ETA, EXPECTED, W1, W2, X, Y, assert_one_line_error, run_cli
from tests.conftest import run_command as deltagrad
from tests.conftest import worked_model as worked

ROOT = Path(__file__).resolve().parent.parent
SEED = {  # the seed's own answers, rounded as a person writes them
    "forward": {"z1[0]": 0.17, "a1[0]": 0.5424, "z2[0]": 0.5717, "a2[0]": 0.6392, "L": 0.0651},
    "deltas": {"delta2[0]": -0.0832, "delta1[0]": -0.01239, "delta1[1]": 0.002069},
    "gradients": {"W1[0][0]": -0.006197, "b2[0]": -0.0832},
    "updated": {"W1[0][0]": 0.10062},
}
D2, D1 = EXPECTED["delta2"], EXPECTED["delta1"]
A1, A2, Z1, Z2 = EXPECTED["a1"], EXPECTED["a2"], EXPECTED["z1"], EXPECTED["z2"]


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
    ({"deltas": {"delta2[0]": "x"}}, ValueError, "not a number: 'x'"),
    ({"deltas": {"delta2[0]": [1]}}, TypeError, "must be a number"),
    ({"deltas": {"delta2[0]": 10**400}}, ValueError, "too large for a float \\(401 digits"),
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
    result = run_cli("check", "--template")  # in this process: the exit status test above runs the real one
    assert result.returncode == 0
    blank = json.loads(result.stdout)
    assert set(blank) == {"forward", "deltas", "gradients", "updated"}
    assert len(blank["gradients"]) == 9 and all(v is None for s in blank.values() for v in s.values())
    path = tmp_path / "blank.json"
    path.write_text(result.stdout)
    assert "answers nothing" in run_cli("check", str(path)).stderr


@pytest.mark.parametrize("content, message", [
    ("{ not json", "is not JSON"),
    ("", "is empty"),
    ('{"forwrd": {}}', "did you mean 'forward'"),
    ('{"deltas": {"delta9[0]": 1}}', "did you mean"),
    ('{"deltas": {"delta2[0]": "abc"}}', "not a number: 'abc'"),
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
    result = run_cli("check", str(answers), "--weights", str(model), "--x", "0.5", "-0.2", "--y", "1")
    assert result.returncode == 2 and "needs the learning rate: pass --lr" in result.stderr


# --- every slip at every place it applies, on networks other than the 2-2-1 (issue 22, class 4) ---
# The planted numbers are computed here from manual_backprop's values, not by the checker's own code.

NETWORKS = {
    "3-4-2 tanh": (lambda: nn.MLP(3, [4, 2], activation="tanh", rng=1), [0.5, -0.3, 0.8], [1.0, 0.0],
                   "half_squared_error"),
    "2-3-3-2 sigmoid": (lambda: nn.MLP(2, [3, 3, 2], rng=2), [0.4, -0.7], [0.0, 1.0], "half_squared_error"),
    "3-4-2 relu/linear": (lambda: nn.MLP(3, [4, 2], activation="relu", output_activation="linear", rng=3),
                          [0.9, 0.6, -0.4], [1.0, -0.5], "half_squared_error"),
    "2-2-1 worked": (worked, X, [Y], "half_squared_error"),
    "2-3-1 BCE": (lambda: nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", rng=4), [0.3, -0.8],
                  [1.0], "binary_cross_entropy"),
}
FPRIME = {"sigmoid": "a (1 - a)", "tanh": "1 - a^2", "relu": "1 if z > 0, else 0"}


def _planted(model: nn.MLP, x: list[float], y: list[float], lr: float, loss: str) -> list[tuple[str, str, str, float]]:
    """(section, name, code, value) for each slip at each answer it applies to."""
    from deltagrad.nn.manual import bce_term

    m = nn.manual_backprop(model, x, y)
    W, B = model.weights(), model.biases()
    acts = [layer.activation for layer in model.layers]
    n = len(W)
    bce = loss == "binary_cross_entropy"
    deltas = [list(d) for d in m.deltas]
    if bce:
        deltas[-1] = [(a - t) / len(y) for a, t in zip(m.a[-1], y)]
        for l in range(n - 2, -1, -1):  # noqa: E741
            for i in range(len(deltas[l])):
                err = sum(W[l + 1][k][i] * deltas[l + 1][k] for k in range(len(deltas[l + 1])))
                a = m.a[l][i]
                deltas[l][i] = err * {"sigmoid": a * (1 - a), "tanh": 1 - a * a}.get(acts[l], 1.0)
    terms = [bce_term(a, t) / len(y) if bce else 0.5 * (a - t) ** 2 for a, t in zip(m.a[-1], y)]
    out: list[tuple[str, str, str, float]] = []
    for l in range(n):  # noqa: E741
        prev = x if l == 0 else m.a[l - 1]
        for i in range(len(W[l])):
            z, a = m.z[l][i], m.a[l][i]
            out += [("forward", f"z{l + 1}[{i}]", "sign", -z),
                    ("forward", f"z{l + 1}[{i}]", "missing-term", z - B[l][i])]  # the bias left out
            if len(W[l]) >= len(prev) and i < len(prev):
                out.append(("forward", f"z{l + 1}[{i}]", "transposed-weight",
                            sum(W[l][j][i] * prev[j] for j in range(len(prev))) + B[l][i]))
            if l > 0:
                out.append(("forward", f"z{l + 1}[{i}]", "used-z-not-a",
                            sum(w * zz for w, zz in zip(W[l][i], m.z[l - 1])) + B[l][i]))
            out += [("forward", f"a{l + 1}[{i}]", "sign", -a), ("forward", f"a{l + 1}[{i}]", "used-z-not-a", z)]
    L = sum(terms)
    out += [("forward", "L", "sign", -L), ("forward", "L", "factor-2", 2 * L), ("forward", "L", "rounding", L * 1.004)]
    if len(terms) > 1:
        out.append(("forward", "L", "missing-term", terms[0]))
    for l in range(n):  # noqa: E741
        for i, d in enumerate(deltas[l]):
            name, z, a, act = f"delta{l + 1}[{i}]", m.z[l][i], m.a[l][i], acts[l]
            out += [("deltas", name, "sign", -d), ("deltas", name, "factor-2", 2 * d),
                    ("deltas", name, "rounding", d * 1.004)]
            if l == n - 1:
                if bce:
                    continue
                err = a - y[i]
            else:
                above = deltas[l + 1]
                err = sum(W[l + 1][k][i] * above[k] for k in range(len(above)))
                fp = {"sigmoid": a * (1 - a), "tanh": 1 - a * a, "relu": float(z > 0)}.get(act, 1.0)
                if len(above) > 1:
                    out.append(("deltas", name, "missing-term", (err - W[l + 1][0][i] * above[0]) * fp))
                if i < len(W[l + 1]) and len(W[l + 1][i]) >= len(above):
                    out.append(("deltas", name, "transposed-weight",
                                sum(W[l + 1][i][k] * above[k] for k in range(len(above))) * fp))
            out.append(("deltas", name, "missing-activation-derivative", err))
            wrong = {"sigmoid": z * (1 - z), "tanh": 1 - z * z}.get(act)
            if wrong is not None:
                out.append(("deltas", name, "derivative-of-wrong-value", err * wrong))
    grads: dict[str, float] = {}
    for l in range(n):  # noqa: E741
        prev = x if l == 0 else m.a[l - 1]
        for i, d in enumerate(deltas[l]):
            for j, p in enumerate(prev):
                name = f"W{l + 1}[{i}][{j}]"
                grads[name] = d * p
                out += [("gradients", name, "sign", -d * p), ("gradients", name, "factor-2", 2 * d * p)]
                if j < len(deltas[l]) and i < len(prev):
                    out.append(("gradients", name, "transposed-weight", deltas[l][j] * prev[i]))
                if l > 0:
                    out.append(("gradients", name, "used-z-not-a", d * m.z[l - 1][j]))
        for i, d in enumerate(deltas[l]):
            grads[f"b{l + 1}[{i}]"] = d
            out += [("gradients", f"b{l + 1}[{i}]", "sign", -d), ("gradients", f"b{l + 1}[{i}]", "factor-2", 2 * d)]
    for name, p in model.named_parameters():
        g = grads[name]
        out += [("updated", name, "update-sign", p.data + lr * g),  # (rounding an update: test_exercise)
                ("updated", name, "missing-learning-rate", p.data - g)]
    return out


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("lr", [0.1, 0.5])
def test_every_slip_at_every_place_gets_its_code(network: str, lr: float) -> None:
    make, x, y, loss = NETWORKS[network]
    model = make()
    acts = {f"delta{k + 1}": layer.activation for k, layer in enumerate(model.layers)}
    right = nn.check_answers(model, x, y, {}, lr=lr, loss=loss)  # the right values, from the report's rows
    full = {s: dict.fromkeys(v) for s, v in nn.check.template(model, lr).items()}
    assert right.rows == [] and full
    planted = _planted(model, x, y, lr, loss)
    smooth = {"sigmoid", "tanh"} & set(acts.values())  # relu's f' is the same from z or a: no wrong value
    expected = set(nn.check.DIAGNOSES) - (set() if smooth else {"derivative-of-wrong-value"})
    assert {code for _s, _n, code, _v in planted} == expected
    tried = 0
    for section, name, code, value in planted:
        report = nn.check_answers(model, x, y, {section: {name: value}}, lr=lr, loss=loss)
        (row,) = report.rows
        if row.verdict == "ok":  # the slip changes nothing here (relu's f' = 1, a linear a = z)
            continue
        tried += 1
        found = (row.diagnosis, *row.also)
        assert code in found, (network, section, name, code, row)
        if code in ("update-sign", "missing-learning-rate"):  # the update's own slip first (zero biases, lr 0.5)
            assert row.diagnosis == code, (network, name, row)
            answers = {"gradients": {name: right.correct_gradients[name]}, section: {name: value}}
            with_gradient = nn.check_answers(model, x, y, answers, lr=lr, loss=loss)
            assert with_gradient.rows[-1].diagnosis == code
            assert "sign of the gradient" not in with_gradient.rows[-1].hint
        if code in ("missing-activation-derivative", "derivative-of-wrong-value"):
            act = acts[name.split("[")[0]]
            assert FPRIME[act] in row.hint, (network, name, row.hint)
            for other, text in FPRIME.items():
                if other != act:
                    assert text not in row.hint, (network, name, row.hint)
    assert tried > 40


def test_two_codes_with_the_same_number_are_both_named() -> None:
    model = nn.MLP(2, [2, 1], rng=0)  # fresh: every bias is 0, so p + lr g = -(p - lr g)
    g = nn.check_answers(model, X, [Y], {}, lr=0.5).correct_gradients["b2[0]"]
    row = nn.check_answers(model, X, [Y], {"updated": {"b2[0]": 0.5 * g}}, lr=0.5).rows[0]
    assert row.diagnosis == "update-sign" and "sign" in row.also
    assert "update-sign or sign of the gradient" in row.hint
    row = nn.check_answers(model, X, [Y], {"updated": {"b2[0]": -g}}, lr=0.5).rows[0]
    assert row.diagnosis == "missing-learning-rate" and "factor-2" in row.also


def test_numpy_and_overflowing_answers() -> None:
    np = pytest.importorskip("numpy")
    row = nn.check_answers(worked(), X, Y, {"deltas": {"delta2[0]": np.float32(-0.0832)}}).rows[0]
    assert row.verdict == "ok" and isinstance(row.yours, float)
    assert nn.check_answers(worked(), X, Y, {"deltas": {"delta2[0]": "-0,0832"}}).rows[0].verdict == "ok"
    with pytest.raises(ValueError, match="too large for a float \\(401 digits"):
        nn.check_answers(worked(), X, Y, {"deltas": {"delta2[0]": 10**400}})
    with pytest.raises(ValueError, match="lr is too large for a float \\(401 digits"):
        nn.check_answers(worked(), X, Y, {}, lr=10**400)


def test_significant_figures_and_bad_entries_graded_one_by_one() -> None:
    report = nn.check_answers(worked(), X, Y, {"forward": {"a1[0]": 0.542, "a1[1]": 0.5}, "deltas": {
        "delta2[0]": "abc"}}, sig=3, strict=False, revealed=["forward/L"])
    assert [(r.name, r.verdict) for r in report.rows] == [("a1[0]", "ok"), ("a1[1]", "wrong"), ("L", "revealed"),
                                                          ("delta2[0]", "unreadable")]
    assert report.tolerance.describe().startswith("3 significant figures") and not report.ok
    assert nn.check_answers(worked(), X, Y, {"forward": {"a1[0]": 0.5423}}, sig=4).rows[0].verdict == "wrong"
    with pytest.raises(ValueError, match="unknown answer 'forward/q'"):
        nn.check_answers(worked(), X, Y, {}, revealed=["forward/q"])


@pytest.mark.usefixtures("requires_dot")
def test_the_command_draws_a_cross_entropy_exercises_network_with_its_own_loss(tmp_path: Path) -> None:
    """``deltagrad exercise --loss cross_entropy``, then ``check --out``: the network view's L is
    the cross-entropy's (0.5775), not the half squared error's (0.2758), as in graph.svg."""
    made = run_cli("exercise", "--seed", "5", "--sizes", "2-2-2", "--loss", "cross_entropy",
                     "--out", str(tmp_path / "ex"))
    assert made.returncode == 0, made.stderr
    answers = json.loads((tmp_path / "ex" / "answers.json").read_text())
    key = json.loads((tmp_path / "ex" / "key.json").read_text())
    answers["deltas"] = dict(key["deltas"])
    answers["deltas"]["delta2[0]"] = 2 * key["deltas"]["delta2[0]"]  # one slip
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    result = run_cli("check", str(tmp_path / "answers.json"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "First mistake: delta2[0]" in result.stdout, result.stdout
    svg = (tmp_path / "out" / "network.svg").read_text()
    assert ">L = 0.5775</text>" in svg and "0.2758" not in svg
    assert ">−ln p[y], &#160;p = softmax(a2)</text>" in svg and "½" not in svg
    assert ">δ = &#45;0.4387</text>" in svg and ">p[1] = 0.4387</text>" in svg  # delta2[0] = p[0] - 1
    assert "0.5775" in (tmp_path / "out" / "graph.svg").read_text()
