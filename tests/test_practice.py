"""viz.practice: the practice page, in headless Chromium (the network blocked), and its command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deltagrad import nn, viz
from deltagrad.autograd.text import significant
from deltagrad.nn.exercise import Exercise
from tests.browser import load
from tests.conftest import B1, B2, ETA, W1, W2, X, Y, assert_one_line_error, run_cli
from tests.planting import plantable

API = "window.deltagrad_practice"
TEN = [c for c in nn.check.DIAGNOSES if c != "missing-one-hot"]


def worked() -> Exercise:
    return Exercise([W1, W2], [B1, B2], X, Y, ETA, id="worked")


def open_page(page: Any, ex: Exercise, tmp_path: Path, name: str = "practice.html") -> Path:
    path = viz.practice(ex, student="s1").save(tmp_path / name)
    load(page, path.as_uri(), "deltagrad_practice")
    return path


def typed(value: float, digits: int = 4) -> str:
    return significant(value, digits)


def answer_all(page: Any, texts: list[str]) -> list[dict[str, Any]]:
    """Each text typed as the answer to the question then asked, in order, in one call to the
    page (a round trip per answer is most of such a test's time): for each, the question it
    answered (``asked``) and the page's result."""
    return page.evaluate(f"(texts) => texts.map((t) => ({{asked: {API}.current(), result: {API}.answer(t)}}))",
                         texts)  # type: ignore[no-any-return]


def test_the_worked_example_all_the_way_at_four_figures(page: Any, tmp_path: Path, requires_dot: None) -> None:
    ex = worked()
    open_page(page, ex, tmp_path)
    questions = page.evaluate(f"{API}.questions")
    assert questions[:3] == ["forward/z1[0]", "forward/a1[0]", "forward/z1[1]"]
    assert questions[6:8] == ["forward/L", "deltas/delta2[0]"] and questions[-1] == "updated/b2[0]"
    assert "gradients/W1[0][0]" in questions and "updated/W1[0][0]" in questions and len(questions) == 28
    expected = ex.expected()
    said = answer_all(page, [typed(expected[key.split("/")[0]][key.split("/", 1)[1]]) for key in questions])
    for key, got in zip(questions, said, strict=True):
        assert got["asked"] == key
        assert got["result"]["verdict"] == "right", (key, got["result"])
    assert page.evaluate(f"{API}.current()") is None
    state = page.evaluate(f"{API}.state()")
    assert all(v["verdict"] == "right" and v["tries"] == 1 for v in state.values())
    assert page.locator("#end").is_visible() and "Right the first time: 28" in page.inner_text("#end-summary")
    assert page.get_attribute("#stepper-link", "href") == "stepper.html"
    with page.expect_download() as download:  # the button saves what export() returns
        page.click("#download")
    saved = tmp_path / "downloaded.json"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "answers.json"
    assert json.loads(saved.read_text()) == page.evaluate(f"{API}.export()")
    assert "z1[0] = 0.17" in page.inner_text("#picture") and "δ1[1] = 0.00206894" in page.inner_text("#picture")
    assert page.errors == [] and page.blocked == []


def test_each_planted_slip_is_named(page: Any, tmp_path: Path, requires_dot: None) -> None:
    seen: set[str] = set()
    for ex in (Exercise.generate(21), Exercise.generate(22, (3, 3, 2), "tanh")):
        open_page(page, ex, tmp_path, f"p{ex.id}.html")
        table = ex.slips()
        for key in page.evaluate(f"{API}.questions"):
            section, name = key.split("/", 1)
            right = table[(section, name)][0]
            planted = []
            for s, value in plantable(ex, table, section, name, skip=seen):  # reads `seen` as it goes
                planted.append((s, value))
                seen.add(s.code)
            said = answer_all(page, [repr(value) for _, value in planted] + [repr(right)])
            for (s, _value), got in zip(planted, said, strict=False):
                result = got["result"]
                assert got["asked"] == key and (result["verdict"], result["code"]) == ("wrong", s.code), (key, s, got)
                assert significant(right, 6) not in result["message"]  # the slip, never the value
            assert said[-1]["asked"] == key
    assert seen == set(TEN)


def test_three_wrong_answers_then_reveal_and_a_reload_keeps_it(page: Any, tmp_path: Path,
                                                                requires_dot: None) -> None:
    ex = worked()
    path = open_page(page, ex, tmp_path)
    page.evaluate(f"{API}.answer('0.17')")
    assert not page.locator("#show").is_visible()
    for k in range(3):
        page.fill("#answer", "0.9")
        page.keyboard.press("Enter")
        assert page.locator("#hint").is_visible() == (k >= 1)  # the formula from the second try
    assert page.locator("#show").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#hint").is_visible()
    page.click("#show")
    state = page.evaluate(f"{API}.state()")
    assert state["forward/a1[0]"] == {"answer": 0.9, "verdict": "revealed", "tries": 3}
    assert "0.542398" in page.inner_text("#feedback")
    assert page.evaluate(f"{API}.answer('zzz')")["message"] == "not a number: zzz"
    assert page.evaluate(f"{API}.state()")["forward/z1[1]"]["tries"] == 0  # no try
    load(page, path.as_uri(), "deltagrad_practice")  # reload: the progress is kept
    assert page.evaluate(f"{API}.current()") == "forward/z1[1]"
    assert page.evaluate(f"{API}.state()")["forward/a1[0]"]["verdict"] == "revealed"

    def accept(dialog: Any) -> None:
        dialog.accept()

    page.once("dialog", accept)
    try:
        page.click("#restart")
    finally:
        page.remove_listener("dialog", accept)  # the process's page: the next test's dialogs are dismissed
    assert page.evaluate(f"{API}.current()") == "forward/z1[0]"


def test_export_gives_check_the_pages_verdicts(page: Any, tmp_path: Path, requires_dot: None) -> None:
    ex = Exercise.generate(5)
    open_page(page, ex, tmp_path)
    expected = ex.expected()
    verdicts: dict[str, str] = {}
    for i, key in enumerate(page.evaluate(f"{API}.questions")[:12]):
        section, name = key.split("/", 1)
        if i == 3:
            for _k in range(3):
                page.evaluate(f"{API}.answer('12')")
            verdicts[key] = page.evaluate(f"{API}.reveal()")["verdict"]
            continue
        if i == 5:
            page.evaluate(f"{API}.answer({json.dumps(repr(-expected[section][name]))})")  # a sign slip
        verdicts[key] = page.evaluate(f"{API}.answer({json.dumps(typed(expected[section][name]).replace('.', ','))})")[
            "verdict"]
    answers = page.evaluate(f"{API}.export()")
    assert answers["problem"] == ex.to_dict() and answers["student"] == "s1"
    assert answers["revealed"] == [page.evaluate(f"{API}.questions")[3]]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    report = ex.check({k: v for k, v in answers.items() if k not in ("problem", "student", "revealed")},
                      revealed=answers["revealed"])
    page_verdict = {"right": "ok", "revealed": "revealed"}
    assert {f"{r.section}/{r.name}": r.verdict for r in report.rows} == {
        k: page_verdict[v] for k, v in verdicts.items()}
    result = run_cli("check", str(path))
    assert result.returncode == 1 and "revealed" in result.stdout
    graded = run_cli("grade", str(path), "--json", str(tmp_path / "r.json"))
    assert graded.returncode == 0
    row = json.loads((tmp_path / "r.json").read_text())["rows"][0]
    assert row["code"] == "revealed" and row["first_mistake"] == answers["revealed"][0].split("/")[1]


def test_typed_markup_stays_text_and_the_network_stays_blocked(page: Any, tmp_path: Path,
                                                               requires_dot: None) -> None:
    ex = worked()
    open_page(page, ex, tmp_path)
    page.evaluate("window.__pwned = 0")
    evil = "<img src=x onerror=window.__pwned=1>"
    page.fill("#answer", evil)
    page.keyboard.press("Enter")
    assert page.inner_text("#feedback").startswith("not a number: <img")
    assert page.evaluate("window.__pwned") == 0 and page.locator("#feedback img").count() == 0
    assert page.evaluate(f"{API}.answer('0,5424')")["verdict"] == "wrong"  # z1[0] asked first
    assert page.evaluate(f"{API}.answer('0,17')")["verdict"] == "right"
    assert page.evaluate(f"{API}.answer('0,5424')")["verdict"] == "right"
    assert page.blocked == [] and page.errors == []
    html = viz.practice(ex).html
    assert "<script src" not in html and "<link" not in html and "http://" not in html.replace(
        "http://www.w3.org", "")


def test_a_users_labels_stay_text(page: Any, tmp_path: Path, requires_dot: None) -> None:
    ex = Exercise([W1, W2], [B1, B2], X, Y, ETA, id="<img src=x onerror=window.__pwned=1></script>")
    path = viz.practice(ex, student="<b>bold</b>").save(tmp_path / "label.html")
    with page.add_init_script("window.__pwned = 0"):  # removed at the end: the page is the process's
        load(page, path.as_uri(), "deltagrad_practice")
        assert page.inner_text("#exercise-id") == ex.id and "<b>bold</b>" in page.inner_text("#who")
        assert page.evaluate("window.__pwned") == 0 and page.locator("header img, header b").count() == 0
        assert page.evaluate(f"{API}.export()")["student"] == "<b>bold</b>"


def test_keyboard_only_and_labels(page: Any, tmp_path: Path, requires_dot: None) -> None:
    open_page(page, worked(), tmp_path)
    assert page.evaluate("document.activeElement.id") == "answer"
    assert page.get_attribute("label[for=answer]", "id") == "answer-label"
    page.keyboard.type("0.17")
    page.keyboard.press("Enter")
    assert page.evaluate(f"{API}.current()") == "forward/a1[0]"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "check"
    for button in page.locator("button:visible").all():
        assert button.inner_text().strip(), "every button has a visible label"


def test_disabled_storage_leaves_the_page_working(page: Any, tmp_path: Path, requires_dot: None) -> None:
    path = viz.practice(worked()).save(tmp_path / "p.html")
    with page.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new Error('off'); }})"):
        load(page, path.as_uri(), "deltagrad_practice")
        assert page.evaluate(f"{API}.answer('0.17')")["verdict"] == "right"
        assert page.locator("#storage").is_visible() and "does not let the page save" in page.inner_text("#storage")


