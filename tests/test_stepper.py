"""viz.stepper: the steps' texts and order (in Python), and the page driven in headless
Chromium (Debian's, through Playwright)."""

from __future__ import annotations

import importlib
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from deltagrad import nn, viz
from deltagrad.autograd import Value, topological_sort
from deltagrad.i18n import using_language
from tests.browser import load
from tests.conftest import EXPECTED, X, Y, close, worked_graph, worked_model

pytestmark = pytest.mark.usefixtures("requires_dot")

_CACHE: dict[str, Any] = {}


def page_data(step: viz.Stepper) -> dict[str, Any]:
    """The page's embedded data, as its script reads it."""
    found = re.search(r'id="deltagrad-data">(.*?)</script>', step.html, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def texts(step: viz.Stepper) -> list[str]:
    return [s["text"] for s in page_data(step)["steps"]]


def worked_page(tmp_path: Path) -> tuple[Path, Value, nn.MLP, list[Value]]:
    """The demo's page for the worked example (built once per test process)."""
    if "page" not in _CACHE:
        loss, model, data, ref = worked_graph()
        page = viz.stepper(loss, params=model.parameters(), inputs=data, reference=ref, update=0.1, model=model)
        _CACHE["page"] = (page.save(tmp_path / "backprop.html"), loss, model, data)
    return _CACHE["page"]  # type: ignore[no-any-return]


def open_page(pg: Any, path: Path, hash_: str = "", width: int = 1280) -> None:
    pg.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    load(pg, path.as_uri() + hash_, "deltagrad")


# -- the steps, in Python ----------------------------------------------------------------------


def test_the_2_2_1_steps_say_what_was_computed() -> None:
    loss, model, data, ref = worked_graph()
    step = viz.stepper(loss, params=model.parameters(), inputs=data, reference=ref, update=0.1, model=model)
    said = texts(step)
    n = len(topological_sort(loss))
    leaves = sum(1 for v in topological_sort(loss) if not v.op)
    assert step.steps == len(said) == 1 + (n - leaves) + 1 + n + 1  # given values, ops, seed, backward, update
    assert said[0] == ("Forward: the given values. data: x[0] = 0.5, x[1] = −0.2, y = 1; parameters: "
                       "W2[0][0] = 0.6, W1[0][0] = 0.1, W1[0][1] = 0.4, b1[0] = 0.2, W2[0][1] = −0.1, "
                       "W1[1][0] = 0.3, W1[1][1] = −0.5, b1[1] = −0.1, b2[0] = 0.3.")
    assert sum("its value is given" in t for t in said) == 0
    with using_language("ru"):  # the comma is the decimal mark there: "; " between the values
        russian = texts(viz.stepper(loss, params=model.parameters(), inputs=data, model=model))[0]
    assert russian.startswith("Прямой проход: заданные значения. данные: x[0] = 0,5; x[1] = −0,2; y = 1; ")
    # the loss, with its brackets, subtraction and negation as written
    assert "Forward: L = 0.5·(a2[0] − y)² = 0.5·0.1302 = 0.0651" in said
    assert "Forward: (a2[0] − y)² = (−0.3608)² = 0.1302" in said
    assert "Forward: a2[0] − y = 0.6392 − 1 = −0.3608" in said
    assert "Forward: −y = −1" in said
    assert not any("+ −" in t or "y · -1" in t or "^ 2" in t for t in said)
    # a folded constant's backward step, with its own rule
    assert ("Backward: dL/dL = 1 is complete: every value that uses it has passed its gradient back. "
            "L = 0.5·(a2[0] − y)² sends it to its operands:\n"
            "dL/d((a2[0] − y)²) += dL/dL × 0.5 = 1 × 0.5 = 0.5   (d(c·x)/dx = c)") in said
    assert any("dL/dy += dL/d(−y) × (−1) = (−0.3608) × (−1) = 0.3608   (d(−x)/dx = −1)" in t for t in said)
    assert any("dL/da2[0] += dL/d(a2[0] − y) × 1 = (−0.3608) × 1 = −0.3608   (d(x + y)/dx = 1)" in t for t in said)
    # δ by name, in the panel
    assert any(t.startswith("Backward: δ = dL/dz1[0] = −0.01239 is complete") for t in said)
    # the update: bracketed negatives, the digits that show the change
    update = said[-1].split("\n")
    assert "W2[0][0] ← W2[0][0] − η·dL/dW2[0][0] = 0.6 − 0.1 × (−0.04514) = 0.604514" in update
    assert "W1[1][1] ← W1[1][1] − η·dL/dW1[1][1] = −0.5 − 0.1 × (−0.0004138) = −0.49995862" in update
    assert update[0] == "Update: W ← W − η·dL/dW for every parameter, with η = 0.1:"


def complete_at(step: viz.Stepper, label: str, graph: list[Value]) -> int:
    """The index of the backward step that completes ``label``'s gradient."""
    i = next(k for k, v in enumerate(graph) if v.label == label)
    return next(k for k, s in enumerate(page_data(step)["steps"]) if s["kind"] == "backward" and s["focus"] == f"n{i}")


def test_the_tutorials_order_and_backwards_order_end_with_the_same_gradients() -> None:
    loss, model, data, _ = worked_graph()
    graph = topological_sort(loss)
    tutorial = viz.stepper(loss, model=model, inputs=data)
    own = viz.stepper(loss, model=model, inputs=data, order="graph")
    # the tutorial: W2[0][0]'s gradient is complete before any δ of layer 1 is shown
    first_delta1 = min(complete_at(tutorial, f"a1[{i}]", graph) for i in range(2))  # a1[i] sends δ1[i]
    assert complete_at(tutorial, "W2[0][0]", graph) < first_delta1
    assert complete_at(tutorial, "b2[0]", graph) < first_delta1
    assert complete_at(own, "W2[0][0]", graph) > min(complete_at(own, f"a1[{i}]", graph) for i in range(2))
    # backward()'s own order is the reverse topological order
    backward = [s["focus"] for s in page_data(own)["steps"] if s["kind"] == "backward"]
    assert backward == [f"n{i}" for i in range(len(graph) - 1, -1, -1)]
    for page in (tutorial, own):
        final: dict[str, float] = {}
        for s in page_data(page)["steps"]:
            for key, field, value, _text in s["set"]:
                if field == "grad":
                    final[key] = value
        assert final == {f"n{i}": v.grad for i, v in enumerate(graph)}  # backward()'s, to the bit


def test_network_mode_steps_per_neuron_and_ends_with_backwards_gradients() -> None:
    model = nn.MLP(2, [4, 4, 1], rng=3)
    x, y = [0.5, -0.2], 1.0
    step = viz.stepper(model=model, x=x, y=y, view="network", update=0.1)
    assert step.steps == 1 + 9 + 1 + 9 + 1 < 40  # given, z and a per neuron, loss, δ per neuron, update
    grads = {key: value for s in page_data(step)["steps"] for key, field, value, _ in s["set"] if field == "grad"}
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    model.zero_grad()
    out = model(data)
    loss = nn.half_squared_error(out, y)
    loss.backward()
    for name, p in model.named_parameters():
        assert grads[name] == p.grad, name
    said = texts(step)
    assert any("dL/da1[0] = Σ δ2[m]·W2[m][0] = δ2[0]·W2[0][0] + δ2[1]·W2[1][0] + δ2[2]·W2[2][0] + δ2[3]·W2[3][0]"
               in t for t in said)
    assert any("δ = dL/dz1[0] = dL/da1[0] × a1[0] (1 − a1[0])" in t for t in said)
    # the 2-2-1's network page says the tutorial's numbers
    said = texts(viz.stepper(model=worked_model(), x=X, y=Y, view="network", update=0.1))
    assert ("Forward, layer 1, neuron 0: z1[0] = W1[0][0]·x[0] + W1[0][1]·x[1] + b1[0] = 0.1·0.5 + 0.4·(−0.2) + 0.2 "
            "= 0.17; a1[0] = σ(z1[0]) = σ(0.17) = 0.5424") in said
    assert "Forward, the loss: L = 0.5·(a2[0] − y)² = 0.5·(0.6392 − 1)² = 0.0651" in said
    big = viz.stepper(model=nn.MLP(2, [16, 16, 1], rng=0), x=x, y=y, update=0.1)  # > 12 neurons: the network
    assert big.view == "network" and big.steps == 1 + 33 + 1 + 33 + 1


def test_reference_values_appear_only_from_their_step() -> None:
    loss, model, data, ref = worked_graph()
    step = viz.stepper(loss, model=model, inputs=data, reference=ref)
    steps = page_data(step)["steps"]
    graph = topological_sort(loss)
    for label in ("W1[0][0]", "z1[0]", "W2[0][0]"):
        key = f"n{next(k for k, v in enumerate(graph) if v.label == label)}"
        shown = [k for k, s in enumerate(steps) if any(e[0] == key and e[1] == "manual" for e in s["set"])]
        assert shown == [complete_at(step, label, graph)], label
    assert step.html.count("manual") > 0 and "0.006197" not in re.sub(r"<svg.*</svg>", "", step.html, flags=re.S
                                                                        ).split("deltagrad-data")[0]


def test_the_module_does_not_shadow_the_function() -> None:
    from deltagrad.viz import stepper

    assert callable(stepper) and stepper is viz.stepper
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("deltagrad.viz.stepper")
    from deltagrad.viz import pages

    for name in ("stepper.html", "stepper.css", "stepper.js", "common.js"):
        assert pages.asset(name)  # package files, read with importlib.resources
    page = viz.stepper(Value(2.0, "a").tanh()).html
    assert pages.asset("stepper.js") in page and pages.asset("stepper.css") in page


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="expects a Value"):
        viz.stepper(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs a root Value, or model="):
        viz.stepper()
    with pytest.raises(ValueError, match="update= needs params="):
        viz.stepper(Value(1.0) * 2.0, update=0.1)
    with pytest.raises(ValueError, match="positive, finite"):
        viz.stepper(Value(1.0) * 2.0, params=[], update=float("inf"))
    with pytest.raises(ValueError, match="too large for a float"):
        viz.stepper(Value(1.0) * 2.0, params=[], update=10**400)
    with pytest.raises(ValueError, match="order must be one of tutorial, graph"):
        viz.stepper(Value(1.0) * 2.0, order="random")
    with pytest.raises(ValueError, match="view must be one of graph, network"):
        viz.stepper(Value(1.0) * 2.0, view="3d")
    with pytest.raises(ValueError, match="view='network' needs model="):
        viz.stepper(Value(1.0) * 2.0, view="network")
    with pytest.raises(TypeError, match="model must be an nn.MLP"):
        viz.stepper(Value(1.0) * 2.0, model="2-2-1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="quiz must be True or False"):
        viz.stepper(Value(1.0) * 2.0, quiz="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not built from this model"):
        viz.stepper(Value(1.0) * 2.0, model=nn.MLP(2, [1], rng=0), view="network")
    with pytest.raises(ValueError, match="too large for a float"):
        viz.stepper(Value(1.0, "a") * 2.0, reference={"a": 10**400})
    y = Value(1.0)
    for _ in range(20):
        y = y * 1.01
    with pytest.raises(viz.GraphTooLargeError, match="21 values, more than max_nodes=10"):
        viz.stepper(y, max_nodes=10)


def test_repr_html_runs_inline() -> None:
    step = viz.stepper(Value(2.0, "a").tanh())
    html = step._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "window.deltagrad" in html and 'sandbox="allow-scripts"' in html
    assert page_data(step)["steps"][0]["kind"] == "forward" and repr(step) == "Stepper(5 steps)"


# -- the page, in Chromium ------------------------------------------------------------------


def test_the_worked_example_page_end_to_end(page: Any, tmp_path: Path) -> None:
    """One page, driven as a learner would: load offline, step with the keys to the end,
    jump to the step that reaches W1[0][0], Reset, the buttons, Play and Pause."""
    path, loss, model, _ = worked_page(tmp_path)
    open_page(page, path)
    order = topological_sort(loss)
    n = len(order)
    steps = page.evaluate("window.deltagrad.steps")
    assert steps == 1 + sum(1 for v in order if v.op) + 1 + n + 1
    assert page.evaluate("window.deltagrad.step") == 0
    assert page.errors == [] and page.blocked == []
    html = path.read_text()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    state = page.evaluate("window.deltagrad.state()")
    assert set(state) == {f"n{i}" for i in range(n)}
    assert all(v["grad"] is None and v["data"] is None for v in state.values())

    page.click("body")
    for _ in range(steps):  # → through to the end: every grad is the engine's, to the bit
        page.keyboard.press("ArrowRight")
    assert page.evaluate("window.deltagrad.step") == steps
    state = page.evaluate("window.deltagrad.state()")
    for i, node in enumerate(order):
        assert state[f"n{i}"]["grad"] == node.grad, node
        assert state[f"n{i}"]["data"] == node.data
        assert state[f"n{i}"]["label"] == node.label
    for name, p in model.named_parameters():
        assert close(state[f"n{order.index(p)}"]["updated"],
                     {**{f"W1[{i}][{j}]": EXPECTED["W1_after"][i][j] for i in range(2) for j in range(2)},
                      "W2[0][0]": EXPECTED["W2_after"][0][0], "W2[0][1]": EXPECTED["W2_after"][0][1],
                      "b1[0]": EXPECTED["b1_after"][0], "b1[1]": EXPECTED["b1_after"][1],
                      "b2[0]": EXPECTED["b2_after"][0]}[name])
    assert "W1[0][0] ← W1[0][0] − η·dL/dW1[0][0] = 0.1 − 0.1 × (−0.006197) = 0.1006197" in \
        page.inner_text("#explanation")
    assert page.url.endswith(f"#step={steps}")
    new = page.evaluate(f"document.getElementById('n{order.index(model.parameters()[0])}').textContent")
    assert "0.1006197" in new  # the picture's "new" row

    # Reset clears every grad; Next, Next, Previous; the hash follows
    page.click("text=Reset")
    assert page.evaluate("window.deltagrad.step") == 0
    assert all(v["grad"] is None for v in page.evaluate("window.deltagrad.state()").values())
    page.click("#next")
    page.click("#next")
    page.click("#prev")
    assert page.evaluate("window.deltagrad.step") == 1 and page.url.endswith("#step=1")

    # Play runs, space pauses
    page.select_option("#speed", "250")
    page.click("#play")
    assert page.inner_text("#play") == "Pause"
    page.wait_for_function("window.deltagrad.step >= 2", timeout=10_000)
    page.keyboard.press(" ")
    stopped = page.evaluate("window.deltagrad.step")
    time.sleep(0.3)  # more than one 250 ms step
    assert page.evaluate("window.deltagrad.step") == stopped and page.inner_text("#play") == "Play"
    assert page.errors == []


def test_the_hash_opens_the_page_at_a_step(page: Any, tmp_path: Path) -> None:
    path, _, _, _ = worked_page(tmp_path)
    open_page(page, path, "#step=40")
    assert page.evaluate("window.deltagrad.step") == 40
    assert any(v["grad"] is not None for v in page.evaluate("window.deltagrad.state()").values())


def test_the_hand_values_show_only_from_their_step(page: Any, tmp_path: Path) -> None:
    path, loss, _, _ = worked_page(tmp_path)
    open_page(page, path)
    order = topological_sort(loss)
    w = f"n{next(i for i, v in enumerate(order) if v.label == 'W1[0][0]')}"
    data = page.evaluate("JSON.parse(document.getElementById('deltagrad-data').textContent)")
    reached = next(k for k, s in enumerate(data["steps"]) if s["kind"] == "backward" and s["focus"] == w)
    manual = f"Array.from(document.querySelectorAll('#{w} text')).map(t => t.textContent).join(' ')"
    page.evaluate(f"window.deltagrad.go({reached})")
    assert "-0.006197 ✓" not in page.evaluate(manual) and "manual ?" in page.evaluate(manual)
    page.evaluate(f"window.deltagrad.go({reached + 1})")
    assert "manual -0.006197 ✓" in page.evaluate(manual)


def test_fan_in_shows_the_running_sum(page: Any, tmp_path: Path) -> None:
    a = Value(3.0, label="a")
    b = a * a + a
    b.backward()
    path = viz.stepper(b).save(tmp_path / "fan.html")
    open_page(page, path)
    said = page.evaluate("""() => Array.from({length: window.deltagrad.steps}, (_, k) => {
        window.deltagrad.go(k + 1);
        return document.getElementById("explanation").textContent;
    })""")
    joined = "\n".join(said)
    assert "running sum" in joined and "dout/da +=" in joined
    final = page.evaluate("window.deltagrad.state()")
    assert [v["grad"] for v in final.values() if v["label"] == "a"] == [a.grad] == [7.0]


HOSTILE = ["<b>bold</b>", 'say "hi"', "a & b", "</script><script>window.pwned = 1</script>", "two\nlines",
           "\ud800 lone", "non\uffffchar\ufdd0", "W1[" + "1" * 5000 + "][0]", "<img src=x onerror=window.pwned=2>"]


def test_labels_stay_text_and_survive(page: Any, tmp_path: Path) -> None:
    leaves = [Value(float(k + 1), label=label) for k, label in enumerate(HOSTILE)]
    out = Value.sum([v * 3.0 for v in leaves]).tanh()
    out.label = "out"
    out.backward()
    path = viz.stepper(out).save(tmp_path / "labels.html")
    open_page(page, path)
    state = page.evaluate("window.deltagrad.state()")
    order = topological_sort(out)
    for label in HOSTILE:
        i = next(k for k, n in enumerate(order) if n.label == label)
        assert state[f"n{i}"]["label"] == label  # the original, in the data
    page.evaluate("window.deltagrad.go(1)")  # the given values name them all, made safe
    said = page.inner_text("#explanation")
    for label in HOSTILE[:5]:
        assert label.replace("\n", "\ufffd") in said
    assert "\ufffd lone" in said and "non\ufffdchar\ufffd" in said and "W1[111" in said and "…" in said
    assert page.evaluate("document.querySelectorAll('b, img').length") == 0
    assert page.evaluate("window.pwned") is None and page.errors == []
    assert page.evaluate("document.scripts.length") == 2


def test_pages_with_inf_and_nan_work(page: Any, tmp_path: Path) -> None:
    x = Value(0.0, label="x")
    cases = {"log": x.log(), "sqrt": Value(-1.0, label="x") ** 0.5,
             "div": Value(1.0, label="a") / Value(0.0, label="b"),
             "negdiv": Value(-1.0, label="a") / Value(0.0, label="b")}
    for name, root in cases.items():
        root.backward()
        path = viz.stepper(root).save(tmp_path / f"{name}.html")
        open_page(page, path)
        steps = page.evaluate("window.deltagrad.steps")
        page.evaluate(f"window.deltagrad.go({steps})")
        state = page.evaluate("window.deltagrad.state()")
        order = topological_sort(root)
        for i, node in enumerate(order):
            for field in ("data", "grad"):
                got, want = state[f"n{i}"][field], getattr(node, field)
                assert got == want or (got != got and want != want), (name, node, field, got)
        shown = page.evaluate("document.getElementById('graph').textContent")
        assert page.errors == [], (name, page.errors)
        if name == "log":
            assert "-inf" in shown and "inf" in shown
        if name == "sqrt":
            assert "nan" in shown
        if name == "negdiv":
            assert "-inf" in shown


def test_the_quiz_asks_before_it_shows(page: Any, tmp_path: Path) -> None:
    loss, model, data, _ = worked_graph()
    path = viz.stepper(loss, model=model, inputs=data, quiz=True).save(tmp_path / "quiz.html")
    open_page(page, path)
    steps = page.evaluate("window.deltagrad.steps")
    stopped = page.evaluate(f"window.deltagrad.go({steps})")
    assert stopped < steps  # the first backward step asks first
    question = page.inner_text("#quiz-question")
    assert "= ?" in question and page.is_visible("#quiz-answer")
    data_ = page.evaluate("JSON.parse(document.getElementById('deltagrad-data').textContent)")
    asked = data_["steps"][stopped - 1]["quiz"]
    assert page.evaluate("window.deltagrad.state()")[asked["key"]]["grad"] is None
    assert page.evaluate("window.deltagrad.answer('<img src=x onerror=window.pwned=1>')")["verdict"] == "invalid"
    assert page.evaluate("window.deltagrad.answer('12345')")["verdict"] == "wrong"
    assert page.evaluate("window.deltagrad.state()")[asked["key"]]["grad"] is None
    typed = asked["text"].replace(".", ",")
    assert page.evaluate(f"window.deltagrad.answer({json.dumps(typed)})")["verdict"] == "right"
    assert page.evaluate("window.deltagrad.state()")[asked["key"]]["grad"] == asked["value"]
    again = page.evaluate(f"window.deltagrad.go({steps})")
    assert again > stopped
    page.evaluate("window.deltagrad.reveal()")
    assert page.evaluate("window.deltagrad.step") == again
    assert page.evaluate("document.querySelectorAll('img').length") == 0 and page.evaluate("window.pwned") is None


def test_zoom_and_pan(page: Any, tmp_path: Path) -> None:
    path, _, _, _ = worked_page(tmp_path)
    open_page(page, path)
    content = page.evaluate("window.deltagrad.zoom.content()")
    fit = page.evaluate("window.deltagrad.zoom.fit()")
    assert fit["x"] <= content["x"] + 1e-6 and fit["x"] + fit["w"] >= content["x"] + content["w"] - 1e-6
    assert fit["y"] <= content["y"] + 1e-6 and fit["y"] + fit["h"] >= content["y"] + content["h"] - 1e-6
    one = page.evaluate("window.deltagrad.zoom.actual()")
    width = page.evaluate("document.getElementById('graph').clientWidth")
    assert abs(one["w"] - width * 0.75) < 1e-6  # 1:1: a point of the drawing is 4/3 px
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)  # zoom in at the pointer
    zoomed = page.evaluate("window.deltagrad.zoom.view()")
    assert zoomed["w"] < one["w"]
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 100, box["y"] + box["height"] / 2 + 50)
    page.mouse.up()
    panned = page.evaluate("window.deltagrad.zoom.view()")
    assert panned["x"] < zoomed["x"] and panned["y"] < zoomed["y"] and panned["w"] == zoomed["w"]
    # the current node is scrolled into view at every step
    page.click("#fit")
    page.evaluate("window.deltagrad.zoom.actual()")
    steps = page.evaluate("window.deltagrad.steps")
    for k in (5, steps - 3):
        page.evaluate(f"window.deltagrad.go({k})")
        visible = page.evaluate("""() => {
            const g = document.querySelector('g.node.current'), m = document.getElementById('graph');
            const r = g.getBoundingClientRect(), v = m.getBoundingClientRect();
            return r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom; }""")
        assert visible, k


