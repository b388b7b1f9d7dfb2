"""The Russian pages in headless Chromium: the stepper (and the playground) in Russian and in
the tutorial's notation work as the English ones do, and what they show is Russian, with
decimal commas."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from deltagrad import nn, viz
from deltagrad.autograd import Value, topological_sort
from deltagrad.autograd.notation import using_notation
from deltagrad.i18n import using_language
from tests.browser import load
from tests.catalog import english_word_lines, untranslated_lines, wait_or_fail
from tests.conftest import B1, B2, W1, W2, X, Y

pytestmark = pytest.mark.usefixtures("requires_dot")

_CODE_NAME = re.compile(r"(?<![\w\[/])(?:W|b|z|a|delta)\d+\[\d+\](?:\[\d+\])?")


def _worked() -> tuple[Value, nn.MLP, list[Value], dict[str, float]]:
    model = nn.MLP.from_weights([W1, W2], [B1, B2])
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(X)] + [Value(Y, label="y")]
    loss = nn.half_squared_error(model(data[:2]), data[2])
    loss.backward()
    return loss, model, data, nn.manual_backprop(model, X, Y).reference()


def _open(pg: Any, path: Path, width: int = 1280) -> None:
    pg.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    load(pg, path.as_uri(), "deltagrad")


def _visible_text_is_russian(pg: Any, notation: str) -> None:
    text = pg.evaluate("document.body.innerText")
    assert len(re.findall(r"[а-яё]", text.lower())) > 100, text[:500]
    problems = [f"{line.strip()!r} (like msgid {msgid!r})" for line, msgid in untranslated_lines(text)]
    problems += [f"{line.strip()!r} (the English word {word!r})" for line, word in english_word_lines(text)]
    if notation == "textbook":
        problems += [f"{line.strip()!r} writes a code name" for line in text.splitlines() if _CODE_NAME.search(line)]
    wait_or_fail(problems, "lines of the Russian page still in English (or in code names)")


@pytest.mark.parametrize("notation", ["code", "textbook"])
def test_the_russian_stepper_end_to_end(page: Any, tmp_path: Path, notation: str) -> None:
    loss, model, data, ref = _worked()
    with using_language("ru"), using_notation(notation):
        step = viz.stepper(loss, params=model.parameters(), inputs=data, reference=ref, update=0.1, model=model)
    path = step.save(tmp_path / "backprop.html")
    assert '<html lang="ru">' in path.read_text()
    _open(page, path)
    order = topological_sort(loss)
    steps = page.evaluate("window.deltagrad.steps")
    assert page.inner_text("#play") == "Пуск" and "шаг 0 / " in page.evaluate("document.body.innerText")
    page.evaluate(f"window.deltagrad.go({steps})")  # to the end (test_stepper walks it with the keys)
    state = page.evaluate("window.deltagrad.state()")
    for i, node in enumerate(order):
        assert state[f"n{i}"]["grad"] == node.grad and state[f"n{i}"]["data"] == node.data
    w = "W₁₁⁽¹⁾" if notation == "textbook" else "W1[0][0]"
    explanation = page.inner_text("#explanation")
    assert f"{w} ← {w} − η·dL/d{w} = 0,1 − 0,1 × (−0,006197) = 0,1006197" in explanation, explanation
    _visible_text_is_russian(page, notation)
    page.click("text=Сначала")
    assert page.evaluate("window.deltagrad.step") == 0
    page.click("#play")  # the button's two names (test_stepper times Play and Pause)
    assert page.inner_text("#play") == "Пауза"
    page.keyboard.press(" ")
    assert page.inner_text("#play") == "Пуск"
    assert page.errors == [] and page.blocked == []


def test_the_russian_quiz_takes_a_decimal_comma(page: Any, tmp_path: Path) -> None:
    loss, model, data, _ = _worked()
    with using_language("ru"):
        path = viz.stepper(loss, model=model, inputs=data, quiz=True).save(tmp_path / "quiz.html")
    _open(page, path, width=390)
    steps = page.evaluate("window.deltagrad.steps")
    stopped = page.evaluate(f"window.deltagrad.go({steps})")
    assert stopped < steps
    found = page.evaluate("JSON.parse(document.getElementById('deltagrad-data').textContent)")
    asked = found["steps"][stopped - 1]["quiz"]
    assert page.evaluate("window.deltagrad.answer('12345')")["verdict"] == "wrong"
    typed = asked["text"].replace(".", ",")
    assert page.evaluate(f"window.deltagrad.answer({json.dumps(typed)})")["verdict"] == "right"
    assert page.evaluate("window.deltagrad.state()")[asked["key"]]["grad"] == asked["value"]
    _visible_text_is_russian(page, "code")
    assert page.errors == []


@pytest.mark.parametrize("notation", ["code", "textbook"])
def test_the_russian_practice_page_end_to_end(page: Any, tmp_path: Path, notation: str) -> None:
    from deltagrad.autograd.text import significant
    from deltagrad.nn.exercise import Exercise

    api = "window.deltagrad_practice"
    ex = Exercise([W1, W2], [B1, B2], X, Y, 0.1, id=f"ru-{notation}")
    with using_language("ru"), using_notation(notation):
        path = viz.practice(ex, student="s1").save(tmp_path / "practice.html")
    assert '<html lang="ru">' in path.read_text()
    page.set_viewport_size({"width": 1440, "height": 900})
    load(page, path.as_uri(), "deltagrad_practice")
    questions = page.evaluate(f"{api}.questions")
    assert questions[0] == "forward/z1[0]" and len(questions) == 28  # the keys stay identifiers
    expected = ex.expected()

    def answer_all(keys: list[str]) -> None:  # typed with the decimal comma, in one call to the page
        typed = [significant(expected[k.split("/")[0]][k.split("/", 1)[1]], 4).replace(".", ",") for k in keys]
        results = page.evaluate(f"(texts) => texts.map((t) => {api}.answer(t))", typed)
        for key, result in zip(keys, results, strict=True):
            assert result["verdict"] == "right", key

    answer_all(questions[: questions.index("deltas/delta1[0]")])
    # a hidden delta without f'(z): the slip is named in Russian, and the value is not shown
    right, slips = ex.slips()[("deltas", "delta1[0]")]
    slip = next(s for s in slips if s.code == "missing-activation-derivative")
    result = page.evaluate(f"{api}.answer({json.dumps(repr(slip.value))})")
    assert (result["verdict"], result["code"]) == ("wrong", "missing-activation-derivative"), result
    assert re.search(r"[а-яё]{4}", result["message"].lower()) and significant(right, 6) not in result["message"]
    answer_all(questions[questions.index("deltas/delta1[0]"):])
    assert page.evaluate(f"{api}.current()") is None and page.locator("#end").is_visible()
    state = page.evaluate(f"{api}.state()")
    assert state["deltas/delta1[0]"]["tries"] == 2 and all(v["verdict"] == "right" for v in state.values())
    assert page.errors == [] and page.blocked == []
    _visible_text_is_russian(page, notation)


# A number written with a decimal point: "0.5305", "-1.7e-18" (not W1[0][1], not "dL/dw.").
_DECIMAL_POINT = re.compile(r"\d\.\d")
_TITLES = "[...document.querySelectorAll('#network title')].map((t) => t.textContent)"


def _play(pg: Any, path: Path, width: int) -> None:
    pg.set_viewport_size({"width": width, "height": 900})
    load(pg, path.as_uri(), "deltagrad_play")


def _readout(pg: Any) -> dict[str, str]:
    return dict(zip(pg.locator("#readout dt, #accuracy dt").all_inner_texts(),
                    pg.locator("#readout dd, #accuracy dd").all_inner_texts()))


def test_the_russian_playground_writes_decimal_commas(page: Any, tmp_path: Path) -> None:
    """Every number the Russian playground shows has the decimal comma (readout, panels, tooltips,
    the fields); lists take "; "; the page's interface still answers with numbers."""
    from deltagrad.autograd.text import significant

    Xm, Ym = nn.datasets.moons(60, rng=0)
    with using_language("ru"):
        play = viz.playground(nn.MLP(2, [4, 1], "tanh", "sigmoid", rng=0), Xm, [float(v) for v in Ym], lr=0.5)
    path = play.save(tmp_path / "play-ru.html")
    for width in (1440, 390):
        _play(page, path, width)
        page.evaluate("window.deltagrad_play.train(30)")
        state = page.evaluate("window.deltagrad_play.state()")
        assert isinstance(state["loss"], float) and state["lr"] == 0.5
        text = page.evaluate("document.body.innerText")
        assert not _DECIMAL_POINT.findall(text), _DECIMAL_POINT.findall(text)
        with using_language("ru"):
            assert _readout(page)["функция потерь L"] == significant(state["loss"])
            assert _readout(page)["средняя функция потерь по набору данных"] == significant(state["mean_loss"])
        assert re.fullmatch(r"\d+,\d%", _readout(page)["точность на обучающих данных"])
        assert "эпоха 30" in text and re.search(r"= -?\d,\d+", page.inner_text("#explain"))
        titles = page.evaluate(_TITLES)
        assert all(not _DECIMAL_POINT.search(t) for t in titles), titles
        assert re.fullmatch(r"z1\[0\] = \S+; a1\[0\] = \S+; δ = \S+", titles[2]), titles[2]  # a list: "; "
        page.hover("#network path.hit >> nth=0", force=True)
        tip = page.inner_text("#tooltip")
        assert re.search(r"\d,\d", tip) and not _DECIMAL_POINT.search(tip), tip
        fields = [page.input_value(f) for f in ("#lr", "#x0", "#x1", "#edit-value")]
        assert fields[0] == "0,5" and all(not _DECIMAL_POINT.search(f) for f in fields), fields
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the tooltip stays inside
    assert page.errors == [] and page.blocked == []


