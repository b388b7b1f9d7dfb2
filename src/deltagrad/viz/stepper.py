"""Watch backprop happen: one self-contained HTML page that steps through any graph.

`stepper(root)` lays the graph out with Graphviz (the same drawing as `draw_dot`) and
writes one HTML file with the picture inline and a small script: no network, no CDN. Its
steps are

1. **forward**, one per node in topological order: the node's value appears, with its
   formula (``z1[0] = W1[0][0]·x[0] + W1[0][1]·x[1] + b1[0] = 0.17``);
2. **backward**: the seed ``dL/dL = 1``, then one step per node in `backward()`'s order;
   the node and the edges it sends gradient along are highlighted, and for each operand
   ``grad(operand) += grad(node) × local = g × l = c`` is shown, with the running sum when
   a value receives gradient from several places. A gradient shows as ``?`` until the
   first contribution arrives;
3. **update** (with ``update=lr``): ``p ← p − lr·grad`` for every parameter.

The page's interface for tests and tools is ``window.deltagrad``:

- ``steps``: how many steps there are; ``step``: how many are applied now (0 to steps);
- ``go(n)``: apply the first ``n`` steps;
- ``state()``: for every node id (``n0``, ``n1``, ... as in the picture) an object
  ``{label, data, grad}``, where ``data`` is null before the node's forward step and
  ``grad`` null until its first gradient contribution (after it, the running sum).

Keys: ← and → step, space plays and pauses. ``#step=N`` in the URL opens the page at step
N and follows the current step, so a link can point at a moment.
"""

from __future__ import annotations

import json
from typing import Any

from deltagrad.autograd import Value
from deltagrad.autograd.arguments import real
from deltagrad.autograd.compile import substitute
from deltagrad.autograd.ops import GATES, OPS

from .dot import DEFAULT_MAX_NODES, DEFAULT_TIMEOUT, check_size, draw_dot, pipe
from .graph import GraphView, check_reference, matches, number, read_graph
from .pages import Page


class Stepper(Page):
    """A stepper page: ``.html`` (one self-contained file), ``.save(path)``, and inline
    display in Jupyter and VS Code notebooks."""

    def __init__(self, html_text: str, steps: int) -> None:
        super().__init__(html_text)
        self.steps = steps

    def __repr__(self) -> str:
        return f"Stepper({self.steps} steps)"


def _formula(view: GraphView, i: int) -> str:
    """``name = expression in the operands' names`` for a node (its forward step)."""
    node = view.order[i]
    names = [view.names[view.index[id(c)]] for c in node.inputs]
    c = node.const
    if node.op == "+":
        parts = list(names) + ([] if c is None else [f"{c:g}"])
        text = " + ".join(parts).replace("+ -", "− ")
    elif node.op == "*":
        text = " · ".join(names + ([] if c is None else [f"{c:g}"]))
    elif node.op == "/":
        text = f"{names[0]} ÷ {names[1] if c is None else f'{c:g}'}"
    elif node.op == "**":
        text = f"{names[0]} ^ {names[1] if c is None else f'{c:g}'}"
    else:
        spec = OPS.get(node.op)
        text = f"{spec.symbol if spec else node.op}({', '.join(names)})"
    return text


def _local_formula(view: GraphView, i: int, k: int) -> str:
    """The local derivative d(node i)/d(operand k) written with the graph's names, from the
    op table's ``local_text`` (``a1[0] (1 - a1[0])`` for a sigmoid)."""
    node = view.order[i]
    spec = OPS.get(node.op)
    if spec is None or not spec.local_text:
        return ""
    if node.op == "+":
        return "1"
    names = [_paren(view.names[view.index[id(c)]]) for c in node.inputs]
    second = names[1] if len(names) > 1 else (f"{node.const:g}" if node.const is not None else "")
    return substitute(spec.local_text[k], {"x": names[0], "y": second, "out": _paren(view.names[i])})


def _paren(name: str) -> str:
    """A name as it reads after ∂: parenthesised when it is an expression."""
    return f"({name})" if any(ch in name for ch in " ·÷^²³⁻(") or name.startswith("−") else name


