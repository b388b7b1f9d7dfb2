"""The command in Russian and in the tutorial's notation: --lang, --notation, the environment."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from deltagrad import i18n
from deltagrad.autograd import notation
from deltagrad.cli.options import NOTATION_COMMANDS
from tests.catalog import english_word_lines, untranslated_lines, wait_or_fail
from tests.conftest import assert_one_line_error, run_cli, run_command


@pytest.mark.parametrize("args", [["--lang", "de", "demo"], ["demo", "--lang", "de"], ["demo", "--lang=de"],
                                  ["inits", "--lang", "xx", "--epochs", "2"]])
def test_an_unknown_language_is_one_line_naming_the_languages(args: list[str]) -> None:
    result = run_cli(*args)
    assert_one_line_error(result, "deltagrad speaks en, ru")


def test_lang_without_a_value() -> None:
    assert_one_line_error(run_cli("demo", "--lang"), "--lang needs a language: en, ru")


def test_a_bad_deltagrad_lang_is_one_line_and_lang_wins_over_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELTAGRAD_LANG", "fr")
    assert_one_line_error(run_cli("demo", "--out", "-"), "DELTAGRAD_LANG='fr' is not a language deltagrad speaks")
    result = run_cli("--lang", "ru", "expr", "x*y", "x=2", "y=3")
    assert result.returncode == 0, result.stderr
    monkeypatch.delenv("DELTAGRAD_LANG")


@pytest.mark.parametrize("args", [["--lang", "ru", "--help"], ["demo", "--lang", "ru", "--help"],
                                  ["--lang=ru", "train", "--help"]])
def test_help_in_russian_before_or_after_the_subcommand(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0
    assert result.stdout.startswith("использование: deltagrad")
    assert "показать эту справку и выйти" in result.stdout
    assert "--lang en|ru" in result.stdout


def test_argparse_errors_in_russian() -> None:
    result = run_cli("--lang", "ru", "demo", "--bogus")
    assert result.returncode == 2
    assert "нераспознанные аргументы: --bogus" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["demo", "--x", "1", "--y", "1"], "--x: нужно по одному значению на каждый вход сети (2), а получено 1"),
    (["check", "--template", "--weights", "missing.json"], "не удаётся использовать --weights missing.json"),
    (["play", "--weights", "missing.json"], "не удаётся использовать --weights missing.json"),
])
def test_the_example_and_weights_errors_in_russian(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli("--lang", "ru", *args), message)


def test_the_language_and_notation_hold_for_one_run_only() -> None:
    before = i18n.get_language()
    run_cli("--lang", "ru", "demo", "--notation", "textbook", "--help")
    assert i18n.get_language() == before
    assert notation.get_notation() == "code"


@pytest.mark.parametrize("command", ["demo", "check"])
def test_notation_is_an_option_of_the_commands_that_write_names(command: str) -> None:
    result = run_cli(command, "--help")
    assert "--notation {code,textbook}" in result.stdout


def test_notation_is_refused_where_no_names_are_written() -> None:
    result = run_cli("expr", "x*y", "x=1", "y=2", "--notation", "textbook")
    assert result.returncode == 2
    assert "unrecognized arguments: --notation" in result.stderr


def test_a_russian_locale_in_the_environment_speaks_russian() -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DELTAGRAD_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "ru_RU.UTF-8"
    result = run_command("--help", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("использование: deltagrad")


# --- every command in Russian: no English sentence of the catalog left ------------------

ANSWERS = str(Path(__file__).resolve().parent.parent / "docs" / "student_answers.json")


def _commands(tmp: Path) -> dict[str, list[str]]:
    """The commands of the issue, as a learner runs them (the ones that exist on this tree)."""
    from deltagrad.cli import build_parser

    known = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    commands = {
        "demo": ["demo", "--out", str(tmp / "demo"), "--show-code"],
        "check": ["check", ANSWERS, "--out", str(tmp / "check")],
        "grade": ["grade", "--summary", str(tmp / "class")],
        "exercise": ["exercise", "--seed", "1", "--out", str(tmp / "exercise")],
        "inits": ["inits", "--epochs", "2", "--no-progress"],
        "train": ["train", "--epochs", "2", "--no-progress"],
        "expr": ["expr", "x*y + sigmoid(x)", "x=0,5", "y=3", "--out", str(tmp / "expr")],
        "bad argument": ["demo", "--lr", "abc"],
        "bad file": ["check", str(tmp / "missing.json")],
    }
    return {name: args for name, args in commands.items() if args[0] in known}


def _class_folder(folder: Path) -> None:
    """Two students' answers for `grade --summary`, one with a planted mistake."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    answers = json.loads(Path(ANSWERS).read_text())
    (folder / "ivanov.json").write_text(json.dumps(answers))
    answers["deltas"]["delta1[0]"] = -0.01239
    (folder / "petrova.json").write_text(json.dumps(answers))