def test_the_russian_playground_takes_typed_decimal_commas(page: Any, tmp_path: Path) -> None:
    """The learning rate, a weight and an input typed with the decimal comma are taken, and
    a step trains with them: p <- p - lr * dL/dp, as Python computes it."""
    with using_language("ru"):
        play = viz.playground(nn.MLP.from_weights([W1, W2], [B1, B2]), X, Y, lr=0.1)
    _play(page, play.save(tmp_path / "play-ru.html"), 390)
    page.fill("#lr", "0,5")
    page.press("#lr", "Enter")
    assert page.evaluate("window.deltagrad_play.state()")["lr"] == 0.5 and page.is_hidden("#message")
    page.fill("#edit-value", "0,25")  # W1[0][1] is selected at first
    page.press("#edit-value", "Enter")
    page.fill("#x0", "−0,75")  # the typographic minus, too
    page.press("#x0", "Enter")
    before = page.evaluate("window.deltagrad_play.state()")
    assert before["params"]["W1[0][1]"]["value"] == 0.25 and before["inputs"][0] == -0.75
    page.click("#step")
    after = page.evaluate("window.deltagrad_play.state()")
    assert after["epoch"] == 1
    for name, p in before["params"].items():
        assert after["params"][name]["value"] == p["value"] - 0.5 * p["grad"], name
    page.fill("#lr", "0.5.5")
    page.press("#lr", "Enter")
    assert "0.5.5" in page.inner_text("#message") and page.evaluate("window.deltagrad_play.state()")["lr"] == 0.5
    assert page.errors == [] and page.blocked == []