def _steps(view: GraphView, ref: dict[str, float], params: set[int], lr: float | None) -> list[dict[str, Any]]:
    """Every step as data for the page's script: what changes and what to say."""
    order, names = view.order, view.names
    steps: list[dict[str, Any]] = []
    for i, node in enumerate(order):
        value = number(node.data)
        if node.op:
            text = f"Forward: {names[i]} = {_formula(view, i)} = {value}"
            edges = [f"e{i}_{k}" for k in range(len(node.inputs))]
        else:
            kind = {"parameter": "a parameter", "data": "data"}.get(view.roles[i], "a leaf")
            text = f"Forward: {names[i]} = {value} ({kind}: its value is given)"
            edges = []
        steps.append({"kind": "forward", "node": i, "data": node.data, "edges": edges, "text": text})

    root = len(order) - 1
    running: dict[int, float] = {root: 1.0}
    received: dict[int, list[str]] = {root: []}
    steps.append({"kind": "seed", "node": root, "grads": [[root, 1.0]], "edges": [],
                  "text": f"Backward starts: d{names[root]}/d{names[root]} = 1 (the seed)"})
    for i in range(len(order) - 1, -1, -1):  # backward()'s order: the reverse topological order
        node = order[i]
        g = running[i]
        lines = []
        updates: list[list[Any]] = []
        edges = []
        spec = OPS.get(node.op)
        if node.op:
            lines.append(f"Backward: grad({names[i]}) = {number(g)} is complete: every value that uses it has "
                         f"passed its gradient back. It now sends it to its operands ({spec.text if spec else ''}):")
            for k, (child, local) in enumerate(zip(node.inputs, node.local_grads)):
                j = view.index[id(child)]
                gate = node.op in GATES and not local  # relu off: selects 0, as backward()
                term = 0.0 if gate else g * local
                before = running.get(j)
                total = term if before is None else before + term  # the first contribution as it is
                running[j] = total
                edges.append(f"e{i}_{k}")
                product = f"{number(g)} × {number(local)} = {number(term)}"
                formula = _local_formula(view, i, k)
                shown = f" (= {formula})" if formula and formula != "1" else ""
                line = (f"grad({names[j]}) += grad({names[i]}) × ∂{_paren(names[i])}/∂{_paren(names[j])}{shown}"
                        f" = {product}")
                if before is not None:
                    plus = f"+ {number(term)}" if not term < 0 else f"− {number(-term)}"
                    line += f"; running sum {number(before)} {plus} = {number(total)}"
                lines.append(line)
                received.setdefault(j, []).append(f"{product} (from {names[i]})")
                updates.append([j, total])
        else:
            sources = received.get(i, [])
            lines.append(f"Backward: {names[i]} is a leaf, so its gradient is complete: grad({names[i]}) = {number(g)}"
                         + (f", the sum of {len(sources)} contributions" if len(sources) > 1 else "") + ".")
            lines += [f"grad({names[i]}) += {source}" for source in sources]
        label = node.label
        status = None
        if label in ref:
            ok = matches(g, ref[label])
            status = "match" if ok else "mismatch"
            lines.append(f"The hand-computed value is {number(ref[label])}: {'it matches' if ok else 'it DIFFERS'}.")
        steps.append({"kind": "backward", "node": i, "grads": updates, "complete": [i, g], "edges": edges,
                      "status": status, "text": "\n".join(lines)})
    if lr is not None:
        changes = []
        lines = [f"Update: p ← p − {lr:g}·grad(p) for every parameter:"]
        for i, node in enumerate(order):
            if id(node) in params:
                new = node.data - lr * running[i]
                changes.append([i, new])
                lines.append(f"{names[i]} ← {number(node.data)} − {lr:g} × {number(running[i])} = {number(new)}")
        steps.append({"kind": "update", "node": None, "updates": changes, "edges": [], "text": "\n".join(lines)})
    return steps


