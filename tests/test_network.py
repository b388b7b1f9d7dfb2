"""viz.draw_network: the textbook view of the 2-2-1, every number the delta rule's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deltagrad import nn, viz
from deltagrad.autograd.text import significant
from deltagrad.i18n import using_language
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


def _node(source: str, element: str) -> str:
    """The DOT line of one node of the network view (``l2n0``, ``loss``)."""
    return next(line for line in source.splitlines() if line.strip().startswith(f"{element} "))


def _edge_label(source: str, name: str) -> str:
    edge = re.search(re.escape(f'label="{name}') + r'(.*?)"', source, re.S)
    assert edge is not None, name
    return edge.group(1)


def _assert_shows_the_exercise(source: str, ex: nn.Exercise) -> None:
    """Every number of the picture is the delta rule's for the exercise's loss, as the picture
    rounds it: L, a, p (cross-entropy), every δ and dL/db, every dL/dw."""
    expected = ex.expected()
    forward, deltas, grads = expected["forward"], expected["deltas"], expected["gradients"]
    assert f"L = {significant(forward['L'], 4)}<BR/>" in _node(source, "loss")
    n = len(ex.sizes) - 1
    for k in range(1, n + 1):
        for i in range(ex.sizes[k]):
            node = _node(source, f"l{k}n{i}")
            assert f"z{k}[{i}] = {significant(forward[f'z{k}[{i}]'], 4)}<BR/>" in node
            if k < n or ex.output_activation != "linear":
                assert f"a{k}[{i}] = {significant(forward[f'a{k}[{i}]'], 4)}<BR/>" in node
            assert f"δ = {significant(deltas[f'delta{k}[{i}]'], 4)}<BR/>" in node
            assert f"dL/db = {significant(grads[f'b{k}[{i}]'], 4)}" in node
            if k == n and ex.loss == "cross_entropy":
                assert f"p[{i}] = {significant(forward[f'p[{i}]'], 4)}<BR/>" in node
            else:
                assert "p[" not in node
    for name, g in grads.items():
        if name.startswith("W"):
            assert f"dL/dw = {significant(g, 4)}" in _edge_label(source, name), name


def test_a_cross_entropy_exercise_shows_its_own_numbers_and_formula() -> None:
    ex = nn.Exercise.generate(5, sizes=(2, 2, 2), loss="cross_entropy")  # the review's example: L = 0.5775
    model = ex.model()
    source = viz.draw_network(model, ex.x, ex.y, loss="cross_entropy").source
    _assert_shows_the_exercise(source, ex)
    loss = _node(source, "loss")
    assert "L = 0.5775<BR/>" in loss and "0.2758" not in loss  # not the half squared error's
    assert "−ln p[y],  p = softmax(a2)<BR/>y = 0<BR/>onehot(y) = 1, 0>" in loss and "½" not in loss
    assert 'tooltip="L = 0.5775333781048704"' in loss
    assert "p[0] = 0.5612811288101477" in _node(source, "l2n0")  # the softmax in the tooltip too
    # the class index draws the same picture as its one-hot row
    assert viz.draw_network(model, ex.x, ex.target, loss="cross_entropy").source == source
    # the delta rule's reference for the same loss agrees everywhere
    reference = nn.manual_backprop(model, ex.x, ex.target, loss="cross_entropy").reference()
    checked = viz.draw_network(model, ex.x, ex.target, loss="cross_entropy", reference=reference).source
    assert checked.count("✓") == 4 + 8 and "✗" not in checked  # a 2-2-2: 4 deltas, 8 weights


def test_a_3_class_cross_entropy_and_a_binary_cross_entropy_exercise() -> None:
    for ex in (nn.Exercise.generate(11, sizes=(2, 3, 3), activation="tanh", loss="cross_entropy"),
               nn.Exercise.generate(7, sizes=(2, 2, 1), loss="binary_cross_entropy"),
               nn.Exercise.generate(8, sizes=(3, 3, 2), activation="relu", loss="binary_cross_entropy")):
        source = viz.draw_network(ex.model(), ex.x, ex.y, loss=ex.loss).source
        _assert_shows_the_exercise(source, ex)
        with pytest.raises(AssertionError):  # the half squared error's picture would not pass
            _assert_shows_the_exercise(viz.draw_network(ex.model(), ex.x, ex.y).source, ex)
    bce = viz.draw_network(ex.model(), ex.x, ex.y, loss="binary_cross_entropy").source
    assert "−(1/2) Σ (y ln a + (1 − y) ln(1 − a))<BR/>" in _node(bce, "loss")
    one = nn.Exercise.generate(7, sizes=(2, 2, 1), loss="binary_cross_entropy")
    source = viz.draw_network(one.model(), one.x, one.y, loss="binary_cross_entropy").source
    assert "−(y ln a + (1 − y) ln(1 − a))<BR/>" in _node(source, "loss")


def test_the_worked_example_is_the_half_squared_errors_as_before() -> None:
    model = worked()
    ref = nn.manual_backprop(model, X, Y).reference()
    source = viz.draw_network(model, X, Y, reference=ref).source
    assert viz.draw_network(model, X, Y, loss="half_squared_error", reference=ref).source == source
    assert "L = 0.0651<BR/>½ Σ (a − y)²<BR/>y = 1>" in _node(source, "loss") and "p[" not in source
    assert f"a2[0] = {significant(EXPECTED['a2'], 4)}<BR/>" in _node(source, "l2n0")


def test_a_loss_the_delta_rule_does_not_cover_is_refused() -> None:
    model = worked()
    with pytest.raises(TypeError, match="loss must be a name such as 'cross_entropy', got int: 3"):
        viz.draw_network(model, X, Y, loss=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"half_squared_error, binary_cross_entropy, cross_entropy; got 'mse'"):
        viz.draw_network(model, X, Y, loss="mse")
    with pytest.raises(ValueError, match="one output per class \\(at least 2\\), got 1"):
        viz.draw_network(model, X, 0, loss="cross_entropy")
    logits = nn.Exercise.generate(5, sizes=(2, 2, 2), loss="cross_entropy").model()  # linear outputs
    with pytest.raises(ValueError, match="binary_cross_entropy by hand needs sigmoid outputs, got 'linear'"):
        viz.draw_network(logits, X, [1.0, 0.0], loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"class index or its one-hot row .*got \[0.3, 0.7\]"):
        viz.draw_network(logits, X, [0.3, 0.7], loss="cross_entropy")
    with pytest.raises(ValueError, match="not a class index for 2 classes"):
        viz.draw_network(logits, X, 2, loss="cross_entropy")
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\], got y = \[2.0\]"):
        viz.draw_network(model, X, 2.0, loss="binary_cross_entropy")


@pytest.mark.usefixtures("requires_dot")
def test_the_cross_entropy_picture_renders_in_russian(tmp_path: Path) -> None:
    ex = nn.Exercise.generate(5, sizes=(2, 2, 2), loss="cross_entropy")
    report = ex.check(ex.expected())
    path = viz.save_picture(viz.draw_network(ex.model(), ex.x, ex.y, loss="cross_entropy", check=report, lang="ru"),
                            tmp_path / "network.svg")
    svg = path.read_text()
    assert ">L = 0,5775</text>" in svg and ">onehot(y) = 1; 0</text>" in svg and ">p[0] = 0,5613</text>" in svg
    assert ">ваше &#45;0,4387 ✓</text>" in svg and "yours" not in svg  # the student's delta2[0], in Russian


def test_the_hand_derived_rows_are_russian_in_the_picture_and_the_stepper() -> None:
    model = worked()
    manual = nn.manual_backprop(model, X, Y)
    wrong = {**manual.reference(), "W1[0][0]": 0.5}  # one hand value off: its edge says so
    dot = viz.draw_network(model, X, Y, reference=wrong, lang="ru").source
    assert "вручную δ = -0,01239 ✓" in dot and "✗ (вручную 0,5)" in dot and "manual" not in dot, dot
    with using_language("ru"):
        page = viz.stepper(model=model, x=X, y=Y, view="network", reference=manual.reference()).html
    assert '"вручную δ = "' in page and "manual δ" not in page  # the page finds the row by the same words


def test_numbers_read_from_a_graph_name_the_loss_the_graph_computes() -> None:
    """What the stepper's network view reads: the formula and target of the loss the graph
    was built with, read from its structure (logsumexp of the outputs, softplus of each z)."""
    from deltagrad.autograd import Value
    from deltagrad.viz.graph import read_graph

    ce = nn.Exercise.generate(5, sizes=(2, 2, 2), loss="cross_entropy")
    model = ce.model()
    for target in (ce.target, [Value(t, label=f"y[{i}]") for i, t in enumerate(ce.y)]):  # a class, a one-hot row
        loss = nn.cross_entropy(model([Value(v) for v in ce.x]), target)
        numbers = viz.network.numbers_from_graph(model, read_graph(loss, model.parameters(), []))
        assert numbers.loss_formula == "−ln p[y],  p = softmax(a2)" and numbers.loss_name == "cross_entropy"
        assert numbers.y == ce.y and numbers.loss == pytest.approx(ce.expected()["forward"]["L"], abs=1e-15)
        assert numbers.p == pytest.approx([ce.expected()["forward"][f"p[{i}]"] for i in range(2)], abs=1e-15)
    bce = nn.Exercise.generate(8, sizes=(3, 3, 2), activation="relu", loss="binary_cross_entropy")
    model = bce.model()
    loss = nn.binary_cross_entropy(model([Value(v) for v in bce.x]), bce.y)  # reads z past the sigmoid
    numbers = viz.network.numbers_from_graph(model, read_graph(loss, model.parameters(), []))
    assert numbers.loss_formula == "−(1/2) Σ (y ln a + (1 − y) ln(1 − a))"
    assert numbers.a[-1] == [bce.expected()["forward"][f"a2[{i}]"] for i in range(2)]  # the sigmoid, bit for bit
    assert numbers.deltas[-1] == pytest.approx([bce.expected()["deltas"][f"delta2[{i}]"] for i in range(2)],
                                               abs=1e-15)
    model = worked()
    loss = nn.half_squared_error(model([Value(v) for v in X]), Value(Y, label="y"))
    numbers = viz.network.numbers_from_graph(model, read_graph(loss, model.parameters(), []))
    assert numbers.loss_formula == "½ Σ (a − y)²" and numbers.loss_name == "half_squared_error" and not numbers.p


@pytest.mark.usefixtures("requires_dot")
def test_the_steppers_network_view_of_a_cross_entropy_shows_its_formula_and_class(tmp_path: Path) -> None:
    from deltagrad.autograd import Value

    ex = nn.Exercise.generate(5, sizes=(2, 2, 2), loss="cross_entropy")
    model = ex.model()
    inputs = [Value(v, label=f"x[{j}]") for j, v in enumerate(ex.x)]
    loss = nn.cross_entropy(model(inputs), ex.target)
    page = viz.stepper(loss, model=model, params=model.parameters(), inputs=inputs, view="network").save(
        tmp_path / "step.html").read_text()
    assert ">−ln p[y], &#160;p = softmax(a2)</text>" in page and ">y = 0</text>" in page and "½ Σ" not in page
    assert ">L = 0.5775</text>" in page and "p[0] = " not in page  # p has no step of its own on the page
