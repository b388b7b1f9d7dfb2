"""deltagrad exercise, check on a file with its problem, check --hints, and deltagrad grade."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from deltagrad.nn.check import DIAGNOSES
from deltagrad.nn.exercise import Exercise
from tests.conftest import assert_one_line_error, run_cli
from tests.planting import plantable


def filled(ex: Exercise, student: str | None, change: dict[str, dict[str, object]] | None = None) -> dict:
    """An answers file with every right value, then ``change`` applied."""
    data: dict = {"problem": ex.to_dict(), "student": student, **ex.expected()}
    for section, values in (change or {}).items():
        for name, value in values.items():
            if value is None:
                data[section][name] = None
            else:
                data[section][name] = value
    return data


def test_exercise_writes_the_sheet_the_answers_file_and_the_key(tmp_path: Path) -> None:
    out = tmp_path / "ex"
    result = run_cli("exercise", "--seed", "7", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["answers.json", "key.html", "key.json", "problem.html"]
    answers = json.loads((out / "answers.json").read_text())
    assert list(answers) == ["problem", "student", "forward", "deltas", "gradients", "updated"]
    assert answers["student"] is None and Exercise.from_dict(answers["problem"]) == Exercise.generate(7)
    assert all(v is None for s in ("forward", "deltas", "gradients", "updated") for v in answers[s].values())
    key = json.loads((out / "key.json").read_text())
    assert key["deltas"] == Exercise.generate(7).expected()["deltas"]
    page = (out / "problem.html").read_text()
    assert "@page" in page and "z1[0] = ?" in page or "Graphviz" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    for value in Exercise.generate(7).expected()["deltas"].values():  # the sheet gives no answer away
        assert f"{value:.6g}" not in page


def test_a_roster_gives_one_folder_per_student_and_a_key(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nivanov,Иван Иванов\n../x,Hacker\nanna smith,Anna\nпетров,Пётр\n", encoding="utf-8")
    out = tmp_path / "class"
    assert run_cli("exercise", "--students", str(roster), "--seed", "2026", "--out", str(out)).returncode == 0
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert "ivanov" in folders and "петров" in folders and len(folders) == 4
    assert all(".." not in f and "/" not in f for f in folders)
    assert not (tmp_path / "x").exists()  # ../x stayed inside
    for folder in folders:
        assert sorted(p.name for p in (out / folder).iterdir()) == ["answers.json", "problem.html"]
    rows = list(csv.DictReader((out / "key.csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["ivanov", "../x", "anna smith", "петров"]
    ivanov = json.loads((out / "ivanov" / "answers.json").read_text())
    assert ivanov["student"] == "ivanov"
    assert Exercise.from_dict(ivanov["problem"]) == Exercise.generate("2026/ivanov")
    assert float(rows[0]["deltas/delta2[0]"]) == Exercise.generate("2026/ivanov").expected()["deltas"]["delta2[0]"]
    # adding a student changes nobody else's problem
    roster.write_text("id\nivanov\nsidorov\n../x\nanna smith\nпетров\n", encoding="utf-8")
    assert run_cli("exercise", "--students", str(roster), "--seed", "2026", "--out", str(out)).returncode == 0
    assert json.loads((out / "ivanov" / "answers.json").read_text())["problem"] == ivanov["problem"]


@pytest.mark.parametrize("content, message", [
    ("id\na\nb\na\n", "duplicate id 'a'"),
    ("name\nx\n", "no id column"),
    ("id\n\n,\n", "lists no student"),
    ("id,name\n,Bob\n", "row 2 has no id"),
])
def test_bad_rosters_are_refused_with_one_line(tmp_path: Path, content: str, message: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(content)
    assert_one_line_error(run_cli("exercise", "--students", str(roster), "--out", str(tmp_path / "o")), message)


def test_check_reads_the_problem_from_the_file_and_hints_hide_every_value(tmp_path: Path) -> None:
    ex = Exercise.generate(5, (3, 3, 2), "tanh")
    right = ex.expected()
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(filled(ex, "s1", {"deltas": {"delta1[0]": -right["deltas"]["delta1[0]"]},
                                                 "gradients": {"b1[0]": None}})))  # (it equals delta1[0])
    result = run_cli("check", str(path))
    assert result.returncode == 1 and "First mistake: delta1[0]" in result.stdout and "sign" in result.stdout
    hints = run_cli("check", str(path), "--hints")
    assert hints.returncode == 1 and "delta1[0]" in hints.stdout and "sign" in hints.stdout
    wrong_one = ex.expected()["deltas"]["delta1[0]"]
    assert f"{wrong_one:.6g}" in result.stdout and f"{wrong_one:.6g}" not in hints.stdout  # the key stays hidden
    assert "correct" not in hints.stdout.splitlines()[0]
    assert_one_line_error(run_cli("check", str(path), "--weights", str(path)), "holds its own problem")


def _class(folder: Path) -> dict[str, str]:
    """30 answer files: right, partly wrong, unreadable, Cyrillic ids; returns id -> expected status."""
    folder.mkdir()
    want: dict[str, str] = {}
    slip_ex = Exercise.generate("c/slips")
    right = slip_ex.expected()
    for k in range(10):  # all right
        ex = Exercise.generate(f"c/{k}")
        (folder / f"right{k}.json").write_text(json.dumps(filled(ex, f"ученик{k}")), encoding="utf-8")
        want[f"ученик{k}"] = "graded"
    d2 = right["deltas"]["delta2[0]"]
    for k in range(8):  # the hidden delta's f'(z) dropped: the deltas after it follow
        data = filled(slip_ex, f"wrong{k}")
        model = slip_ex.model()
        w = model.weights()[1][0]
        for i in range(2):  # and the rest computed right from them
            d1 = w[i] * d2
            data["deltas"][f"delta1[{i}]"] = d1
            for name, g in ((f"W1[{i}][0]", d1 * slip_ex.x[0]), (f"W1[{i}][1]", d1 * slip_ex.x[1]), (f"b1[{i}]", d1)):
                data["gradients"][name] = g
                p = dict(model.named_parameters())[name].data
                data["updated"][name] = p - slip_ex.lr * g
        (folder / f"wrong{k}.json").write_text(json.dumps(data))
        want[f"wrong{k}"] = "graded"
    for k in range(4):  # a sign in the update, one answer missing, one a string with a comma
        data = filled(slip_ex, f"update{k}")
        g = right["gradients"]["b2[0]"]
        data["updated"]["b2[0]"] = slip_ex.biases[1][0] + slip_ex.lr * g
        data["forward"]["L"] = None
        data["forward"]["z1[0]"] = str(right["forward"]["z1[0]"]).replace(".", ",")
        (folder / f"update{k}.json").write_text(json.dumps(data))
        want[f"update{k}"] = "graded"
    sub = folder / "more"
    sub.mkdir()
    bad = {"notjson": b"{ not json", "latin1": '{"student": "é"}'.encode("latin-1"),
           "deep": b"[" * 50 + b"]" * 50, "big": b'{"x": "' + b"a" * (1024 * 1024) + b'"}',
           "version": json.dumps({**filled(slip_ex, "v"), "problem": {**slip_ex.to_dict(), "version": 9}}).encode(),
           "nan": json.dumps(filled(slip_ex, "n")).replace('"weights": [[[', '"weights": [[[NaN, ', 1).encode(),
           "sizes": json.dumps({"problem": {**slip_ex.to_dict(), "weights": [[[0.1] * 2] * 17, [[0.1] * 17]],
                                            "biases": [[0.1] * 17, [0.1]], "sizes": None}}).encode(),
           "plain": json.dumps({"deltas": {"delta2[0]": 0.1}}).encode()}
    for name, content in bad.items():
        (sub / f"{name}.json").write_bytes(content)
        want[name] = "unreadable"
    return want


def test_grade_a_class_of_thirty(tmp_path: Path) -> None:
    want = _class(tmp_path / "class")
    assert len(want) == 30
    out = tmp_path / "out"
    result = run_cli("grade", str(tmp_path / "class"), "--csv", str(out / "grades.csv"), "--json",
                     str(out / "report.json"), "--summary")
    assert result.returncode == 1  # some files were unreadable
    rows = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "file", "status", "forward", "deltas", "gradients", "updated", "total",
                             "first_mistake", "code"]
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == 30 and set(by_id) == set(want)
    for sid, status in want.items():
        assert by_id[sid]["status"].split(":")[0] == status, by_id[sid]
    assert by_id["ученик3"]["total"] == "100.0" and by_id["ученик3"]["first_mistake"] == ""
    # 2-2-1: 7 forward, 3 deltas, 9 gradients, 9 updated = 28 answers
    wrong = by_id["wrong0"]
    assert (wrong["first_mistake"], wrong["code"]) == ("delta1[0]", "missing-activation-derivative")
    assert wrong["deltas"] == f"{100 / 3:.1f}"  # delta2 right, both hidden deltas wrong
    # gradients W1 (4) and b1 (2) follow from the wrong deltas: half credit; updates of W1, b1 follow too
    assert wrong["gradients"] == f"{100 * (3 + 6 * 0.5) / 9:.1f}" and wrong["updated"] == wrong["gradients"]
    assert wrong["total"] == f"{100 * (7 + 1 + 6 + 6) / 28:.1f}"
    update = by_id["update0"]
    assert (update["first_mistake"], update["code"]) == ("b2[0]", "update-sign")
    assert update["forward"] == f"{100 * 6 / 7:.1f}"  # L missing; z1[0] given as "0,17"-style text is right
    assert "no embedded problem" in by_id["plain"]["status"]
    assert "version 9" in by_id["version"]["status"] and "more than 1,048,576 bytes" in by_id["big"]["status"]
    assert "nested" in by_id["deep"]["status"] and "UTF-8" in by_id["latin1"]["status"]
    assert "at most 16" in by_id["sizes"]["status"]
    report = json.loads((out / "report.json").read_text())
    assert report["policy"]["follows_credit"] == 0.5 and report["policy"]["missing"] == 0.0
    assert report["summary"] == {"missing-activation-derivative": {"students": 8, "first_at": "delta1[0]"},
                                 "update-sign": {"students": 4, "first_at": "b2[0]"}}
    assert "missing-activation-derivative: 8 of 22 students, first at delta1[0]" in result.stdout
    row = next(r for r in report["rows"] if r["id"] == "update1")
    verdicts = {(a["section"], a["name"]): a["verdict"] for a in row["answers"]}
    assert verdicts[("forward", "L")] == "missing" and row["missing"] == ["forward/L"]
    assert verdicts[("updated", "b2[0]")] == "wrong"


def test_grade_policy_flags_exit_codes_and_revealed(tmp_path: Path) -> None:
    ex = Exercise.generate(1)
    path = tmp_path / "a.json"
    data = filled(ex, "r", {"forward": {"a1[0]": [1]}})
    data["revealed"] = ["deltas/delta2[0]"]
    path.write_text(json.dumps(data))
    report = tmp_path / "r.json"
    result = run_cli("grade", str(path), "--sig", "2", "--follows-credit", "0", "--json", str(report))
    assert result.returncode == 0, result.stderr  # every file read, though answers are wrong
    data = json.loads(report.read_text())
    assert data["policy"]["sig"] == 2 and data["policy"]["follows_credit"] == 0.0
    verdicts = {a["name"]: a["verdict"] for a in data["rows"][0]["answers"]}
    assert verdicts["a1[0]"] == "unreadable" and verdicts["delta2[0]"] == "revealed"
    assert data["rows"][0]["first_mistake"] == "delta2[0]" and data["rows"][0]["code"] == "revealed"
    assert_one_line_error(run_cli("grade", str(tmp_path / "nowhere")), "no such file or folder")
    assert_one_line_error(run_cli("grade", str(path), "--follows-credit", "2"), "expected a number in [0, 1]")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(run_cli("grade", str(empty)), "no answer files")


def test_grade_names_each_of_the_ten_slips(tmp_path: Path) -> None:
    """Each slip planted in a generated 2-2-1, a 3-3-2 tanh and a BCE variant: grade names it."""
    folder = tmp_path / "slips"
    folder.mkdir()
    planted: dict[str, str] = {}
    for kind, ex in (("221", Exercise.generate(21)), ("332", Exercise.generate(22, (3, 3, 2), "tanh")),
                     ("bce", Exercise.generate(23, loss="binary_cross_entropy"))):
        table = ex.slips()
        done: set[str] = set()
        for section, name in table:
            for s, value in plantable(ex, table, section, name, skip=done):
                done.add(s.code)
                data = filled(ex, f"{kind}-{s.code}", {section: {name: value}})
                (folder / f"{kind}-{s.code}.json").write_text(json.dumps(data))
                planted[f"{kind}-{s.code}"] = s.code
        assert done == set(DIAGNOSES) - {"missing-one-hot"}, (kind, done)  # the ten (one-hot: softmax only)
    out = tmp_path / "g.csv"
    assert run_cli("grade", str(folder), "--csv", str(out)).returncode == 0
    for row in csv.DictReader(out.open()):
        assert row["code"] == planted[row["id"]], row


def test_grade_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    want = _class(tmp_path / "class")
    assert want
    result = run_cli("grade", str(tmp_path / "class"), "--plot", str(tmp_path / "p"))
    assert result.returncode == 1 and (tmp_path / "p" / "mistakes.png").read_bytes()[:4] == b"\x89PNG"


def test_check_out_draws_the_update_and_the_tolerance(tmp_path: Path, requires_dot: None) -> None:
    ex = Exercise.generate(7)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(filled(ex, None)))
    result = run_cli("check", str(path), "--out", str(tmp_path / "pics"))
    assert result.returncode == 0, result.stderr
    network = (tmp_path / "pics" / "network.dot").read_text()
    assert "new: yours" in network and "answers checked to 3 significant figures" in network
    graph = (tmp_path / "pics" / "graph.dot").read_text()
    assert "right, to 3 significant figures" in graph and "(1e-9)" not in graph


def test_the_problem_sheet_prints_on_one_a4_page(tmp_path: Path, page, requires_dot) -> None:  # type: ignore[no-untyped-def]
    from deltagrad.viz import sheet

    page_path = sheet.problem_sheet(Exercise.generate(7), student="Иван").save(tmp_path / "problem.html")
    page.goto(page_path.as_uri())
    pdfinfo = shutil.which("pdfinfo")
    for fmt in ("A4", "Letter"):
        pdf = page.pdf(format=fmt)
        assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page/") >= 1
        target = tmp_path / f"problem-{fmt}.pdf"
        target.write_bytes(pdf)
        if pdfinfo is not None:
            info = subprocess.run([pdfinfo, str(target)], capture_output=True, text=True, timeout=60).stdout
            assert "Pages:           1" in info, info
    # nothing cut off: every blank is inside the printed width
    width = page.evaluate("document.querySelector('.sheet').scrollWidth")
    assert width <= page.evaluate("document.documentElement.clientWidth")


def test_the_russian_sheet_and_key_have_no_english(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every text of the sheet and the key is the catalog's: the section headings, the loss's
    name, the rules; the numbers with the decimal comma and "; " between them."""
    from deltagrad.i18n import using_language
    from deltagrad.viz import sheet
    from tests.catalog import english_word_lines, untranslated_lines

    ex = Exercise.generate(7)
    with using_language("ru"):
        sheets = {"problem": sheet.problem_sheet(ex, student="Иван"), "key": sheet.key_sheet(ex, student="Иван")}
    for name, made in sheets.items():
        page.goto(made.save(tmp_path / f"{name}.html").as_uri())
        text = page.inner_text("main")
        assert untranslated_lines(text) == [] and english_word_lines(text) == [], name
        assert page.eval_on_selector_all(".quantities h2", "hs => hs.map(h => h.textContent)") == [
            "Прямой проход", "Дельты", "Градиенты", "После одного шага"]
        assert "функция потерь: половина квадрата ошибки" in text
        assert "x\t0,8; -0,3" in text and "W1\t[0,2; -0,5] [0,4; -0,8]" in text
    assert page.errors == []


