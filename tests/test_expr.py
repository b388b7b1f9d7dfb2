"""deltagrad expr: safe parsing, gradients printed, pictures written, bad input refused."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from deltagrad.autograd import Value
from deltagrad.cli.expression import ExpressionError, parse_assignments, parse_expression
from tests.conftest import assert_one_line_error, run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_parse_builds_the_tour_expression() -> None:
    root, leaves = parse_expression("tanh(a*b + a**2)", {"a": 2.0, "b": -3.0})
    root.backward()
    assert leaves["a"].grad == 0.07065082485316443 and leaves["b"].grad == 0.14130164970632886
    root, leaves = parse_expression("-x / (1 + exp(-x)) - 2", {"x": 0.5})
    assert root.data == pytest.approx(-0.5 / (1 + math.exp(-0.5)) - 2)


def test_parse_takes_a_given_leaf_for_a_variable() -> None:
    a = Value(2.0)
    root, leaves = parse_expression("a*b + a**2", {"a": 2.0, "b": -3.0}, {"a": a})
    root.backward()
    assert leaves["a"] is a and a.grad == -3.0 + 4.0 and leaves["b"].grad == 2.0


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
    result = run_cli("expr", "tanh(a*b + a**2)", "a=2", "b=-3", "--out", str(tmp_path), "--html",
                     "--format", "dot")  # the README runs it as a real command
    assert result.returncode == 0, result.stderr
    assert "df/da" in result.stdout and "0.07065082485316443" in result.stdout
    assert "0.14130164970632886" in result.stdout
    assert (tmp_path / "graph.dot").exists()
    if (tmp_path / "expr.html").exists():  # the page needs Graphviz for its picture
        assert "window.deltagrad" in (tmp_path / "expr.html").read_text()


def test_the_command_prints_higher_orders(tmp_path: Path) -> None:
    result = run_cli("expr", "x**3", "x=2", "--order", "3", "--format", "dot", "--out", str(tmp_path))
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


@pytest.mark.parametrize("text, x, value, slope", [
    ("sqrt(x)", 4.0, 2.0, 0.25),
    ("abs(x)", -3.0, 3.0, -1.0),
    ("abs(x)", 0.0, 0.0, 0.0),
    ("sin(x)", 0.5, math.sin(0.5), math.cos(0.5)),
    ("cos(x)", 0.5, math.cos(0.5), -math.sin(0.5)),
    ("1 / x", 1e-310, 1.0 / 1e-310, -math.inf),  # a true division: no 1 * (1/x) on the way
    ("0 / x", 1e-310, 0.0, -0.0),
])
def test_the_new_functions_and_true_division(text: str, x: float, value: float, slope: float) -> None:
    root, leaves = parse_expression(text, {"x": x})
    root.backward()
    assert root.data == value and leaves["x"].grad == slope


def test_logsumexp_takes_several_arguments() -> None:
    root, leaves = parse_expression("logsumexp(a, b, 2*a)", {"a": 1.0, "b": -1.0})
    expected = math.log(math.exp(1.0) + math.exp(-1.0) + math.exp(2.0))
    assert root.data == pytest.approx(expected, rel=1e-15)
    root.backward()
    soft = [math.exp(v - expected) for v in (1.0, -1.0, 2.0)]
    assert leaves["a"].grad == pytest.approx(soft[0] + 2 * soft[2], rel=1e-14)
    with pytest.raises(ExpressionError, match="one or more arguments"):
        parse_expression("logsumexp()", {})


@pytest.mark.parametrize("depth", [250, 995, 1990])
def test_deep_nesting_is_refused_with_a_message_not_a_recursion_error(depth: int) -> None:
    for text in ("-" * depth + "x", "tanh(" * (depth // 6) + "x" + ")" * (depth // 6), "(" * 150 + "x" + ")" * 150):
        if len(text) > 2000:
            continue
        try:
            root, _ = parse_expression(text, {"x": 1.0})
        except ExpressionError as err:
            assert "nested" in str(err) or "elements" in str(err) or "cannot parse" in str(err)
        else:
            assert isinstance(root.data, float)  # shallow enough to build (the parentheses)


def test_a_nesting_under_the_bound_is_built() -> None:
    root, _ = parse_expression("-" * 190 + "x", {"x": 1.5})
    assert root.data == 1.5  # an even number of minus signs


@pytest.mark.parametrize("typed, name", [("ｘ", "x"), ("ﬁ", "fi"), ("ℌ", "H"), ("ｘ１", "x1")])
def test_names_are_normalised_as_python_normalises_the_expression(typed: str, name: str) -> None:
    assert parse_assignments([f"{typed}=1"]) == {name: 1.0}
    root, leaves = parse_expression(f"{typed} * 3", parse_assignments([f"{typed}=2"]))
    assert root.data == 6.0 and list(leaves) == [name]


@pytest.mark.parametrize("args, out", [
    (["-x", "x=1"], "df/dx          -1"),
    (["-(a + b)", "a=1", "b=2"], "df/da          -1"),
    (["-x*y", "x=2", "y=3"], "df/dy          -2"),
    (["ｘ**2", "ｘ=3"], "df/dx           6"),
])
def test_the_command_takes_expressions_that_begin_with_a_minus_and_any_names(args: list[str], out: str) -> None:
    result = run_cli("expr", *args, "--format", "dot", "--out", "build/test-expr")
    assert result.returncode == 0, result.stderr
    assert out in result.stdout
