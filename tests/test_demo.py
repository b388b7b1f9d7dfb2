"""viz.demo: the walk-through's numbers are the worked example's, to 1e-12."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXPECTED, close
from viz import demo


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
    assert "{ W1[0][0] | data 0.1000 | grad -0.0062 | manual -0.0062 ok }" in source
    assert "{ b2[0] | data 0.3000 | grad -0.0832 | manual -0.0832 ok }" in source
    assert any("L = 0.0651" in line for line in lines)


def test_run_demo_without_out_dir_writes_nothing(tmp_path: Path) -> None:
    result = demo.run_demo(demo.worked_model(), demo.WORKED_X, demo.WORKED_Y, 0.1, None, echo=lambda s: None)
    assert result.picture is None and result.dot_source is None
