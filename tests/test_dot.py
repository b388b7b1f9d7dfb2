"""viz.dot: the DOT source (golden), roles, overlay, clusters, rendering and its errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nn
import viz
from autograd import Value
from tests.conftest import B1, B2, W1, W2, X, Y

GOLDEN = Path(__file__).parent / "golden" / "worked_example.dot"


def worked_graph() -> tuple[Value, dict[str, float]]:
    model = nn.MLP.from_weights([W1, W2], [B1, B2])
    loss = nn.half_squared_error(model(X), Y)
    loss.backward()
    return loss, nn.manual_backprop(model, X, Y).grads


def node_line(source: str, text: str) -> str:
    lines = [line for line in source.splitlines() if text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def test_golden_dot_source_of_the_worked_example() -> None:
    loss, grads = worked_graph()
    source = viz.draw_dot(loss, reference=grads).source
    if os.environ.get("DELTAGRAD_UPDATE_GOLDEN"):
        GOLDEN.write_text(source)
    assert source == GOLDEN.read_text()


def test_source_is_byte_identical_between_runs() -> None:
    assert viz.draw_dot(worked_graph()[0]).source == viz.draw_dot(worked_graph()[0]).source


def test_every_value_shows_label_data_and_grad() -> None:
    loss, _ = worked_graph()
    source = viz.draw_dot(loss).source
    assert "{ W1[0][0] | data 0.1000 | grad -0.0062 }" in source
    assert "{ L | data 0.0651 | grad 1.0000 }" in source
    assert "{ z2[0] | data 0.5717 | grad -0.0832 }" in source
    assert "{ a2[0] | data 0.6392 | grad -0.3608 }" in source
    assert "{ x[1] | data -0.2000 |" in source


def test_ids_follow_topological_order() -> None:
    a = Value(2.0, "a")
    b = Value(3.0, "b")
    source = viz.draw_dot(a * b).source
    assert node_line(source, "n0 [").startswith("\tn0 [label=\"{ a |")
    assert node_line(source, "n1 [").startswith("\tn1 [label=\"{ b |")
    assert "n2op -> n2" in source and "n0 -> n2op" in source and "n1 -> n2op" in source


def test_one_edge_per_operand() -> None:
    a = Value(1.0, "a")
    source = viz.draw_dot(a + a).source
    assert source.count("n0 -> n1op") == 2


def test_constants_are_drawn_with_dashed_edges() -> None:
    source = viz.draw_dot(Value(1.5, "a") * 2.0).source
    assert "n1c [label=2.0" in source and "n1c -> n1op [style=dashed]" in source


def test_roles_are_coloured() -> None:
    loss, _ = worked_graph()
    source = viz.draw_dot(loss).source
    assert viz.dot.COLOURS["input"] in node_line(source, "{ x[0] |")
    assert viz.dot.COLOURS["parameter"] in node_line(source, "{ W2[0][1] |")
    assert viz.dot.COLOURS["output"] in node_line(source, "{ L |")
    assert viz.dot.COLOURS["intermediate"] in node_line(source, "{ a1[0] |")
    assert "cluster_legend" in source and "output / loss" in source


def test_values_are_grouped_by_layer() -> None:
    loss, _ = worked_graph()
    source = viz.draw_dot(loss).source
    layer1 = source.split("subgraph cluster_layer1")[1].split("}\n")[0]
    assert "W1[0][0]" in layer1 and "z1[1]" in layer1 and "W2[0][0]" not in layer1
    assert 'label="layer 2"' in source


def test_reference_overlay_marks_matches_green_and_mismatches_red() -> None:
    loss, grads = worked_graph()
    grads["W1[0][0]"] += 1e-6
    source = viz.draw_dot(loss, reference=grads).source
    good = node_line(source, "{ W2[0][0] |")
    bad = node_line(source, "{ W1[0][0] |")
    assert "manual -0.0451 ok" in good and viz.dot.COLOURS["match"] in good
    assert "DIFFERS" in bad and viz.dot.COLOURS["mismatch"] in bad
    assert "manual differs" in source  # legend


def test_labels_are_escaped() -> None:
    source = viz.draw_dot(Value(1.0, 'a|b{c}<d>"e')).source
    assert r"a\|b\{c\}\<d\>\"e" in source


def test_draw_errors() -> None:
    with pytest.raises(TypeError, match="expects a Value, got float"):
        viz.draw_dot(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.draw_dot(Value(1.0), rankdir="XY")
    with pytest.raises(TypeError, match="reference must be a dict"):
        viz.draw_dot(Value(1.0), reference=[1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"reference\['a'\] must be a number, got str"):
        viz.draw_dot(Value(1.0), reference={"a": "1"})  # type: ignore[dict-item]


def test_size_limit() -> None:
    y = Value(1.0)
    for _ in range(100):
        y = y * 1.01
    with pytest.raises(viz.GraphTooLargeError, match="101 values, more than max_nodes=50"):
        viz.draw_dot(y, max_nodes=50)
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw_dot(y, max_nodes=0)


@pytest.mark.usefixtures("requires_dot")
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_render_formats(tmp_path: Path, suffix: str) -> None:
    loss, grads = worked_graph()
    path = viz.render(loss, tmp_path / "out" / f"graph{suffix}", reference=grads)
    assert path == tmp_path / "out" / f"graph{suffix}"
    data = path.read_bytes()
    if suffix == ".svg":
        text = data.decode()
        assert "<svg" in text and "W1[0][0]" in text and "grad &#45;0.0062" in text
        assert "manual &#45;0.0832 ok" in text
    elif suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    else:
        assert data.startswith(b"%PDF")
    assert (tmp_path / "out" / "graph.dot").read_text() == viz.draw_dot(loss, reference=grads).source


def test_render_dot_only(tmp_path: Path) -> None:
    path = viz.render(Value(1.0, "a") * 2.0, tmp_path / "g.dot")
    assert path.read_text().startswith("digraph deltagrad {")


def test_render_without_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(viz.GraphvizNotFoundError) as info:
        viz.render(worked_graph()[0], tmp_path / "graph.svg")
    message = str(info.value)
    assert "apt-get install graphviz" in message and str(tmp_path / "graph.dot") in message
    assert (tmp_path / "graph.dot").exists() and not (tmp_path / "graph.svg").exists()


def test_render_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown picture format '.gif'.*\.svg, \.png, \.pdf, \.dot"):
        viz.render(Value(1.0), tmp_path / "graph.gif")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError, match="cannot write the graph to"):
        viz.render(Value(1.0), blocker / "graph.svg")


@pytest.mark.usefixtures("requires_dot")
def test_digraph_shows_inline_in_jupyter() -> None:
    bundle = viz.draw_dot(Value(1.0, "a") * 2.0)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