def stepper(root: Value, *, params: Any = None, inputs: Any = None, reference: Any = None,
            update: float | None = None, check: Any = None, max_nodes: int = DEFAULT_MAX_NODES,
            rankdir: str = "TB", timeout: float = DEFAULT_TIMEOUT) -> Stepper:
    """The step-by-step page of the forward and backward pass of the graph under ``root``.

    Args:
        params, inputs: the parameter and data Values, coloured as in `draw_dot`.
        reference: label -> expected gradient (e.g. the delta rule's); a box turns green or
            red as its gradient is completed.
        update: a learning rate: adds a last step ``p ← p − lr·grad`` for every parameter
            (needs ``params``).
        check: a report of `nn.check_answers` or `autograd.check_gradients`, drawn as in
            `draw_dot`.
    """
    if not isinstance(root, Value):
        raise TypeError(f"stepper() expects a Value as the root, got {type(root).__name__}")
    if update is not None:
        update = real(update, "update (a learning rate)")  # np.float32 too; 10**400 is a ValueError
        if params is None:
            raise ValueError("update= needs params= (the Values that the update step changes)")
        if not update > 0 or update != update or update == float("inf"):
            raise ValueError(f"update must be a positive, finite learning rate, got {update!r}")
    view = read_graph(root, params, inputs)
    check_size(len(view.order), max_nodes)
    ref = check_reference(reference, (n.label for n in view.order if n.label))
    param_ids = {id(n) for n, role in zip(view.order, view.roles) if role == "parameter"}
    steps = _steps(view, ref, param_ids, None if update is None else float(update))
    dot = draw_dot(root, params=params, inputs=inputs, reference=reference, check=check, rankdir=rankdir,
                   max_nodes=max_nodes)
    svg = pipe(dot.source, "svg", timeout=timeout, n_nodes=len(view.order)).decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: it sits inside HTML
    nodes = {f"n{i}": {"label": n.label, "name": view.names[i]} for i, n in enumerate(view.order)}
    data = {"nodes": nodes, "steps": steps, "reference": bool(ref)}
    return Stepper(_page(svg, data), len(steps))