# The boxes of every answer's name and blank, as [left, top, right, bottom] with its text.
ANSWER_BOXES = """() => [...document.querySelectorAll(".quantities li")].flatMap((li) =>
  [...li.querySelectorAll(".name, .blank")].map((e) => {
    const r = e.getBoundingClientRect();
    return {li: li.textContent, box: [r.left, r.top, r.right, r.bottom]};
  }))"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """The pairs of boxes of different answers that cover each other by more than half a pixel."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if a["li"] != b["li"] and min(r1, r2) - max(l1, l2) > 0.5 and min(b1, b2) - max(t1, t2) > 0.5:
                found.append((a["li"], b["li"]))
    return found


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_sheet_fits_a_phone(page, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the sheet and the key scroll only down, and no answer covers another; at
    1440 px the answers keep their three columns."""
    from deltagrad.i18n import using_language
    from deltagrad.viz import sheet

    ex = Exercise.generate(7)
    with using_language(lang):
        sheets = {"problem": sheet.problem_sheet(ex, student="Иван"), "key": sheet.key_sheet(ex, student="Иван")}
    for name, made in sheets.items():
        page.goto(made.save(tmp_path / f"{name}.html").as_uri())
        for width in (390, 1440):  # one load, two widths: the layout follows the window
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            boxes = page.evaluate(ANSWER_BOXES)
            assert len(boxes) == 2 * 28  # 7 forward, 3 deltas, 9 gradients, 9 updated
            assert overlapping(boxes) == [], (name, width)
            assert all(0 <= b["box"][0] and b["box"][2] <= width for b in boxes), (name, width)
            first, seventh = (next(b["box"][0] for b in boxes if b["li"].startswith(n))
                              for n in ("W1[0][0]", "W2[0][0]"))
            assert (first == seventh) == (width == 390)  # one column on the phone, three on a desk
    assert page.errors == []


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n=1+1,@SUM(A1)\n", encoding="utf-8")
    assert run_cli("exercise", "--students", str(roster), "--seed", "1", "--out", str(tmp_path / "c")).returncode == 0
    row = next(csv.DictReader((tmp_path / "c" / "key.csv").open(encoding="utf-8")))
    assert row["id"] == "'=1+1" and row["name"] == "'@SUM(A1)"
    answers = next((tmp_path / "c").glob("*/answers.json"))
    assert json.loads(answers.read_text())["student"] == "=1+1"
    out = tmp_path / "g.csv"
    run_cli("grade", str(answers), "--csv", str(out))
    assert next(csv.DictReader(out.open(encoding="utf-8")))["id"] == "'=1+1"
