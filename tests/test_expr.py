"""deltagrad expr: safe parsing, gradients printed, pictures written, bad input refused."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from deltagrad.cli.expression import ExpressionError, parse_assignments, parse_expression
from tests.conftest import assert_one_line_error, run_cli
from tests.conftest import run_command as deltagrad

ROOT = Path(__file__).resolve().parent.parent


def test_parse_builds_the_tour_expression() -> None:
    root, leaves = parse_expression("tanh(a*b + a**2)", {"a": 2.0, "b": -3.0})
    root.backward()
    assert leaves["a"].grad == 0.07065082485316443 and leaves["b"].grad == 0.14130164970632886
    root, leaves = parse_expression("-x / (1 + exp(-x)) - 2", {"x": 0.5})
    assert root.data == pytest.approx(-0.5 / (1 + math.exp(-0.5)) - 2)


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "not a function deltagrad knows"),
    ("x.data", "is not allowed"),
    ("(lambda: 1)()", "not a function deltagrad knows"),
    ("lambda: x", "is not allowed"),
    ("x if x else x", "is not allowed"),
    ("x @ x", "is not allowed"),
    ("y + 1", "the name 'y' has no value"),
    ("tanh(x, x)", "exactly one argument"),
    ("x +", "cannot parse"),
    ("2 + 3", "no variable"),
    ("x + True", "only numbers"),
    ("x + 'a'", "only numbers"),
])
def test_anything_else_is_refused(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text, {"x": 1.0})


def test_values_must_match_the_names() -> None:
    with pytest.raises(ExpressionError, match="value given for y, which the expression does not use"):
        parse_expression("x * 2", {"x": 1.0, "y": 2.0})
    assert parse_assignments(["a=2", "b=-3.5"]) == {"a": 2.0, "b": -3.5}
    for bad, message in ((["a"], "NAME=NUMBER"), (["a=x"], "expected a number"), (["a=1", "a=2"], "twice"),
                         (["tanh=1"], "is a function"), (["a=inf"], "finite")):
        with pytest.raises(ExpressionError, match=message):
            parse_assignments(bad)


def test_the_command_prints_gradients_and_writes_the_picture_and_page(tmp_path: Path) -> None:
    result = deltagrad("expr", "tanh(a*b + a**2)", "a=2", "b=-3", "--out", str(tmp_path), "--html",
                       "--format", "dot")
    assert result.returncode == 0, result.stderr
    assert "df/da" in result.stdout and "0.07065082485316443" in result.stdout
    assert "0.14130164970632886" in result.stdout
    assert (tmp_path / "graph.dot").exists()
    if (tmp_path / "expr.html").exists():  # the page needs Graphviz for its picture
        assert "window.deltagrad" in (tmp_path / "expr.html").read_text()


def test_the_command_prints_higher_orders() -> None:
    result = deltagrad("expr", "x**3", "x=2", "--order", "3", "--format", "dot", "--out", "build/test-expr")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()
             if line.startswith("d") and "/d" in line}
    assert lines == {"df/dx": "12.0", "d^2f/dx^2": "12.0", "d^3f/dx^3": "6.0"}


@pytest.mark.parametrize("args, message", [
    (["expr", "__import__('os').system('true')"], "not a function deltagrad knows"),
    (["expr", "x*y", "x=1"], "the name 'y' has no value"),
    (["expr", "x", "x=1", "z=2"], "does not use"),
    (["expr", "x", "x=abc"], "expected a number"),
])
def test_the_command_answers_bad_input_with_one_line(args: list[str], message: str) -> None:
    assert_one_line_error(run_cli(*args), message)
