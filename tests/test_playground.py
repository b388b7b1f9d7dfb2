"""viz.playground: the live page, in Python and driven in headless Chromium (Debian's, through Playwright).

The page computes with the JavaScript the compiler writes; every number it shows is held
here against Python's autograd at the same weights, inputs and targets.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from deltagrad import nn, viz
from deltagrad.autograd import Value
from tests.browser import load
from tests.conftest import B1, B2, EXPECTED, W1, W2, X, Y


def worked_model() -> nn.MLP:
    return nn.MLP.from_weights([W1, W2], [B1, B2])


def open_page(pg: Any, page: viz.Playground, tmp_path: Path, name: str = "play.html") -> Path:
    path = page.save(tmp_path / name)
    load(pg, path.as_uri(), "deltagrad_play")
    return path


def python_state(model: nn.MLP, x: list[float], y: Any, loss: Any) -> tuple[dict[str, dict[str, float]],
                                                                               dict[str, float], float]:
    """Python's z, a and δ per neuron (keyed by z name), dL/dparam per name, and the loss."""
    xs = [Value(v, label=f"x[{j}]") for j, v in enumerate(x)]
    neurons: dict[str, tuple[Value, Value]] = {}
    out: list[Value] = xs
    for layer in model.layers:
        acts = [n(out) for n in layer.neurons]
        for n, a in zip(layer.neurons, acts):
            z = a if layer.activation == "linear" else a.inputs[0]
            neurons[f"z{n.layer}[{n.index}]"] = (z, a)
        out = acts
    model.zero_grad()
    value = loss(out[0] if len(out) == 1 else out, y)
    value.backward()
    state = {name: {"z": z.data, "a": a.data, "delta": z.grad} for name, (z, a) in neurons.items()}
    grads = {name: p.grad for name, p in model.named_parameters()}
    return state, grads, value.data


def close(a: float, b: float, rel: float) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def assert_state_matches(got: dict[str, Any], model: nn.MLP, x: list[float], y: Any, loss: Any,
                         rel: float = 1e-12) -> None:
    neurons, grads, value = python_state(model, x, y, loss)
    assert close(got["loss"], value, rel), (got["loss"], value)
    for name, want in neurons.items():
        for key in ("z", "a", "delta"):
            assert close(got["neurons"][name][key], want[key], rel), (name, key, got["neurons"][name][key], want[key])
    for name, p in model.named_parameters():
        assert got["params"][name]["value"] == p.data, name
        assert close(got["params"][name]["grad"], grads[name], rel), (name, got["params"][name]["grad"], grads[name])


# -- Python: the page object and bad input ------------------------------------------------------
def test_the_page_is_one_self_contained_file(tmp_path: Path) -> None:
    page = viz.playground(worked_model(), X, Y)
    html = page.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)  # nothing to fetch
    assert "deltagrad_kernels" in html and "deltagrad_runtime" in html
    assert repr(page) == "Playground(2-2-1 sigmoid, half_squared_error, one example)"
    path = page.save(tmp_path / "sub" / "play.html")
    assert path.read_text(encoding="utf-8") == html
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script>" not in frame  # escaped into the attribute


