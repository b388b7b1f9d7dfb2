"""viz.draw_network: the textbook view of the 2-2-1, every number the delta rule's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deltagrad import nn, viz
from deltagrad.autograd.text import significant
from tests.conftest import EXPECTED, X, Y
from tests.conftest import worked_model as worked

pytestmark_dot = pytest.mark.usefixtures("requires_dot")


def test_the_2_2_1_shows_all_9_weight_gradients_and_3_deltas() -> None:
    model = worked()
    manual = nn.manual_backprop(model, X, Y)
    source = viz.draw_network(model, X, Y, reference=manual.reference()).source
    for name, g in manual.grads.items():
        if name.startswith("W"):  # an edge per weight: its name, w and dL/dw, checked
            edge = re.search(re.escape(f'label="{name}') + r'(.*?)"', source, re.S)
            assert edge is not None and f"dL/dw = {significant(g, 4)} ✓" in edge.group(1), name
    deltas = [EXPECTED["delta1"][0], EXPECTED["delta1"][1], EXPECTED["delta2"]]
    for layer, i, d in ((1, 0, deltas[0]), (1, 1, deltas[1]), (2, 0, deltas[2])):
        node = next(line for line in source.splitlines() if line.strip().startswith(f"l{layer}n{i} "))
        assert f"δ = {significant(d, 4)}" in node and f"manual δ = {significant(d, 4)} ✓" in node
        assert f"z{layer}[{i}] = " in node
        assert f"dL/db = {significant(manual.grads[f'b{layer}[{i}]'], 4)}" in node  # the bias's gradient is δ
    assert "L = 0.0651" in source
    assert len(re.findall(r" -> l\dn\d \[.* id=w\d", source)) == 6  # one edge per weight


def test_the_model_keeps_its_gradients() -> None:
    model = worked()
    for p in model.parameters():
        p.grad = 0.25
    viz.draw_network(model, X, Y)
    assert all(p.grad == 0.25 for p in model.parameters())


def test_big_models_draw_edges_without_labels_and_show_the_gradient_by_colour_and_width() -> None:
    model = nn.MLP(2, [16, 16, 1], rng=0)
    source = viz.draw_network(model, [0.1, 0.2], 1.0).source
    weights = [line for line in source.splitlines() if " id=w" in line]
    assert len(weights) == 2 * 16 + 16 * 16 + 16
    assert not any("label=" in w for w in weights)  # the numbers are in the tooltip only
    assert all("tooltip=" in w and "dL/dW" in w for w in weights)
    widths = [float(re.search(r"penwidth=([\d.]+)", w).group(1)) for w in weights]  # type: ignore[union-attr]
    assert min(widths) < 1 < max(widths) <= 3.5
    colours = {re.search(r'color="(#\w+)"', w).group(1) for w in weights}  # type: ignore[union-attr]
    assert colours == {"#2166ac", "#b2182b"}
    assert "negative gradient" in source and "positive gradient" in source and "hover over an edge" in source


@pytestmark_dot
def test_neurons_are_in_index_order_from_the_top_in_every_layer() -> None:
    for sizes in ([2, 4, 4, 1], [2, 16, 16, 1], [3, 8, 8, 2], [2, 2, 1]):
        model = nn.MLP(sizes[0], sizes[1:], rng=5)
        svg = viz.dot.pipe(viz.draw_network(model, [0.5] * sizes[0], [1.0] * sizes[-1]).source, "svg").decode()
        for k in range(1, len(sizes)):
            ys = [float(re.search(rf'<g id="l{k}n{i}" class="node">.*?<text[^>]* y="([-\d.]+)"', svg, re.S)
                        .group(1)) for i in range(sizes[k])]  # type: ignore[union-attr]
            assert ys == sorted(ys), (sizes, k, ys)


@pytest.mark.usefixtures("requires_dot")
def test_renders(tmp_path: Path) -> None:
    path = viz.save_picture(viz.draw_network(worked(), X, Y), tmp_path / "network.svg")
    assert "<svg" in path.read_text() and "z1[0]" in path.read_text()


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="expects an nn.MLP"):
        viz.draw_network("model", X, Y)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected 2 input values, got 3"):
        viz.draw_network(worked(), [1.0, 2.0, 3.0], Y)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_network(worked(), X, Y, rankdir="up")
    with pytest.warns(UserWarning, match="'W9\\[0\\]\\[0\\]'"):
        viz.draw_network(worked(), X, Y, reference={"W9[0][0]": 1.0})


@pytest.mark.usefixtures("requires_dot")
def test_the_network_view_at_830_px_weight_labels_readable_and_nothing_outside(page: object, tmp_path: Path) -> None:
    """Shown at 830 px wide (the README's width): up to 2-4-4-1 every weight label is at
    least 10 px tall, and no element lies outside the drawing. (Look at the screenshots.)"""
    from typing import Any

    pg: Any = page
    for sizes in ([2, 2, 1], [3, 4, 2], [2, 4, 4, 1], [2, 16, 16, 1]):
        model = nn.MLP(sizes[0], sizes[1:], rng=4) if sizes != [2, 2, 1] else worked()
        svg = viz.save_picture(viz.draw_network(model, [0.5] * sizes[0], [1.0] * sizes[-1]),
                               tmp_path / f"net{'-'.join(map(str, sizes))}.svg")
        html = tmp_path / f"{svg.stem}.html"
        html.write_text(f'<html><body style="margin:0">{svg.read_text()[svg.read_text().index("<svg"):]}</body></html>')
        pg.set_viewport_size({"width": 830, "height": 900})
        pg.goto(html.as_uri())
        pg.evaluate("""() => { const s = document.querySelector('svg'); s.removeAttribute('height');
                              s.setAttribute('width', '830px'); }""")
        measured = pg.evaluate("""() => {
            const svg = document.querySelector('svg').getBoundingClientRect();
            const labels = Array.from(document.querySelectorAll('g.edge text'))
                .map(t => t.getBoundingClientRect().height);
            const outside = Array.from(document.querySelectorAll('svg g > *')).filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && (r.left < svg.left - 0.5 || r.right > svg.right + 0.5 ||
                                       r.top < svg.top - 0.5 || r.bottom > svg.bottom + 0.5); }).length;
            return {labels, outside};
        }""")
        pg.screenshot(path=str(tmp_path / f"{svg.stem}-830.png"), full_page=True)
        assert measured["outside"] == 0, sizes
        if viz.network.labelled(model):
            assert len(measured["labels"]) >= 2 * sum(a * b for a, b in zip(sizes, sizes[1:]))
            assert min(measured["labels"]) >= 10, (sizes, min(measured["labels"]))
        else:
            assert measured["labels"] == [] or max(measured["labels"]) == 0  # numbers on hover only