def test_the_english_playground_keeps_its_decimal_points(page: Any, tmp_path: Path) -> None:
    from deltagrad.autograd.text import significant

    with using_language("en"):
        play = viz.playground(nn.MLP.from_weights([W1, W2], [B1, B2]), X, Y, lr=0.1)
    _play(page, play.save(tmp_path / "play-en.html"), 1440)
    state = page.evaluate("window.deltagrad_play.state()")
    assert _readout(page)["loss L"] == significant(state["loss"]) and "." in significant(state["loss"])
    assert "= (-0.01239) · (-0.2) = 0.002479" in page.inner_text("#explain")
    assert page.input_value("#lr") == "0.1"
    assert page.evaluate(_TITLES)[2] == "z1[0] = {}, a1[0] = {}, δ = {}".format(
        *(significant(state["neurons"]["z1[0]"][k]) for k in ("z", "a", "delta")))
    page.fill("#lr", "0,5")  # the comma is taken in English too
    page.press("#lr", "Enter")
    assert page.evaluate("window.deltagrad_play.state()")["lr"] == 0.5
    assert page.errors == []


def test_the_russian_sheet_picture_has_a_russian_tooltip(tmp_path: Path) -> None:
    """The problem sheet's network picture: its hover text in Russian, and any text put there
    stays text through DOT and the SVG."""
    import xml.etree.ElementTree as ET

    from deltagrad.nn.exercise import Exercise
    from deltagrad.viz.dot import pipe
    from deltagrad.viz.sheet import _dot_quoted, network_svg, problem_network

    ex = Exercise([W1, W2], [B1, B2], X, Y, 0.1, id="ru-tooltip")
    with using_language("ru"):
        assert 'tooltip="упражнение"' in problem_network(ex)
        assert 'xlink:title="упражнение"' in network_svg(ex)
    assert 'tooltip="exercise"' in problem_network(ex)
    hostile = 'a"b\\N c&lt; <x> & </title><script>'
    svg = pipe(f'digraph g {{ graph [tooltip="{_dot_quoted(hostile)}"]; a; }}', "svg")
    titles = [v for e in ET.fromstring(svg).iter() for k, v in e.attrib.items() if k.endswith("}title")]
    assert titles == [hostile]