def text_boxes(page: Any) -> list[dict[str, float]]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#graph svg text'))
        .filter(t => t.textContent.trim()).map(t => { const r = t.getBoundingClientRect();
        return {x: r.left, y: r.top, w: r.width, h: r.height, text: t.textContent}; })""")


def overlaps(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5 and \
                    a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5:
                out.append((a["text"], b["text"]))
    return out


def test_no_text_overlaps_another_at_the_update_step(page: Any, tmp_path: Path) -> None:
    path, _, _, _ = worked_page(tmp_path)
    open_page(page, path)
    steps = page.evaluate("window.deltagrad.steps")
    page.evaluate(f"window.deltagrad.go({steps})")
    page.evaluate("window.deltagrad.zoom.actual()")
    boxes = text_boxes(page)
    assert any("0.604514" in b["text"] for b in boxes)
    assert overlaps(boxes) == []


def test_screenshots_of_the_2_2_1_and_the_2_4_4_1(page: Any, tmp_path: Path) -> None:
    """The pages at 1440 px and on a 390 px phone: the controls wrap, the panel's text is
    at least 14 px, the picture fits the width. (Look at them: they are in tmp_path.)"""
    path, _, _, _ = worked_page(tmp_path)
    bigger = viz.stepper(model=nn.MLP(2, [4, 4, 1], rng=3), x=[0.5, -0.2], y=1.0, update=0.1)
    assert bigger.view == "graph"
    network = viz.stepper(model=nn.MLP(2, [4, 4, 1], rng=3), x=[0.5, -0.2], y=1.0, update=0.1, view="network")
    pages_ = {"221": path, "2441": bigger.save(tmp_path / "2441.html"), "2441net": network.save(tmp_path / "net.html")}
    for name, file in pages_.items():
        for width in (1440, 390):
            open_page(page, file, "#step=30", width=width)
            shot = tmp_path / f"stepper-{name}-{width}.png"
            page.screenshot(path=str(shot))
            assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
            layout = page.evaluate("""() => {
                const ids = ['reset', 'prev', 'play', 'next', 'fit', 'actual', 'zoom-in', 'zoom-out', 'slider'];
                const right = Math.max(...ids.map(id => document.getElementById(id).getBoundingClientRect().right));
                const svg = document.querySelector('#graph svg').getBoundingClientRect();
                return {right, width: innerWidth, scroll: document.documentElement.scrollWidth,
                        font: parseFloat(getComputedStyle(document.getElementById('explanation')).fontSize),
                        svg: svg.width};
            }""")
            assert layout["right"] <= layout["width"] and layout["scroll"] <= layout["width"], (name, width, layout)
            assert layout["font"] >= 14 and layout["svg"] <= layout["width"]
            assert page.errors == []


def test_expr_html_of_log_at_zero_gives_a_working_page(page: Any, tmp_path: Path) -> None:
    from tests.conftest import run_cli

    result = run_cli("expr", "log(x)", "x=0", "--html", "--format", "dot", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "expr.html"
    open_page(page, path)
    steps = page.evaluate("window.deltagrad.steps")
    page.evaluate(f"window.deltagrad.go({steps})")
    state = page.evaluate("window.deltagrad.state()")
    assert sorted(str(v["data"]) for v in state.values()) == ["-inf", "0"] or \
        {v["data"] for v in state.values()} == {0.0, float("-inf")}
    assert any(v["grad"] == float("inf") for v in state.values())
    assert "−inf" in page.inner_text("#explanation") or "-inf" in page.inner_text("#graph")
    assert page.errors == []


def test_a_leaf_drawn_beside_each_use_shows_its_numbers_in_every_copy(page: Any, tmp_path: Path) -> None:
    x = Value(1.01, label="x")
    t = x
    for _ in range(120):
        t = x ** t
    t.backward()
    path = viz.stepper(t).save(tmp_path / "tower.html")
    open_page(page, path)
    page.evaluate(f"window.deltagrad.go({page.evaluate('window.deltagrad.steps')})")
    texts_ = page.evaluate("""() => Array.from(document.querySelectorAll('g.node'))
        .filter(g => g.id === 'n0' || g.id.startsWith('n0_'))
        .map(g => Array.from(g.querySelectorAll('text')).map(t => t.textContent).join(' '))""")
    assert len(texts_) == 121 and len(set(texts_)) == 1  # x ** x, then 119 more powers of x and "?" not in texts_[0]