def _run_all(tmp_path: Path, *extra: str, notation: bool = False) -> dict[str, str]:
    _class_folder(tmp_path / "class")
    outputs = {}
    for name, args in _commands(tmp_path).items():
        flags = list(extra)
        if notation and args[0] in NOTATION_COMMANDS:
            flags += ["--notation", "textbook"]
        result = run_cli(*args, *flags)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        outputs[name] = result.stdout + result.stderr
    return outputs


_CODE_NAME = re.compile(r"(?<![\w\[/])(?:W|b|z|a|delta)\d+\[\d+\](?:\[\d+\])?")


def _assert_russian(outputs: dict[str, str], notation: bool = False) -> None:
    problems = []
    for name, text in outputs.items():
        if not any("а" <= c <= "я" for c in text.lower()):
            problems.append(f"{name}: no Russian at all: {text[:120]!r}")
        # English left: a text not wrapped in _() yet, or a new one not translated yet
        problems += [f"{name}: {line.strip()!r} (like msgid {msgid!r})" for line, msgid in untranslated_lines(text)]
        problems += [f"{name}: {line.strip()!r} (the English word {word!r})" for line, word in english_word_lines(text)]
        if notation and _commands(Path())[name][0] in NOTATION_COMMANDS:
            problems += [f"{name}: {line.strip()!r} writes a code name" for line in text.splitlines()
                         if _CODE_NAME.search(line) and "written to" not in line and "записан" not in line
                         and not line.lstrip().startswith(("v", "g", "_P"))]  # --show-code's Python
    wait_or_fail(problems, "lines of Russian output still in English (or in code names)")


def test_every_command_in_russian(tmp_path: Path) -> None:
    outputs = _run_all(tmp_path, "--lang", "ru")
    assert "Прямой проход" in outputs["demo"] and "0,5424" in outputs["demo"]
    assert "2,122459331" in outputs["expr"]  # x=0,5 was read, the value is written with a comma
    _assert_russian(outputs)


def test_every_command_in_russian_and_the_tutorials_notation(tmp_path: Path) -> None:
    outputs = _run_all(tmp_path, "--lang", "ru", notation=True)
    assert "z₁⁽¹⁾ = 0,1700" in outputs["demo"] and "δ⁽²⁾ = [-0,08322]" in outputs["demo"]
    _assert_russian(outputs, notation=True)


