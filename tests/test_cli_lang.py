"""The command in Russian and in the tutorial's notation: --lang, --notation, the environment."""

from __future__ import annotations

import pytest

from deltagrad import i18n
from deltagrad.autograd import notation
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
