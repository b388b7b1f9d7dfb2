"""viz.stepper: the page, driven in headless Chromium (Debian's, through Playwright)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from deltagrad import nn, viz
from deltagrad.autograd import Value, topological_sort
from tests.conftest import B1, B2, W1, W2, X, Y

pytestmark = pytest.mark.usefixtures("requires_dot")


_CACHE: dict[str, tuple[Path, Value, nn.MLP, list[Value]]] = {}


def worked_page(tmp_path: Path) -> tuple[Path, Value, nn.MLP, list[Value]]:
    """The demo's page for the worked example (built once per test process)."""
    if "page" in _CACHE:
        return _CACHE["page"]
    model = nn.MLP.from_weights([W1, W2], [B1, B2])
    data = [Value(v, label=f"x[{j}]") for j, v in enumerate(X)] + [Value(Y, label="y")]
    loss = nn.half_squared_error(model(data[:2]), data[2])
    loss.backward()
    ref = nn.manual_backprop(model, X, Y).reference()
    path = viz.stepper(loss, params=model.parameters(), inputs=data, reference=ref, update=0.1).save(
        tmp_path / "backprop.html")
    _CACHE["page"] = (path, loss, model, data)
    return _CACHE["page"]


def open_page(pg: Any, path: Path, hash_: str = "") -> None:
    pg.add_init_script("window.deltagradNoScroll = true")  # no scrolling to the current node: faster
    pg.goto(path.as_uri() + hash_)
    pg.wait_for_function("window.deltagrad !== undefined")


def test_the_worked_example_page_end_to_end(page: Any, tmp_path: Path) -> None:
    """One page, driven as a learner would: load offline, step with the keys to the end,
    jump to the step that reaches W1[0][0], Reset, the buttons, Play and Pause."""
    path, loss, model, _ = worked_page(tmp_path)
    open_page(page, path)
    order = topological_sort(loss)
    n = len(order)
    # loads with the network blocked and no console errors; forward + seed + backward + update
    assert page.evaluate("window.deltagrad.steps") == n + 1 + n + 1
    assert page.evaluate("window.deltagrad.step") == 0
    assert page.errors == [] and page.blocked == []
    html = path.read_text()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    state = page.evaluate("window.deltagrad.state()")
    assert set(state) == {f"n{i}" for i in range(n)}
    assert all(v["grad"] is None and v["data"] is None for v in state.values())

    # → through to the end: every grad is the engine's, to the bit
    steps = n + 1 + n + 1
    page.click("body")
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("window.deltagrad.step") == steps
    state = page.evaluate("window.deltagrad.state()")
    for i, node in enumerate(order):
        assert state[f"n{i}"]["grad"] == node.grad, node
        assert state[f"n{i}"]["data"] == node.data
        assert state[f"n{i}"]["label"] == node.label
    assert "W1[0][0] ← 0.1 − 0.1 × -0.006197 = 0.1006" in page.inner_text("#explanation")
    assert page.url.endswith(f"#step={steps}")

    # the step where W1[0][0] receives its gradient shows the += product
    w = model.parameters()[0]
    product = order.index(next(v for v in order if v.op == "*" and v.inputs[0] is w))
    page.evaluate(f"window.deltagrad.go({n + 1 + (n - product)})")
    text = page.inner_text("#explanation")
    assert "grad(W1[0][0]) += grad(W1[0][0]·x[0])" in text and "-0.01239 × 0.5 = -0.006197" in text
    assert page.evaluate("window.deltagrad.state()")[f"n{order.index(w)}"]["grad"] == w.grad
    shot = tmp_path / "stepper.png"  # mid-backward, as the README shows it
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000

    # Reset clears every grad; Next, Next, Previous; the hash follows
    page.click("text=Reset")
    assert page.evaluate("window.deltagrad.step") == 0
    assert all(v["grad"] is None for v in page.evaluate("window.deltagrad.state()").values())
    page.click("text=Next")
    page.click("text=Next")
    page.click("text=Previous")
    assert page.evaluate("window.deltagrad.step") == 1 and page.url.endswith("#step=1")

    # Play runs, space pauses
    page.select_option("#speed", "250")
    page.click("#play")
    assert page.inner_text("#play") == "Pause"
    page.wait_for_function("window.deltagrad.step >= 3", timeout=10_000)
    page.keyboard.press(" ")
    stopped = page.evaluate("window.deltagrad.step")
    time.sleep(0.4)
    assert page.evaluate("window.deltagrad.step") == stopped and page.inner_text("#play") == "Play"
    assert page.errors == []


def test_the_hash_opens_the_page_at_a_step(page: Any, tmp_path: Path) -> None:
    path, _, _, _ = worked_page(tmp_path)
    open_page(page, path, "#step=40")
    assert page.evaluate("window.deltagrad.step") == 40
    assert any(v["grad"] is not None for v in page.evaluate("window.deltagrad.state()").values())


def test_fan_in_shows_the_running_sum(page: Any, tmp_path: Path) -> None:
    a = Value(3.0, label="a")
    b = a * a + a
    b.backward()
    path = viz.stepper(b).save(tmp_path / "fan.html")
    open_page(page, path)
    texts = page.evaluate("""() => Array.from({length: window.deltagrad.steps}, (_, k) => {
        window.deltagrad.go(k + 1);
        return document.getElementById("explanation").textContent;
    })""")
    joined = "\n".join(texts)
    assert "running sum" in joined and "grad(a) +=" in joined
    final = page.evaluate("window.deltagrad.state()")
    assert [v["grad"] for v in final.values() if v["label"] == "a"] == [a.grad] == [7.0]


HOSTILE = ["<b>bold</b>", 'say "hi"', "a & b", "</script><script>window.pwned = 1</script>", "two\nlines"]


def test_labels_stay_text(page: Any, tmp_path: Path) -> None:
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
        assert state[f"n{i}"]["label"] == label
        page.evaluate(f"window.deltagrad.go({i + 1})")  # its forward step names it
        assert label.replace("\n", "\ufffd") in page.inner_text("#explanation")
    assert page.evaluate("document.querySelectorAll('b').length") == 0
    assert page.evaluate("window.pwned") is None and page.errors == []
    assert page.evaluate("document.scripts.length") == 2


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="expects a Value"):
        viz.stepper(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="update= needs params="):
        viz.stepper(Value(1.0) * 2.0, update=0.1)
    y = Value(1.0)
    for _ in range(20):
        y = y * 1.01
    with pytest.raises(viz.GraphTooLargeError, match="21 values, more than max_nodes=10"):
        viz.stepper(y, max_nodes=10)


def test_repr_html_runs_inline() -> None:
    step = viz.stepper(Value(2.0, "a").tanh())
    html = step._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "window.deltagrad" in html and "sandbox=\"allow-scripts\"" in html
    data = re.search(r'id="deltagrad-data">(.*?)</script>', step.html, re.S)
    assert data is not None and json.loads(data.group(1))["steps"][0]["kind"] == "forward"
