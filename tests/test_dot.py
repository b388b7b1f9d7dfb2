"""viz.dot: the DOT source (golden), names, roles, frames, highlight, rendering and its errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

if os.name == "posix":
    import resource

from benchmarks.layout import recurrence, tower
from deltagrad import nn, viz
from deltagrad.autograd import Value
from tests.conftest import X, Y, worked_graph

GOLDEN = Path(__file__).parent / "golden" / "worked_example.dot"


def box(source: str, name: str) -> str:
    """The DOT line of the node whose bold name is ``name``."""
    lines = [line for line in source.splitlines() if f"<B>{name}</B>" in line]
    assert len(lines) == 1, (name, lines)
    return lines[0]


def test_golden_dot_source_of_the_worked_example() -> None:
    loss, model, data, ref = worked_graph()
    source = viz.draw_dot(loss, params=model.parameters(), inputs=data, reference=ref,
                          highlight=model.parameters()[0]).source
    if os.environ.get("DELTAGRAD_UPDATE_GOLDEN"):
        GOLDEN.write_text(source)
        pytest.skip(f"golden file rewritten: {GOLDEN}; run again without DELTAGRAD_UPDATE_GOLDEN to test it")
    assert source == GOLDEN.read_text()


def test_source_is_byte_identical_between_runs() -> None:
    first = viz.draw_dot(worked_graph()[0]).source
    assert first == viz.draw_dot(worked_graph()[0]).source
    assert first.count("tooltip=") == 30 and "\tn27 -> legend [style=invis]" in first  # graph, 28 values, legend


def test_every_value_shows_name_data_and_grad_to_four_significant_digits() -> None:
    loss, model, data, ref = worked_graph()
    source = viz.draw_dot(loss, reference=ref).source
    w = box(source, "W1[0][0]")
    assert "data</TD><TD ALIGN=\"RIGHT\">0.1<" in w and ">-0.006197<" in w and ">-0.006197 ✓<" in w
    assert ">0.001034<" in box(source, "W1[1][0]") and ">-0.0004138<" in box(source, "W1[1][1]")
    assert ">0.0651<" in box(source, "L") and ">1<" in box(source, "L")
    assert ">-0.08322<" in box(source, "z2[0]")


def test_unlabelled_values_are_named_from_their_op() -> None:
    loss, *_ = worked_graph()
    source = viz.draw_dot(loss).source
    for name in ("W1[0][0]·x[0]", "W2[0][1]·a1[1]", "a2[0] − y", "(a2[0] − y)²", "−y"):
        box(source, name)
    assert "= σ(z1[0])" in box(source, "a1[0]")
    a, b = Value(3.0, "a"), Value(4.0, "b")
    source = viz.draw_dot(a / b + (a - 2.0)).source
    box(source, "a ÷ b")
    box(source, "a − 2")
    long = Value(1.0, "a_rather_long_name") * Value(2.0, "another_long_name")
    assert "<B>v2</B>" in viz.draw_dot(long).source  # past 20 characters: the short id


def test_ids_follow_topological_order_and_one_edge_per_operand() -> None:
    a = Value(2.0, "a")
    b = Value(3.0, "b")
    source = viz.draw_dot(a * b).source
    assert re.search(r"\tn0 \[label=<.*<B>a</B>", source) and re.search(r"\tn1 \[label=<.*<B>b</B>", source)
    assert "n0 -> n2" in source and "n1 -> n2" in source
    assert viz.draw_dot(a + a).source.count("n0 -> n1") == 2


def test_op_nodes_draw_micrograds_circles_with_constants_beside() -> None:
    source = viz.draw_dot(Value(1.5, "a") * 2.0, op_nodes=True).source
    assert "n1op [label=\"·\"" in source and "n1op -> n1" in source and "n0 -> n1op" in source
    assert "n1c [label=2.0" in source and "n1c -> n1op [style=dashed]" in source


def test_roles_come_from_the_arguments_not_the_labels() -> None:
    loss, model, data, _ = worked_graph()
    source = viz.draw_dot(loss, params=model.parameters(), inputs=data).source
    assert viz.dot.COLOURS["data"] in box(source, "x[0]") and viz.dot.COLOURS["data"] in box(source, "y")
    assert viz.dot.COLOURS["parameter"] in box(source, "W2[0][1]")
    assert viz.dot.COLOURS["output"] in box(source, "L")
    assert "data (inputs)" in source and "parameter" in source and ">leaf<" not in source
    plain = viz.draw_dot(loss).source  # no roles given: leaves are leaves
    assert viz.dot.COLOURS["leaf"] in box(plain, "x[0]") and viz.dot.COLOURS["leaf"] in box(plain, "W1[0][0]")
    assert ">leaf<" in plain and "parameter" not in plain and "data (inputs)" not in plain
    tour = (Value(2.0, "a") * Value(-3.0, "b")).tanh()
    assert "parameter" not in viz.draw_dot(tour).source  # a and b are not guessed from their names


def test_frames_hold_their_layer_and_the_loss_has_its_own() -> None:
    loss, *_ = worked_graph()
    source = viz.draw_dot(loss).source

    def frame(name: str) -> str:
        return source.split(f"subgraph cluster_{name} {{")[1].split("\n\t}")[0]

    layer1, layer2, loss_frame = frame("layer_1"), frame("layer_2"), frame("loss")
    assert "<B>W1[0][0]</B>" in layer1 and "<B>W1[0][0]·x[0]</B>" in layer1 and "W2[0][0]" not in layer1
    assert "<B>a2[0]</B>" in layer2 and "a2[0] − y" not in layer2
    assert "<B>L</B>" in loss_frame and "<B>(a2[0] − y)²</B>" in loss_frame


def test_highlight_draws_the_chain_rule_path_in_bold() -> None:
    loss, model, *_ = worked_graph()
    source = viz.draw_dot(loss, highlight=model.parameters()[0]).source
    bold = [name for name in ("W1[0][0]", "W1[0][0]·x[0]", "z1[0]", "a1[0]", "W2[0][0]·a1[0]", "z2[0]",
                              "a2[0]", "a2[0] − y", "(a2[0] − y)²", "L") if 'BORDER="3"' in box(source, name)]
    assert len(bold) == 10
    assert 'BORDER="3"' not in box(source, "z1[1]") and 'BORDER="3"' not in box(source, "W2[0][1]")
    assert source.count("penwidth=2.2") == 9  # the 9 edges of the path
    with pytest.raises(ValueError, match="not in the graph"):
        viz.draw_dot(loss, highlight=Value(1.0))


def test_reference_overlay_marks_matches_green_and_mismatches_red() -> None:
    loss, _, _, ref = worked_graph()
    ref["W1[0][0]"] += 1e-6
    source = viz.draw_dot(loss, reference=ref).source
    good, bad = box(source, "W2[0][0]"), box(source, "W1[0][0]")
    assert "-0.04514 ✓" in good and viz.dot.COLOURS["match"] in good
    assert "✗" in bad and viz.dot.COLOURS["mismatch"] in bad
    assert "differs / wrong answer" in source  # legend


def test_reference_keys_that_match_no_label_warn() -> None:
    loss, _, _, ref = worked_graph()
    with pytest.warns(UserWarning, match="'W9\\[0\\]\\[0\\]'"):
        viz.draw_dot(loss, reference={**ref, "W9[0][0]": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        viz.draw_dot(loss, reference=ref)


def test_tooltips_carry_full_floats_and_the_op_tables_derivative() -> None:
    loss, *_ = worked_graph()
    source = viz.draw_dot(loss).source
    a1 = box(source, "a1[0]")
    assert "0.542397940774351" in a1 and "s (1 - s)" in a1 and "d(this)/d(z1[0]) = a1[0] (1 − a1[0]) = 0.24" in a1


@pytest.mark.parametrize("label", ['a|b{c}<d>"e', "</script><b>x</b>", "a&amp;b", "nul\x00and\nnewline\x1b"])
def test_labels_are_escaped_text(label: str) -> None:
    source = viz.draw_dot(Value(1.0, label) * 2.0).source
    labels = "".join(re.findall(r"label=<(.*?)> tooltip", source))  # the HTML-like labels
    assert "<b>x</b>" not in labels and "</script>" not in labels
    assert "\x00" not in source and "\x1b" not in source
    assert "\n" not in box(source, re.sub(r"[\x00-\x1f]", "\ufffd", label).replace("&", "&amp;")
                           .replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


@pytest.mark.usefixtures("requires_dot")
def test_dot_accepts_hostile_labels(tmp_path: Path) -> None:
    v = Value(1.0, "nul\x00 <tag> & \"quote\" \\ back\nslash") * Value(2.0, "</TD></TABLE>")
    path = viz.render(v, tmp_path / "g.svg")
    assert "<svg" in path.read_text()


def test_draw_errors() -> None:
    with pytest.raises(TypeError, match="expects a Value, got float"):
        viz.draw_dot(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.draw_dot(Value(1.0), rankdir="XY")
    with pytest.raises(TypeError, match="reference must be a dict"):
        viz.draw_dot(Value(1.0), reference=[1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"reference\['a'\] must be a number, got str"):
        viz.draw_dot(Value(1.0), reference={"a": "1"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value, got float"):
        viz.draw_dot(Value(1.0), params=[Value(1.0), 2.0])
    with pytest.raises(TypeError, match="inputs must be a list of Values, got int"):
        viz.draw_dot(Value(1.0), inputs=3)
    with pytest.raises(TypeError, match="highlight must be a Value"):
        viz.draw_dot(Value(1.0), highlight="L")  # type: ignore[arg-type]


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
    loss, _, _, ref = worked_graph()
    path = viz.render(loss, tmp_path / "out" / f"graph{suffix}", reference=ref)
    assert path == tmp_path / "out" / f"graph{suffix}"
    data = path.read_bytes()
    if suffix == ".svg":
        text = data.decode()
        assert "<svg" in text and "W1[0][0]" in text and "&#45;0.006197" in text
    elif suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    else:
        assert data.startswith(b"%PDF")
    assert (tmp_path / "out" / "graph.dot").read_text() == viz.draw_dot(loss, reference=ref).source


@pytest.mark.usefixtures("requires_dot")
def test_worked_example_fits_a_page(tmp_path: Path) -> None:
    loss, model, data, ref = worked_graph()
    svg = viz.render(loss, tmp_path / "g.svg", params=model.parameters(), inputs=data, reference=ref,
                     highlight=model.parameters()[0]).read_text()
    width, height = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert width <= 1200 and height <= 1200, (width, height)


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
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        viz.render(Value(1.0), tmp_path / "g.svg", timeout=0)


@pytest.mark.usefixtures("requires_dot")
def test_render_times_out_with_a_clear_error(tmp_path: Path) -> None:
    v = Value(0.5, "x")
    for _ in range(599):  # a chain that dot lays out in about 0.07 s: 0.01 s is too short
        v = v.tanh()
    with pytest.raises(viz.RenderTimeoutError, match=r"more than 0.01 s to lay out 600 values.*draw_network"):
        viz.render(v, tmp_path / "chain.svg", timeout=0.01)
    assert not (tmp_path / "chain.svg").exists()


@pytest.mark.usefixtures("requires_dot")
def test_a_dot_failure_carries_its_stderr() -> None:
    with pytest.raises(viz.RenderError, match="syntax error"):
        viz.dot.pipe("digraph { this is not dot", "svg")


@pytest.mark.skipif(os.name != "posix", reason="a memory limit is set on POSIX only")
def test_the_memory_limit_holds_before_the_program_reads_its_input() -> None:
    # the limit is set once the program runs (prlimit on Linux), before its stdin is written:
    # a program that reads its input first sees the limit; never above the caller's hard limit
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    want = 3 * 1024**3 if hard == resource.RLIM_INFINITY else min(3 * 1024**3, hard)
    probe = "import resource, sys; sys.stdin.read(); print(resource.getrlimit(resource.RLIMIT_AS))"
    status, out, _, applied = viz.dot._run_limited([sys.executable, "-c", probe], b"", 60, 3 * 1024**3)
    assert status == 0 and out.decode().strip() == f"({want}, {want})" and applied == want
    status, out, _, applied = viz.dot._run_limited([sys.executable, "-c", probe], b"", 60, None)
    assert out.decode().strip() == str(resource.getrlimit(resource.RLIMIT_AS)) and applied is None  # unchanged


@pytest.mark.skipif(not hasattr(resource if os.name == "posix" else None, "prlimit"), reason="Linux's prlimit")
def test_a_refused_prlimit_starts_the_program_again_with_the_limit_set_before_it_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(resource, "prlimit", refused)
    probe = "import resource, sys; sys.stdin.read(); print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    status, out, _, applied = viz.dot._run_limited([sys.executable, "-c", probe], b"", 60, 2 * 1024**3)
    assert status == 0 and int(out) == applied and applied <= 2 * 1024**3


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shell")
def test_the_time_limit_holds_when_the_program_started_another() -> None:
    # a wrapper script that runs the real program without exec: its child holds the pipes
    # after the shell is killed, so waiting for their end would last the child's life
    wrapper = ["sh", "-c", "sleep 5; cat"]
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        viz.dot._run_limited(wrapper, b"", 0.2, None)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("memory, error", [(0, ValueError), (-1, ValueError), (2**70, ValueError),
                                           (1.5, TypeError), ("4G", TypeError), (True, TypeError)])
def test_a_bad_memory_limit_is_refused_before_dot_runs(memory: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="memory must be"):
        viz.dot.pipe("digraph { a }", "svg", memory=memory)  # type: ignore[arg-type]


@pytest.mark.usefixtures("requires_dot")
@pytest.mark.skipif(not hasattr(resource if os.name == "posix" else None, "prlimit"),
                    reason="RLIMIT_AS is enforced on Linux")
def test_dot_past_its_memory_limit_is_a_render_error_naming_the_limit() -> None:
    # dot lays out and draws a small graph in 60-70 MB; a 12,000-pixel square PNG needs 576 MB more
    big = "digraph { graph [dpi=300]; a [width=40 height=40 fixedsize=true] }"
    with pytest.raises(viz.RenderError, match=r"out of memory\? limit 200 MiB\)"):
        viz.dot.pipe(big, "png", memory=200 * 1024**2)
    small = big.replace("dpi=300", "dpi=10")  # 400 pixels square
    assert viz.dot.pipe(small, "png", memory=200 * 1024**2).startswith(b"\x89PNG")


@pytest.mark.usefixtures("requires_dot")
def test_digraph_shows_inline_in_jupyter() -> None:
    loss, model, data, ref = worked_graph()
    bundle = viz.draw_dot(loss, params=model.parameters(), reference=ref)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and "W1[0][0]" in bundle["image/svg+xml"]
    network = viz.draw_network(model, X, Y)._repr_mimebundle_()
    assert "<svg" in network["image/svg+xml"] and "z1[0]" in network["image/svg+xml"]


# -- render's time limit, check= and numbers too large for a float -----------------------------
def test_render_timeout_inf_means_no_limit_and_bad_timeouts_are_refused_before_any_work(tmp_path: Path) -> None:
    from fractions import Fraction

    loss, model, data, ref = worked_graph()
    for timeout, error in [(1e300, ValueError), (float("nan"), ValueError), (0, ValueError), (-1, ValueError),
                           (10**400, ValueError), (Fraction(10**400, 3), ValueError), ("30", TypeError),
                           (None, TypeError), (True, TypeError)]:
        with pytest.raises(error, match="timeout"):
            viz.render(loss, tmp_path / "g.dot", timeout=timeout)
    assert list(tmp_path.iterdir()) == []
    assert viz.dot.check_timeout(float("inf")) is None and viz.dot.check_timeout(30) == 30.0
    path = viz.render(loss, tmp_path / "g.dot", timeout=float("inf"))
    assert path.read_text().startswith("digraph")


def test_render_check_of_the_wrong_kind_names_the_report_type(tmp_path: Path) -> None:
    loss, model, data, ref = worked_graph()

    class Lookalike:
        rows = [1, 2]

    for bogus in (object(), "report", {"rows": []}, Lookalike(), [1]):
        with pytest.raises(TypeError, match="check must be a CheckReport"):
            viz.render(loss, tmp_path / "g.dot", check=bogus)


@pytest.mark.usefixtures("requires_dot")  # the stepper lays its graph out with dot
def test_reference_numbers_numpy_and_too_large() -> None:
    np = pytest.importorskip("numpy")
    loss, model, data, ref = worked_graph()
    as_float32 = {k: np.float32(v) for k, v in ref.items()}
    assert viz.draw_dot(loss, params=model.parameters(), reference=as_float32).source.count("manual") > 0
    with pytest.raises(ValueError, match=r"reference\['W1\[0\]\[0\]'\] is too large for a float"):
        viz.draw_dot(loss, reference={"W1[0][0]": 10**400})
    with pytest.raises(ValueError, match="too large for a float"):
        viz.draw_network(model, [10**400, 0.0], 1.0)
    with pytest.raises(ValueError, match="too large for a float"):
        viz.stepper(loss, params=model.parameters(), update=10**400)
    assert viz.stepper(loss, params=model.parameters(), update=np.float32(0.1)).html


# -- labels in DOT are escaped (the stepper's HTML has its own test) --------------------------
def test_control_characters_in_labels_never_reach_dot() -> None:
    from deltagrad import viz

    source = viz.draw_dot(Value(1.0, "a\x00b\x07c\nd") * 2.0).source
    assert not any(ch in source for ch in "\x00\x07")


# -- issue 22, class 9: any label survives every output ------------------------------------------
STRANGE = ["\ud800", "a\udfffb", "\uffff", "x\ufffe", "\ufdd0\ufdef", "\U0001ffff", "W1[" + "1" * 5000 + "][0]",
           "z" + "9" * 5000 + "[0]", "tab\there", "nul\x00", "\x7f\x85", "line\u2028sep"]


@pytest.mark.usefixtures("requires_dot")
@pytest.mark.parametrize("suffix", [".svg", ".dot"])
def test_every_label_survives_render_and_draw_dot(tmp_path: Path, suffix: str) -> None:
    leaves = [Value(float(k + 1), label=label) for k, label in enumerate(STRANGE)]
    root = Value.sum([v * 2.0 for v in leaves]).tanh()
    root.label = "\ud83d"  # a lone high surrogate as the root's label
    root.backward()
    source = viz.draw_dot(root, reference={STRANGE[0]: 2.0}).source
    source.encode("utf-8")  # valid text: no surrogate left
    assert "\ufffd" in source and "\uffff" not in source and "\ufdd0" not in source
    assert "1" * 5000 not in source.split("tooltip=")[0] and "…" in source  # cut in the box
    assert "1" * 5000 in source  # and whole in the tooltip, where it is valid text
    path = viz.render(root, tmp_path / f"strange{suffix}")
    assert path.exists() and path.stat().st_size > 1000
    if suffix == ".svg":
        import xml.etree.ElementTree as ET

        ET.parse(path)  # well-formed XML


def test_the_graph_view_cleans_labels_once() -> None:
    from deltagrad.viz.graph import clean, read_graph

    assert clean("a\ud800b\uffffc\x00") == "a\ufffdb\ufffdc\ufffd"
    v = Value(1.0, label="\ud800x") * 2.0
    view = read_graph(v)
    assert view.nodes[0].name == "\ufffdx" and view.nodes[0].full_label == "\ufffdx"
    assert view.nodes[1].name == "2·\ufffdx"
    long = Value(1.0, label="W1[" + "1" * 5000 + "][0]")
    view = read_graph(long * 3.0)
    assert len(view.nodes[0].name) == 60 and view.nodes[0].full_label == long.label
    assert view.frames == ["layer 1", "loss"]  # the layer number is read, its digits bounded
    assert read_graph(Value(1.0, label="W" + "1" * 5000 + "[0]") * 2.0).frames == [None, None]


# -- issue 22, class 11: graphs under the node limit are drawn, or refused at once -----------------
# (the tower and the recurrence are the layout benchmark's graphs)
def wide(n: int) -> Value:
    k = (n - 1) // 3
    return Value.sum([Value(0.1, label=f"w{i}") * Value(0.2, label=f"x{i}") for i in range(k)])


@pytest.mark.usefixtures("requires_dot")
@pytest.mark.parametrize("make", [lambda: tower(100), lambda: tower(300), lambda: recurrence(100),
                                  lambda: recurrence(250)], ids=["tower100", "tower300", "rec100", "rec250"])
def test_a_leaf_used_at_every_depth_is_drawn_beside_each_use(tmp_path: Path, make: object) -> None:
    root = make()  # type: ignore[operator]
    root.backward()
    plan = viz.dot.layout_plan(viz.graph.read_graph(root))
    assert plan.copies and plan.points <= viz.dot.MAX_LAYOUT_POINTS and plan.refusal() is None
    source = viz.draw_dot(root).source
    assert "drawn beside each of its" in source
    svg = viz.render(root, tmp_path / "deep.svg").read_text()  # within the default 30 s
    first = next(iter(plan.copies))
    assert svg.count(f'id="n{first}_') == len(plan.copies[first])  # one box per further use


def test_a_graph_too_costly_to_lay_out_is_refused_at_once() -> None:
    model = nn.MLP(2, [32, 32, 1], rng=0)
    data = [Value(0.5, label="x[0]"), Value(0.5, label="x[1]")]
    for root in (wide(4999), nn.half_squared_error(model(data), 1.0)):
        with pytest.raises(viz.GraphTooLargeError, match=r"within the limit, but Graphviz would take minutes.*"
                                                         r"edges run between two neighbouring levels.*draw_network"):
            viz.draw_dot(root)
        with pytest.raises(viz.GraphTooLargeError, match="would take minutes"):
            viz.stepper(root)
        with pytest.raises(TypeError, match="reference must be a dict"):  # a wrong argument is said first
            viz.stepper(root, reference=5)
    chain = Value(0.3, label="x")
    for _ in range(4998):
        chain = chain.tanh()
    assert viz.dot.layout_plan(viz.graph.read_graph(chain)).refusal() is None  # a long chain is drawn