def test_lang_ru_demo_from_the_environment_prints_russian_with_decimal_commas(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DELTAGRAD_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "ru_RU.UTF-8"
    result = run_command("demo", "--out", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("deltagrad demo: один шаг градиентного спуска")
    assert "Функция потерь" in result.stdout and "скорость обучения eta = 0,1" in result.stdout
    assert "a1[0] = sigmoid(z) = 0,5424" in result.stdout and "L = 0,0651" in result.stdout
    assert "0.5424" not in result.stdout


def test_numbers_typed_with_a_decimal_comma(tmp_path: Path) -> None:
    result = run_cli("demo", "--x", "0,5", "-0,2", "--lr", "0,1", "--out", str(tmp_path), "--format", "dot")
    assert result.returncode == 0, result.stderr  # -0,2 is a negative number, not an option
    comma = run_cli("expr", "x*y", "x=0,5", "y=3")
    point = run_cli("expr", "x*y", "x=0.5", "y=3")
    assert comma.returncode == 0 and comma.stdout == point.stdout
    assert_one_line_error(run_cli("expr", "x*y", "x=1,2,3", "y=3"), "expected a number such as 0.5 or 0,5")


# --- every command's --help in Russian ----------------------------------------------------

def _subcommands() -> dict[str, argparse.ArgumentParser]:
    """The subcommands as the parser has them (a new one is checked without being listed here)."""
    from deltagrad.cli import build_parser

    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _identifiers(parser: argparse.ArgumentParser) -> set[str]:
    """The words of a parser that are identifiers, written as they are in any language: its
    option names, metavars (``DIR``, ``EPOCHS``) and choices (``uniform``, ``graph``)."""
    words: set[str] = set()
    for action in parser._actions:
        texts = [*action.option_strings, action.dest, *(map(str, action.choices or ()))]
        metavar = action.metavar if action.metavar is not None else action.dest.upper()
        texts += list(metavar) if isinstance(metavar, tuple) else [str(metavar)]
        for text in texts:
            words.update(re.findall(r"[A-Za-z]{3,}", text))
    return words


def _without(text: str, words: set[str]) -> str:
    """``text`` with each of ``words`` (whole words only) blanked out."""
    if not words:
        return text
    pattern = re.compile(r"(?<![A-Za-z])(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                         + r")(?![A-Za-z])")
    return pattern.sub(" ", text)


def test_every_subcommand_has_the_parser_list() -> None:
    assert {"demo", "train", "expr", "check", "inits", "play", "exercise", "grade", "practice"} <= set(_subcommands())


@pytest.mark.parametrize("command", [None, *_subcommands()])
def test_every_help_in_russian(command: str | None) -> None:
    args = ["--lang", "ru", *([command] if command else []), "--help"]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("использование: deltagrad")
    from deltagrad.cli import build_parser

    identifiers = _identifiers(_subcommands()[command] if command else build_parser())
    problems = [f"{command}: {line.strip()!r} (like msgid {msgid!r})"
                for line, msgid in untranslated_lines(result.stdout)]
    problems += [f"{command}: {line.strip()!r} (the English word {word!r})"
                 for line, word in english_word_lines(_without(result.stdout, identifiers))]
    wait_or_fail(problems, "lines of the Russian --help still in English")


@pytest.mark.parametrize("args, message", [
    (["train", "--epochs", "0"], "deltagrad train: ошибка: аргумент --epochs: ожидалось целое число >= 1, а получено"),
    (["check", "--rtol", "2"], "ожидалось число из [0; 1], а получено '2' (см. 'deltagrad check --help')"),
    (["train", "--hidden", "1,a"], "ожидались ширины через запятую, например 16,16, а получено '1,a'"),
    (["train", "--epochs", "99999999999"], "ожидалось целое число <= 10\u202f000\u202f000"),
    (["expr", "x*y", "x=1"], "deltagrad expr: ошибка: у имени 'y' нет значения: задайте его как y=ЧИСЛО"),
    (["expr", "sin(x, x)", "x=1"], "sin() принимает ровно один аргумент"),
    (["check"], "укажите файл ответов (ANSWERS.json) или --template, чтобы получить пустой"),
])
def test_the_commands_errors_in_russian(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli("--lang", "ru", *args), message)


def test_a_number_default_in_help_has_the_decimal_comma_in_russian() -> None:
    assert "скорость обучения (по умолчанию: 0,05)" in run_cli("--lang", "ru", "train", "--help").stdout
    assert "learning rate (default: 0.05)" in run_cli("train", "--help").stdout


def test_check_out_names_each_picture_it_wrote_in_russian(tmp_path: Path) -> None:
    out = run_cli("--lang", "ru", "check", ANSWERS, "--out", str(tmp_path)).stdout
    assert f"граф записан в {tmp_path / 'graph.svg'}" in out or "граф: не удалось нарисовать" in out
    assert f"схема сети записана в {tmp_path / 'network.svg'}" in out or "схема сети: не удалось нарисовать" in out


def test_plots_written_in_russian(tmp_path: Path) -> None:
    out = run_cli("--lang", "ru", "train", "--epochs", "2", "--n", "40", "--hidden", "4", "--no-progress", "--plot",
                  str(tmp_path)).stdout
    loss, boundary, confusion = (tmp_path / name for name in ("loss.png", "decision_boundary.png", "confusion.png"))
    assert f"графики записаны в {loss} и {boundary} и {confusion}" in out or "графиков не будет: " in out


def test_check_asks_for_lr_in_the_commands_words_in_russian(tmp_path: Path) -> None:
    from deltagrad.cli import walkthrough

    weights = tmp_path / "model.json"
    walkthrough.worked_model().save(weights)
    result = run_cli("--lang", "ru", "check", ANSWERS, "--weights", str(weights), "--x", "0.5", "-0.2", "--y", "1")
    assert_one_line_error(result, "для раздела 'updated' нужна скорость обучения: укажите --lr")


def test_the_network_views_given_values_in_russian_separate_numbers_with_semicolons() -> None:
    from deltagrad import nn, viz
    from deltagrad.cli.walkthrough import WORKED_X, WORKED_Y, worked_model
    from tests.test_stepper import texts

    english = ("x = [0.5, −0.2]; y = 1; W1 = [[0.1, 0.4], [0.3, −0.5]], b1 = [0.2, −0.1]; W2 = [[0.6, −0.1]], "
               "b2 = [0.3].")
    assert texts(viz.stepper(model=worked_model(), x=WORKED_X, y=WORKED_Y, view="network"))[0].endswith(english)
    with i18n.using_language("ru"):
        given = texts(viz.stepper(model=worked_model(), x=WORKED_X, y=WORKED_Y, view="network"))[0]
        two = texts(viz.stepper(model=nn.MLP(2, [2, 2], rng=1), x=WORKED_X, y=[1.0, 0.0], view="network"))[0]
    assert given == ("Прямой проход: заданные значения. x = [0,5; −0,2]; y = 1; W1 = [[0,1; 0,4]; [0,3; −0,5]], "
                     "b1 = [0,2; −0,1]; W2 = [[0,6; −0,1]], b2 = [0,3].")
    assert "; y = [1; 0]; W1 = [[" in two  # two targets in brackets: "; " also separates the parts


def test_the_training_progress_bar_in_russian() -> None:
    said = run_cli("--lang", "ru", "train", "--epochs", "2").stderr
    assert re.search(r"точность=\d+,\d%, потери=\d+,\d{4}\]", said), said[-500:]
    assert "acc=" not in said and "loss=" not in said
    english = run_cli("train", "--epochs", "2").stderr
    assert re.search(r"acc=\d+\.\d%, loss=\d+\.\d{4}\]", english), english[-500:]


def test_grade_table_in_russian_has_decimal_commas_and_the_csv_keeps_points(tmp_path: Path) -> None:
    import csv
    import json

    from deltagrad.nn.exercise import Exercise
    from tests.test_grade import filled

    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "anya.json").write_text(json.dumps(filled(Exercise.generate(7), "Аня")), encoding="utf-8")
    table = tmp_path / "grades.csv"
    result = run_cli("--lang", "ru", "grade", str(folder), "--csv", str(table))
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("Аня"))
    assert row.split()[2:] == ["100,0"] * 5, row
    assert next(csv.DictReader(table.open(encoding="utf-8")))["total"] == "100.0"
    english = run_cli("grade", str(folder)).stdout
    assert next(line for line in english.splitlines() if line.startswith("Аня")).split()[2:] == ["100.0"] * 5