@pytest.mark.parametrize("width", [390, 1440])
def test_screens(page: Any, tmp_path: Path, width: int, requires_dot: None) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    load(page, viz.practice(Exercise.generate(3, (3, 3, 2), "tanh")).save(tmp_path / "p.html").as_uri(),
         "deltagrad_practice")
    page.evaluate(f"{API}.answer('1')")
    body = page.evaluate("document.documentElement.scrollWidth")
    assert body <= width  # the page itself never scrolls sideways (the picture may, in its frame)
    box = page.locator("#answer").bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    page.screenshot(path=str(tmp_path / f"practice-{width}.png"), full_page=True)
    assert page.errors == []


def test_bad_exercises_are_refused() -> None:
    big = Exercise([[[0.1] * 2] * 4, [[0.1] * 4]], [[0.1] * 4, [0.1]], [0.1, 0.2], [1.0], 0.1)
    with pytest.raises(ValueError, match="up to 3-3-2"):
        viz.practice(big)
    with pytest.raises(TypeError, match="expected an nn.Exercise"):
        viz.practice(nn.MLP(2, [2, 1]))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Exercise([[[float("nan"), 0.1]] * 2, [[0.1] * 2]], [[0.1] * 2, [0.1]], [0.1, 0.2], [1.0], 0.1)


def test_the_practice_command(tmp_path: Path) -> None:
    result = run_cli("practice", "--seed", "3", "--out", str(tmp_path / "p"))
    assert result.returncode == 0 and result.stdout.strip().endswith("practice.html")
    page = (tmp_path / "p" / "practice.html").read_text()
    assert "deltagrad_practice" in page and json.dumps(Exercise.generate(3).id) in page
    assert "Watch the same network" in page and (tmp_path / "p" / "stepper.html").exists()
    assert run_cli("exercise", "--seed", "3", "--html", "--out", str(tmp_path / "e")).returncode == 0
    assert (tmp_path / "e" / "practice.html").exists() and (tmp_path / "e" / "stepper.html").exists()
    assert_one_line_error(run_cli("practice", "--sizes", "4-4-4"), "up to 3-3-2")