def test_labels_and_class_names_stay_text() -> None:
    X2, Y2 = nn.datasets.xor()
    model = nn.MLP(2, [3, 1], "tanh", "sigmoid", rng=0)
    evil = ["</script><img src=x onerror=alert(1)>", "a & <b>"]
    html = viz.playground(model, X2, [float(v) for v in Y2], class_names=evil).html
    assert "<img" not in html and "</script><" not in html and "<b>" not in html


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: viz.playground("model"), TypeError, "expects an nn.MLP, got str"),
    (lambda: viz.playground(worked_model(), X, Y, lr=0), ValueError, "lr must be a finite number > 0"),
    (lambda: viz.playground(worked_model(), X, Y, lr="fast"), TypeError, "lr must be a number"),
    (lambda: viz.playground(worked_model(), [0.5], Y), ValueError, "needs 2 values"),
    (lambda: viz.playground(worked_model(), [[0.0, 1.0]], [1.0, 0.0]), ValueError, "1 rows in X but 2 targets"),
    (lambda: viz.playground(worked_model(), [[0.0, math.nan]], [1.0]), ValueError, "X[0][1] must be finite"),
    (lambda: viz.playground(worked_model(), [[0.0, 1.0]], ["yes"]), ValueError, "Y[0] must be a finite number"),
    (lambda: viz.playground(worked_model(), X, Y, test=([[0.0, 1.0]], [1.0])), ValueError, "test= needs a data set"),
    (lambda: viz.playground(worked_model(), X, Y, loss="nope"), ValueError, "unknown loss 'nope'"),
    (lambda: viz.playground(worked_model(), [[0.0, 1.0]], [1.0], class_names=["a"]), ValueError,
     "class_names has 1 names but the model and data have 2 classes"),
])
def test_bad_input_is_refused_clearly(call: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_non_finite_weights_are_refused() -> None:
    model = worked_model()
    model.layers[0].neurons[0].w[1].data = math.inf
    with pytest.raises(ValueError, match=re.escape("finite weights, got W1[0][1] = inf")):
        viz.playground(model)


# -- the browser ----------------------------------------------------------------------------------
def test_the_worked_example_live(page: Any, tmp_path: Path) -> None:
    """The tutorial's 2-2-1: every number is Python's, the written-out gradient reads as the
    tutorial's, a Step is the tutorial's SGD step, and nothing reaches the network."""
    open_page(page, viz.playground(worked_model(), X, Y, lr=0.1), tmp_path)
    state = page.evaluate("window.deltagrad_play.state()")
    assert state["accuracy"] is None
    assert close(state["loss"], EXPECTED["L"], 1e-12)
    assert close(state["neurons"]["z2[0]"]["delta"], EXPECTED["delta2"], 1e-12)
    for i in range(2):
        assert close(state["neurons"][f"z1[{i}]"]["delta"], EXPECTED["delta1"][i], 1e-12)
        assert close(state["neurons"][f"z1[{i}]"]["a"], EXPECTED["a1"][i], 1e-12)
    assert_state_matches(state, worked_model(), X, Y, nn.half_squared_error)
    text = page.inner_text("#explain")  # W1[0][1] is selected at first: the example
    assert "dL/dW₁₂⁽¹⁾ = δ₁⁽¹⁾ · x₂ = (-0.01239) · (-0.2) = 0.002479" in text
    assert "δ₁⁽¹⁾ = σ'(z₁⁽¹⁾) · W₁₁⁽²⁾ δ₁⁽²⁾ = 0.2482 · 0.6 · (-0.08322) = -0.01239" in text
    page.evaluate("window.deltagrad_play.step()")
    after = page.evaluate("window.deltagrad_play.state()")["params"]
    for i in range(2):
        for j in range(2):
            assert close(after[f"W1[{i}][{j}]"]["value"], EXPECTED["W1_after"][i][j], 1e-12)
        assert close(after[f"b1[{i}]"]["value"], EXPECTED["b1_after"][i], 1e-12)
        assert close(after[f"W2[0][{i}]"]["value"], EXPECTED["W2_after"][0][i], 1e-12)
    assert close(after["b2[0]"]["value"], EXPECTED["b2_after"][0], 1e-12)
    assert page.inner_text("#epoch") == "epoch 1"
    # click the output neuron: its δ from the loss, written out
    page.click("#network rect.box >> nth=4")
    assert "δ₁⁽²⁾ = dL/da₁⁽²⁾ · σ'(z₁⁽²⁾) = (a₁⁽²⁾ − y) · σ'(z₁⁽²⁾)" in page.inner_text("#explain")
    page.evaluate("window.deltagrad_play.reset()")
    assert page.evaluate("window.deltagrad_play.state()")["params"]["W1[0][0]"]["value"] == W1[0][0]
    assert page.inner_text("#epoch") == "epoch 0"
    assert page.errors == [] and page.blocked == []


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_gradients_after_random_edits_equal_pythons(page: Any, tmp_path: Path, activation: str) -> None:
    rng = random.Random(activation)
    model = nn.MLP(3, [4, 3, 1], activation, "sigmoid", rng=1)
    x, y = [0.3, -0.7, 1.1], 0.0
    open_page(page, viz.playground(model, x, y), tmp_path)
    names = [name for name, _ in model.named_parameters()]
    # each edit and the state after it in one call to the page: [what the edit returned, state()]
    edit = "([call, args]) => [window.deltagrad_play[call](...args), window.deltagrad_play.state()]"
    for _ in range(12):
        what = rng.randrange(3)
        if what == 0:
            name, v = rng.choice(names), rng.uniform(-2, 2)
            done, state = page.evaluate(edit, ["setWeight", [name, v]])
            dict(model.named_parameters())[name].data = v
        elif what == 1:
            j, v = rng.randrange(3), rng.uniform(-3, 3)
            done, state = page.evaluate(edit, ["setInput", [j, v]])
            x[j] = v
        else:
            y = rng.uniform(0, 1)
            done, state = page.evaluate(edit, ["setTarget", [y]])
        assert done is True
        assert_state_matches(state, model, x, y, nn.half_squared_error)
    assert page.errors == []


def test_training_on_moons_equals_nn_fit(page: Any, tmp_path: Path) -> None:
    """100 full-batch SGD steps in the page are 100 epochs of nn.fit(batch_size=None) with
    nn.SGD(lr), to 1e-9: the same losses per epoch and the same weights."""
    Xm, Ym = nn.datasets.moons(100, rng=0)
    Yf = [float(v) for v in Ym]
    model = nn.MLP(2, [8, 8, 1], "tanh", "sigmoid", rng=3)
    open_page(page, viz.playground(model, Xm, Yf, lr=0.5), tmp_path)
    before = page.evaluate("window.deltagrad_play.heatmap()")
    losses = page.evaluate("window.deltagrad_play.train(100)")
    history = nn.fit(model, Xm, Yf, loss="binary_cross_entropy", optimizer=nn.SGD(model.parameters(), 0.5),
                     epochs=100, batch_size=None, compiled=True, progress=False)  # compiled = eager, bit for bit
    assert len(losses) == 100
    assert all(close(a, b, 1e-9) for a, b in zip(losses, history.loss))
    state = page.evaluate("window.deltagrad_play.state()")
    for name, p in model.named_parameters():
        assert close(state["params"][name]["value"], p.data, 1e-9), (name, state["params"][name]["value"], p.data)
    assert state["accuracy"] == nn.accuracy(model, Xm, Yf)
    assert page.inner_text("#epoch") == "epoch 100"
    after = page.evaluate("window.deltagrad_play.heatmap()")
    changed = sum(a != b for a, b in zip(before, after))
    assert changed > len(before) // 10  # the boundary moved over a good part of the plane
    assert page.errors == []


@pytest.mark.parametrize("start", ["zeros", "equal", "constant"])
def test_a_symmetric_start_keeps_the_hidden_neurons_clones(page: Any, tmp_path: Path, start: str) -> None:
    open_page(page, viz.playground(worked_model(), X, Y), tmp_path)
    assert page.is_hidden("#clones")
    page.evaluate(f"window.deltagrad_play.init('{start}', 0)")
    page.evaluate("window.deltagrad_play.train(50)")
    state = page.evaluate("window.deltagrad_play.state()")
    p = state["params"]
    assert [p["W1[0][0]"]["value"], p["W1[0][1]"]["value"], p["b1[0]"]["value"]] == \
        [p["W1[1][0]"]["value"], p["W1[1][1]"]["value"], p["b1[1]"]["value"]]
    assert state["neurons"]["z1[0]"] == state["neurons"]["z1[1]"]
    assert state["epoch"] == 50
    assert page.is_visible("#clones") and "clones" in page.inner_text("#clones")
    page.evaluate("window.deltagrad_play.init('uniform', 0)")
    assert page.is_hidden("#clones")
    page.select_option("#init", "")  # back to the model's own weights
    assert page.evaluate("window.deltagrad_play.state()")["params"]["W1[0][1]"]["value"] == W1[0][1]


@pytest.mark.parametrize(("start", "seed"), [("uniform", 0), ("xavier", 7), ("he", 123), ("constant", 0)])
def test_init_draws_what_nn_mlp_draws_for_the_seed(page: Any, tmp_path: Path, start: str, seed: int) -> None:
    open_page(page, viz.playground(nn.MLP(2, [5, 3, 1], "tanh", "sigmoid", rng=0)), tmp_path)
    page.evaluate("([s, n]) => window.deltagrad_play.init(s, n)", [start, seed])
    params = page.evaluate("window.deltagrad_play.state()")["params"]
    want = nn.MLP(2, [5, 3, 1], "tanh", "sigmoid", init=start, rng=seed)
    for name, p in want.named_parameters():
        assert close(params[name]["value"], p.data, 1e-15), (name, params[name]["value"], p.data)


def test_typed_text_is_refused_in_place_and_a_huge_rate_stops_training(page: Any, tmp_path: Path) -> None:
    Xm, Ym = nn.datasets.moons(40, rng=0)
    open_page(page, viz.playground(nn.MLP(2, [4, 1], "tanh", "sigmoid", rng=0), Xm, [float(v) for v in Ym]),
              tmp_path)
    before = page.evaluate("window.deltagrad_play.state()")
    page.fill("#x0", "0.5abc")
    page.press("#x0", "Enter")
    assert page.evaluate("window.deltagrad_play.state()") == before
    message = page.inner_text("#message")
    assert message == "0.5abc is not a number: type a decimal number such as 0.17 or 0,17."
    assert "bad" in (page.get_attribute("#x0", "class") or "")
    page.fill("#x0", "0,25")  # the decimal comma of Russian textbooks
    page.press("#x0", "Enter")
    assert page.evaluate("window.deltagrad_play.state()")["inputs"][0] == 0.25
    assert page.is_hidden("#message")
    assert page.evaluate("window.deltagrad_play.setWeight('W1[0][0]', 'seven')") is False
    page.fill("#lr", "-1")
    page.press("#lr", "Enter")
    assert "greater than 0" in page.inner_text("#message")
    page.evaluate("window.deltagrad_play.setLearningRate(1e308)")
    losses = page.evaluate("window.deltagrad_play.train(500)")
    assert len(losses) < 500  # stopped at the first non-finite step
    state = page.evaluate("window.deltagrad_play.state()")
    assert state["diverged"] is True
    assert "press Reset" in page.inner_text("#message")
    page.click("#train")  # refuses to run on, and the page still answers
    assert page.evaluate("window.deltagrad_play.running") is False
    page.click("#reset")
    state = page.evaluate("window.deltagrad_play.state()")
    assert state["diverged"] is False and state["epoch"] == 0 and page.is_hidden("#message")
    assert page.errors == []


def test_train_runs_in_animation_frames_and_pauses(page: Any, tmp_path: Path) -> None:
    Xm, Ym = nn.datasets.circles(60, rng=0)
    open_page(page, viz.playground(nn.MLP(2, [6, 1], "tanh", "sigmoid", rng=0), Xm, [float(v) for v in Ym]),
              tmp_path)
    page.click("#train")
    assert page.inner_text("#train") == "Pause"
    page.wait_for_function("window.deltagrad_play.state().epoch > 20")
    assert page.evaluate("1 + 1") == 2  # the page answers while it trains
    page.click("#train")
    epoch = page.evaluate("window.deltagrad_play.state().epoch")
    page.wait_for_timeout(100)  # some six frames: a paused page trains in none
    assert page.evaluate("window.deltagrad_play.state().epoch") == epoch
    assert page.inner_text("#train") == "Train"
    assert page.errors == []


def test_clicking_and_dragging_edit_the_numbers(page: Any, tmp_path: Path) -> None:
    open_page(page, viz.playground(worked_model(), X, Y), tmp_path)
    page.focus("#network rect.box >> nth=2")  # hidden neuron z1[0], from the keyboard
    page.keyboard.press("Enter")
    text = page.inner_text("#explain")
    assert "z₁⁽¹⁾ = W₁₁⁽¹⁾ x₁ + W₁₂⁽¹⁾ x₂ + b₁⁽¹⁾ = 0.1 · 0.5 + 0.4 · (-0.2) + 0.2 = 0.17" in text
    assert "dL/db₁⁽¹⁾ = δ₁⁽¹⁾ = -0.01239" in text
    page.fill("#edit-value", "0.7")  # its bias, typed
    page.press("#edit-value", "Enter")
    model = worked_model()
    model.layers[0].neurons[0].b.data = 0.7
    assert_state_matches(page.evaluate("window.deltagrad_play.state()"), model, X, Y, nn.half_squared_error)
    x0, y0 = page.evaluate("""() => {
        const path = document.querySelector("#network path.hit[data-name='W2[0][1]']");
        const p = path.getPointAtLength(path.getTotalLength() / 2), m = path.getScreenCTM();
        return [p.x * m.a + m.e, p.y * m.d + m.f];
    }""")
    start = page.evaluate("window.deltagrad_play.state().params['W2[0][1]'].value")
    page.mouse.move(x0, y0)
    assert "W₁₂⁽²⁾ = -0.1" in page.inner_text("#tooltip")  # the names of the notation in use
    page.mouse.down()
    page.mouse.move(x0, y0 - 50, steps=5)
    page.mouse.up()
    moved = page.evaluate("window.deltagrad_play.state().params['W2[0][1]'].value")
    assert moved > start + 0.3  # up is larger
    assert "dL/dW₁₂⁽²⁾ = δ₁⁽²⁾ · a₂⁽¹⁾" in page.inner_text("#explain")
    assert page.errors == []


def test_the_editor_and_the_tooltip_name_in_the_notation_in_use(page: Any, tmp_path: Path) -> None:
    open_page(page, viz.playground(worked_model(), X, Y), tmp_path)  # the tutorial's notation
    assert page.inner_text("#editor").startswith("W₁₂⁽¹⁾ (weight)")  # W1[0][1], selected at first
    page.click("#network rect.box >> nth=2")  # hidden neuron z1[0]: its bias
    assert page.inner_text("#editor").startswith("b₁⁽¹⁾ (bias)")
    assert page.errors == []


def test_the_code_notation(page: Any, tmp_path: Path) -> None:
    open_page(page, viz.playground(worked_model(), X, Y, notation="code"), tmp_path)
    text = page.inner_text("#explain")
    assert page.inner_text("#editor").startswith("W1[0][1] (weight)")
    assert "dL/dW1[0][1] = delta1[0] · x[1] = (-0.01239) · (-0.2) = 0.002479" in text
    assert "delta1[0] = σ'(z1[0]) · W2[0][0] delta2[0] = 0.2482 · 0.6 · (-0.08322) = -0.01239" in text
    with pytest.raises(ValueError, match="unknown notation"):
        viz.playground(worked_model(), notation="greek")


def test_class_names_stay_text_in_the_page(page: Any, tmp_path: Path) -> None:
    X2, Y2 = nn.datasets.xor()
    evil = ["<img src=x onerror=window.hacked=1>", "b&amp;"]
    model = nn.MLP(2, [3, 1], "tanh", "sigmoid", rng=0)
    open_page(page, viz.playground(model, X2, [float(v) for v in Y2], class_names=evil), tmp_path)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("window.hacked") is None
    options = page.evaluate("Array.from(document.querySelectorAll('#y option')).map(o => o.textContent)")
    assert options == evil


def test_a_large_network_is_drawn_compact_with_a_note(page: Any, tmp_path: Path) -> None:
    Xm, Ym = nn.datasets.moons(30, rng=0)
    model = nn.MLP(2, [40, 30, 1], "relu", "sigmoid", rng=0)
    open_page(page, viz.playground(model, Xm, [float(v) for v in Ym]), tmp_path)
    assert page.is_visible("#compact-note") and "73 neurons" in page.inner_text("#compact-note")
    assert page.evaluate("document.querySelectorAll('#network text').length") == 0
    assert page.evaluate("document.querySelectorAll('#network rect.box').length") == 73
    page.click("#network rect.box >> nth=5")
    assert "δ₄⁽¹⁾" in page.inner_text("#explain")
    assert page.errors == []


def test_screenshots_at_1440_and_390(page: Any, tmp_path: Path) -> None:
    """The page fits both widths: nothing wider than the window but the network's own scroller."""
    Xm, Ym = nn.datasets.moons(100, rng=0)
    play = viz.playground(nn.MLP(2, [4, 4, 1], "tanh", "sigmoid", rng=0), Xm, [float(v) for v in Ym], lr=0.5)
    path = play.save(tmp_path / "play.html")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        load(page, path.as_uri(), "deltagrad_play")
        page.evaluate("window.deltagrad_play.train(150)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(tmp_path / f"play-{width}.png"), full_page=True)
        assert (tmp_path / f"play-{width}.png").stat().st_size > 10_000
    assert page.errors == []


# Each readout value: its text's line boxes (one per line it takes), its box's height, and
# the line height, so a test sees a number broken over lines ("0 . 6 5 2 5").
READOUT_LINES = """() => [...document.querySelectorAll("#readout dd, #accuracy dd")].map((dd) => {
  const range = document.createRange();
  range.selectNodeContents(dd);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return {text: dd.textContent, lines: tops.size, height: dd.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(dd).lineHeight), overflow: dd.scrollWidth > dd.clientWidth};
})"""


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_readout_values_stay_on_one_line(page: Any, tmp_path: Path, lang: str) -> None:
    """The long Russian labels wrap; the numbers beside them never break inside, at 1440 and 390 px."""
    from deltagrad.i18n import using_language

    Xm, Ym = nn.datasets.moons(100, rng=0)
    with using_language(lang):
        play = viz.playground(nn.MLP(2, [4, 4, 1], "tanh", "sigmoid", rng=0), Xm, [float(v) for v in Ym], lr=0.5)
    path = play.save(tmp_path / f"play-{lang}.html")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        load(page, path.as_uri(), "deltagrad_play")
        rows = page.evaluate(READOUT_LINES)
        assert len(rows) >= 5  # prediction, class, loss, mean loss, train accuracy
        for row in rows:
            assert re.fullmatch(r"-?[\d.,e-]+\s?%?", row["text"]), row  # a number: nothing else to wrap at
            assert row["lines"] == 1 and not row["overflow"], (width, row)
            assert row["height"] <= row["lineHeight"] + 1, (width, row)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # the long init choices too
    assert page.errors == []


def test_the_page_data_is_json_with_the_models_names() -> None:
    model = worked_model()
    html = viz.playground(model, X, Y).html
    data = json.loads(re.search(r'id="deltagrad-play-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert [p["name"] for p in data["params"]] == [name for name, _ in model.named_parameters()]
    assert [n["z"] for n in data["neurons"]] == ["z1[0]", "z1[1]", "z2[0]"]
    assert data["x"] == X and data["y"] == Y and data["data"] is None
    assert data["strings"]["step"] == "Step"


def blobs(n: int = 60) -> tuple[list[list[float]], list[int]]:
    """Three 2-D clusters, one per class."""
    rng = random.Random(0)
    centres = [(-1.0, -1.0), (1.0, -0.5), (0.0, 1.2)]
    X3: list[list[float]] = []
    Y3: list[int] = []
    for i in range(n):
        k = i % 3
        X3.append([centres[k][0] + rng.gauss(0, 0.45), centres[k][1] + rng.gauss(0, 0.45)])
        Y3.append(k)
    return X3, Y3


def test_three_classes_softmax_cross_entropy_and_a_coloured_map(page: Any, tmp_path: Path) -> None:
    X3, Y3 = blobs()
    model = nn.MLP(2, [5, 3], "tanh", "linear", rng=2)
    open_page(page, viz.playground(model, X3, Y3, lr=0.3, class_names=["red", "green", "blue"]), tmp_path)
    state = page.evaluate("window.deltagrad_play.state()")
    assert_state_matches(state, model, X3[0], Y3[0], nn.cross_entropy)
    assert state["accuracy"] == nn.accuracy(model, X3, Y3)
    page.evaluate("window.deltagrad_play.select({kind: 'neuron', k: 5})")  # output neuron 0
    assert re.search(r"δ₁⁽²⁾ = dL/dz₁⁽²⁾ = p₁ − \[y = 1\] = [\d.e-]+ − 1 = ", page.inner_text("#explain"))
    assert page.inner_text("#classes") .split() == ["red", "green", "blue"]
    losses = page.evaluate("window.deltagrad_play.train(30)")
    history = nn.fit(model, X3, Y3, loss="cross_entropy", optimizer=nn.SGD(model.parameters(), 0.3), epochs=30,
                     batch_size=None, progress=False)
    assert all(close(a, b, 1e-9) for a, b in zip(losses, history.loss))
    params = page.evaluate("window.deltagrad_play.state()")["params"]
    for name, p in model.named_parameters():
        assert close(params[name]["value"], p.data, 1e-9), name
    pixels = page.evaluate("window.deltagrad_play.heatmap()")
    colours = {tuple(pixels[i:i + 3]) for i in range(0, len(pixels), 4 * 97)}
    assert len(colours) > 10  # every class's colour, blended by its probability
    assert page.errors == []


def test_more_than_two_inputs_get_curves_and_no_heat_map(page: Any, tmp_path: Path) -> None:
    X4, Y4, names = nn.datasets.iris()
    Xtr, Ytr, Xte, Yte = nn.datasets.train_test_split(X4, Y4, test=0.2, rng=0)
    model = nn.MLP(4, [6, 3], "tanh", "linear", rng=0)
    open_page(page, viz.playground(model, Xtr, Ytr, test=(Xte, Yte), class_names=names, lr=0.3), tmp_path)
    assert page.is_hidden("#heatmap-figure")
    assert page.inner_text("#no-heatmap") == "The data have 4 inputs: no decision-boundary picture, only the curves."
    page.evaluate("window.deltagrad_play.train(40)")
    state = page.evaluate("window.deltagrad_play.state()")
    assert state["test_accuracy"] is not None and state["test_accuracy"] > 0.8
    assert "test accuracy" in page.inner_text("#accuracy")
    assert page.is_visible("#accuracy-curve")
    assert page.errors == []