def test_demo_classes_bad_target_in_russian() -> None:
    result = run_cli("--lang", "ru", "demo", "--classes", "2", "--y", "5")
    assert_one_line_error(result, "--y = 5,0 — это не номер класса при 2 классах (от 0 до 1)")
    assert_one_line_error(run_cli("--lang", "ru", "demo", "--classes", "2", "--y", "1.5"),
                          "--y должен быть номером класса (целым числом), а получено 1,5")
    assert_one_line_error(run_cli("demo", "--classes", "2", "--y", "1.5"),
                          "--y must be a class index (a whole number), got 1.5")


@pytest.mark.parametrize(("content", "russian"), [
    ("{}", " — не модель deltagrad (ожидался объект JSON с format 'deltagrad.mlp')"),
    ('{"format": "deltagrad.mlp", "version": 9}', ": неподдерживаемая версия 9, ожидалась 1"),
    ('{"format": "deltagrad.mlp", "version": 1, "activation": "sigmoid", "weights": [[[1, 2], [3]]], '
     '"biases": [[0, 0]]}', ": слой 1: строки весов разной длины [1; 2]"),
    ('{"format": "deltagrad.mlp", "version": 1, "sizes": [2, 3], "activation": "sigmoid", '
     '"weights": [[[1, 2]]], "biases": [[0]]}', ": размеры [2, 3] не совпадают с весами ([2, 1])"),
])
def test_a_bad_model_file_is_explained_in_russian(tmp_path: Path, content: str, russian: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    result = run_cli("--lang", "ru", "demo", "--weights", str(path), "--x", "1", "2", "--y", "1")
    assert_one_line_error(result, f"{path}{russian}")


@pytest.mark.parametrize("unbuffered", ["1", None])
def test_a_full_output_is_said_in_the_commands_language(unbuffered: str | None) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    if unbuffered is not None:
        env["PYTHONUNBUFFERED"] = unbuffered
    result = subprocess.run(["bash", "-c", f"'{sys.executable}' -m deltagrad --lang ru check --template > /dev/full"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("deltagrad: ошибка: не удаётся записать вывод: "), result.stderr
