"""deltagrad.demo: the walk-through's numbers are the worked example's, to 1e-12."""

from __future__ import annotations

from pathlib import Path

from deltagrad.autograd.text import significant
from deltagrad.cli import walkthrough as demo
from tests.conftest import EXPECTED, close


def test_run_demo_reproduces_the_worked_example(tmp_path: Path) -> None:
    lines: list[str] = []
    result = demo.run_demo(demo.worked_model(), demo.WORKED_X, demo.WORKED_Y, demo.WORKED_LR,
                           tmp_path / "dot-only", fmt="svg", echo=lines.append)
    assert close(result.loss.data, EXPECTED["L"])
    assert close(result.manual.deltas[1][0], EXPECTED["delta2"])
    names = [["W1[0][0]", "W1[0][1]"], ["W1[1][0]", "W1[1][1]"]]
    for i in range(2):
        for j in range(2):
            assert close(result.after[names[i][j]], EXPECTED["W1_after"][i][j])
    assert close(result.after["b1[0]"], EXPECTED["b1_after"][0])
    assert close(result.after["W2[0][1]"], EXPECTED["W2_after"][0][1])
    assert close(result.after["b2[0]"], EXPECTED["b2_after"][0])
    assert all(row.abs_diff <= 1e-15 for row in result.rows)
    assert result.dot_source == tmp_path / "dot-only" / "graph.dot" and result.dot_source.exists()
    source = result.dot_source.read_text()  # drawn before the SGD step: the weights backward saw
    w = next(line for line in source.splitlines() if "<B>W1[0][0]</B>" in line)
    assert '"RIGHT">0.1<' in w and '"RIGHT">-0.006197<' in w and "-0.006197 ✓" in w
    b = next(line for line in source.splitlines() if "<B>b2[0]</B>" in line)
    assert '"RIGHT">0.3<' in b and "-0.08322 ✓" in b
    assert any("L = 0.0651" in line for line in lines)
    assert (tmp_path / "dot-only" / "network.dot").exists()


def test_demo_formulas_follow_the_activation_used() -> None:
    from deltagrad import nn

    lines: list[str] = []
    model = nn.MLP(2, [3, 3, 1], activation="tanh", output_activation="linear", rng=1)
    manual = nn.manual_backprop(model, [0.3, -0.4], [0.5])  # before the demo's SGD step
    demo.run_demo(model, [0.3, -0.4], [0.5], 0.1, None, echo=lines.append)
    text = "\n".join(lines)
    assert "sigmoid" not in text and "tanh'(z) = 1 - a^2" in text and "linear'(z) = 1" in text
    # the chain rule for a network with several paths: the deltas carry the sum
    assert "Following L back to W1[0][0]" in text
    assert "dL/dW1[0][0] = delta1[0] * x[0]" in text
    assert f"= {significant(manual.grads['W1[0][0]'], 4)}" in text


def test_demo_never_prints_minus_zero() -> None:
    from deltagrad import nn

    lines: list[str] = []
    model = nn.MLP.from_weights([[[0.0, 0.0]], [[0.0]]], [[0.0], [0.0]], activation="relu")
    demo.run_demo(model, [1.0, 1.0], [0.0], 0.1, None, echo=lines.append)
    assert not any("-0.0000" in line or "-0.000000" in line for line in lines)


def test_run_demo_without_out_dir_writes_nothing(tmp_path: Path) -> None:
    result = demo.run_demo(demo.worked_model(), demo.WORKED_X, demo.WORKED_Y, 0.1, None, echo=lambda s: None)
    assert result.picture is None and result.dot_source is None


def test_columns_stay_aligned_for_wide_layers() -> None:
    from deltagrad import nn

    lines: list[str] = []
    model = nn.MLP(2, [12, 1], activation="sigmoid", rng=0)
    demo.run_demo(model, [0.1, 0.2], [1.0], 0.1, None, echo=lambda text: lines.extend(text.splitlines()))
    forward = [line for line in lines if line.strip().startswith("layer ")]
    assert any("z1[10] =" in line for line in forward)
    starts = {line.index("z") for line in forward if "z1[" in line or "z2[" in line}
    assert len(starts) == 1  # every z column starts at the same place
    step = [line for line in lines if line.strip().startswith(("W1[", "b1[", "W2[", "b2["))]
    assert len({len(line) for line in step[-len(model.parameters()):]}) == 1


def test_demo_html_writes_the_stepper(tmp_path: Path) -> None:
    import shutil

    if shutil.which("dot") is None:
        import pytest

        pytest.skip("the page's picture needs Graphviz")
    result = demo.run_demo(demo.worked_model(), demo.WORKED_X, demo.WORKED_Y, 0.1, tmp_path, html=True,
                           echo=lambda s: None)
    assert result.page == tmp_path / "backprop.html"
    html = result.page.read_text()
    assert "window.deltagrad" in html and '"kind": "update"' in html


def test_demo_view_network_writes_the_network_stepper(tmp_path: Path) -> None:
    import json
    import re
    import shutil

    import pytest

    if shutil.which("dot") is None:
        pytest.skip("the page's picture needs Graphviz")
    from tests.conftest import run_cli

    result = run_cli("demo", "--out", str(tmp_path), "--format", "dot", "--html", "--view", "network")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "backprop.html").read_text()
    data = json.loads(re.search(r'id="deltagrad-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["mode"] == "network" and len(data["steps"]) == 1 + 3 + 1 + 3 + 1
    assert run_cli("demo", "--view", "3d").returncode == 2