def _json_for_script(data: Any) -> str:
    """JSON that can sit inside a <script> element: no ``<``, ``>`` or ``&`` left to end it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page(svg: str, data: dict[str, Any]) -> str:
    return _TEMPLATE.replace("/*DATA*/", _json_for_script(data)).replace("<!--SVG-->", svg)


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deltagrad: backprop, step by step</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1f2d3d; background: #fafafa; }
  header { padding: 10px 16px; background: #fff; border-bottom: 1px solid #ddd; position: sticky; top: 0; z-index: 2; }
  h1 { font-size: 17px; margin: 0 0 8px 0; }
  .controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  button { font-size: 14px; padding: 4px 12px; border: 1px solid #8a9bb0; background: #f4f6f9;
           border-radius: 4px; cursor: pointer; }
  button:hover { background: #e3e9f1; }
  #slider { flex: 1; min-width: 160px; }
  #counter { font-variant-numeric: tabular-nums; min-width: 110px; }
  #explanation { white-space: pre-wrap; margin-top: 8px; padding: 8px 10px; background: #f3f7fb; border-left: 4px solid #2471a3;
                 font-family: Menlo, Consolas, monospace; font-size: 13px; min-height: 3.6em; max-height: 12em; overflow: auto; }
  #graph { padding: 12px; overflow: auto; text-align: center; }
  #graph svg { max-width: 100%; height: auto; }
  .current > polygon, .current > path { stroke-width: 4px !important; }
  g.node.current polygon { stroke: #c0392b !important; stroke-width: 3px !important; }
  g.node.sender polygon { stroke: #2471a3 !important; stroke-width: 2.5px !important; }
  g.edge.active path { stroke: #c0392b !important; stroke-width: 3px !important; }
  g.edge.active polygon { stroke: #c0392b !important; fill: #c0392b !important; }
  .pending { fill: #b0b0b0 !important; }
  .fresh { fill: #c0392b !important; font-weight: bold; }
</style>
</head>
<body>
<header>
  <h1>Backprop, step by step <span style="font-weight: normal; color: #666; font-size: 13px">(deltagrad)</span></h1>
  <div class="controls">
    <button id="reset" type="button">Reset</button>
    <button id="prev" type="button">Previous</button>
    <button id="play" type="button">Play</button>
    <button id="next" type="button">Next</button>
    <input id="slider" type="range" min="0" value="0" aria-label="step">
    <span id="counter"></span>
    <label>speed <select id="speed" aria-label="speed">
      <option value="1500">slow</option><option value="700" selected>normal</option><option value="250">fast</option>
    </select></label>
  </div>
  <div id="explanation" aria-live="polite"></div>
</header>
<div id="graph"><!--SVG--></div>
<script type="application/json" id="deltagrad-data">/*DATA*/</script>
<script>
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("deltagrad-data").textContent);
  var STEPS = DATA.steps;
  var ids = Object.keys(DATA.nodes);
  var GREY = "#555555", GREEN = "#1a9850", RED = "#d73027";
  var fmt = function (x) {
    if (x === null || x === undefined) return "?";
    if (x === 0) return "0";
    if (!isFinite(x)) return isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
    var a = Math.abs(x);
    var t = (a >= 1e-4 && a < 1e4) ? String(Number(x.toPrecision(4))) : x.toExponential(3).replace(/\\.?0+e/, "e").replace("e+", "e");
    return t;
  };
  // the picture's text cells: the value after "data" and after "grad" in each box
  var cells = {};
  ids.forEach(function (id) {
    var g = document.getElementById(id);
    var texts = g ? Array.prototype.slice.call(g.querySelectorAll("text")) : [];
    var cell = { group: g, data: null, grad: null, polygons: g ? g.querySelectorAll("polygon") : [] };
    for (var k = 0; k + 1 < texts.length; k++) {
      var word = texts[k].textContent.trim();
      if (word === "data" && !cell.data) cell.data = texts[k + 1];
      if (word === "grad" && !cell.grad) cell.grad = texts[k + 1];
    }
    cells[id] = cell;
  });
  var state = {}, statusOf = {}, step = 0, timer = null;
  var dirty = {}, allDirty = true, lastTouched = [];  // what the next draw must repaint
  function touch(id) { dirty[id] = true; }
  function blank() {
    state = {};
    statusOf = {};
    allDirty = true;
    ids.forEach(function (id) { state[id] = { label: DATA.nodes[id].label, data: null, grad: null }; });
  }
  function apply(s) {
    if (s.kind === "backward" && s.status) { statusOf["n" + s.node] = s.status; touch("n" + s.node); }
    if (s.kind === "forward") { state["n" + s.node].data = s.data; touch("n" + s.node); }
    else if (s.kind === "seed" || s.kind === "backward") s.grads.forEach(function (u) { state["n" + u[0]].grad = u[1]; touch("n" + u[0]); });
    else if (s.kind === "update") s.updates.forEach(function (u) { state["n" + u[0]].updated = u[1]; touch("n" + u[0]); });
  }
  function draw(last) {
    var fresh = {};
    if (last) {
      if (last.kind === "forward") fresh["n" + last.node] = "data";
      (last.grads || []).forEach(function (u) { fresh["n" + u[0]] = "grad"; });
    }
    var repaint = allDirty ? ids : Object.keys(dirty).concat(lastTouched);
    lastTouched = Object.keys(fresh);
    if (last && last.node !== null && last.node !== undefined) lastTouched.push("n" + last.node);
    dirty = {};
    allDirty = false;
    repaint.forEach(function (id) {
      var c = cells[id], s = state[id];
      if (!c || !c.group) return;
      if (c.data) {
        c.data.textContent = s.updated !== undefined ? fmt(s.data) + " → " + fmt(s.updated) : fmt(s.data);
        c.data.setAttribute("class", s.data === null ? "pending" : (fresh[id] === "data" ? "fresh" : ""));
      }
      if (c.grad) {
        c.grad.textContent = fmt(s.grad);
        c.grad.setAttribute("class", s.grad === null ? "pending" : (fresh[id] === "grad" ? "fresh" : ""));
      }
      var colour = statusOf[id] === "match" ? GREEN : (statusOf[id] === "mismatch" ? RED : null);
      Array.prototype.forEach.call(c.polygons, function (p, n) {
        if (n === 0) return;  // the background
        if (!p.hasAttribute("data-stroke")) p.setAttribute("data-stroke", p.getAttribute("stroke") || "");
        p.setAttribute("stroke", colour || (DATA.reference ? GREY : p.getAttribute("data-stroke")));
      });
      c.group.classList.remove("current", "sender");
    });
    document.querySelectorAll("g.edge.active, g.node.current").forEach(function (e) { e.classList.remove("active", "current"); });
    if (last && last.node !== null && last.node !== undefined) {
      var g = document.getElementById("n" + last.node);
      if (g) {
        g.classList.add("current");
        if (g.scrollIntoView && !window.deltagradNoScroll) g.scrollIntoView({ block: "center", inline: "nearest" });
      }
      last.edges.forEach(function (eid) { var e = document.getElementById(eid); if (e) e.classList.add("active"); });
    }
    document.getElementById("explanation").textContent = last ? last.text :
      "Start: nothing computed yet. Press Next (or →) to run the forward pass node by node, then the backward pass.";
    document.getElementById("counter").textContent = "step " + step + " / " + STEPS.length;
    document.getElementById("slider").value = String(step);
    try {
      if (location.hash !== "#step=" + step) history.replaceState(null, "", "#step=" + step);
    } catch (err) { /* a sandboxed notebook frame has no history to write */ }
  }
  function go(n) {
    n = Math.max(0, Math.min(STEPS.length, Math.floor(Number(n)) || 0));
    var from = step;
    if (n < step) { blank(); from = 0; }  // backwards: replay from the start
    for (var k = from; k < n; k++) apply(STEPS[k]);
    step = n;
    draw(n > 0 ? STEPS[n - 1] : null);
    return step;
  }
  function play() {
    if (timer) { pause(); return; }
    if (step >= STEPS.length) go(0);
    document.getElementById("play").textContent = "Pause";
    timer = setInterval(function () {
      if (step >= STEPS.length) { pause(); return; }
      go(step + 1);
    }, Number(document.getElementById("speed").value));
  }
  function pause() {
    if (timer) clearInterval(timer);
    timer = null;
    document.getElementById("play").textContent = "Play";
  }
  document.getElementById("slider").max = String(STEPS.length);
  document.getElementById("next").addEventListener("click", function () { pause(); go(step + 1); });
  document.getElementById("prev").addEventListener("click", function () { pause(); go(step - 1); });
  document.getElementById("reset").addEventListener("click", function () { pause(); go(0); });
  document.getElementById("play").addEventListener("click", play);
  document.getElementById("slider").addEventListener("input", function (e) { pause(); go(e.target.value); });
  document.getElementById("speed").addEventListener("change", function () { if (timer) { pause(); play(); } });
  document.addEventListener("keydown", function (e) {
    if (e.target && (e.target.tagName === "INPUT" || e.target.tagName === "SELECT")) return;
    if (e.key === "ArrowRight") { pause(); go(step + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { pause(); go(step - 1); e.preventDefault(); }
    else if (e.key === " ") { play(); e.preventDefault(); }
  });
  window.addEventListener("hashchange", function () {
    var m = /step=(\\d+)/.exec(location.hash);
    if (m && Number(m[1]) !== step) go(Number(m[1]));
  });
  blank();
  window.deltagrad = {
    steps: STEPS.length,
    get step() { return step; },
    go: go,
    state: function () { return JSON.parse(JSON.stringify(state)); },
    play: play,
    pause: pause
  };
  var m = /step=(\\d+)/.exec(location.hash);
  go(m ? Number(m[1]) : 0);
})();
</script>
</body>
</html>
"""
