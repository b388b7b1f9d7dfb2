/* The stepper page: step through the forward and backward pass on the picture.
 *
 * The pure part (the state after n steps, the quiz, the zoom's arithmetic) is plain
 * functions that `node --test` calls without a browser; `mount` binds them to the page.
 * Its interface for tests and tools is window.deltagrad (see viz.stepper's docstring).
 * Every number the page shows arrives from Python already formatted, so a box never
 * changes its text when the page repaints it.
 */
(function (common) {
  "use strict";

  var PT_TO_PX = 96 / 72;  // Graphviz's SVG is in points

  /* ---- state ---------------------------------------------------------------------- */

  /* Nothing computed yet: every key's label, data and grad null. */
  function blank(data) {
    var state = {}, texts = {};
    Object.keys(data.nodes).forEach(function (key) {
      state[key] = { label: data.nodes[key].label, data: null, grad: null };
      texts[key] = {};
    });
    return { state: state, texts: texts, status: {}, fresh: {}, step: 0, asking: null, touched: {}, all: true };
  }

  /* Apply one step to `s`; the entry a question asks for is left out until answered. */
  function apply(s, step, withheld) {
    (step.set || []).forEach(function (entry) {
      var key = entry[0], field = entry[1];
      if (withheld && withheld.key === key && withheld.field === field) return;
      var target = s.state[key];
      if (!target) return;
      target[field === "new" ? "updated" : field] = entry[2];
      s.texts[key][field] = entry[3];
      s.touched[key] = true;
    });
    (step.status || []).forEach(function (entry) { s.status[entry[0]] = entry[1]; s.touched[entry[0]] = true; });
  }

  /* The state after the first `n` steps. With a quiz, it stops at the first step whose
   * question is not answered: that step is applied without the number it asks for. */
  function replay(data, n, answered) {
    return advance(data, blank(data), n, answered);
  }

  /* `s` moved forward to step `n` (n >= s.step), by the same rule as `replay`. */
  function advance(data, s, n, answered) {
    var total = data.steps.length;
    n = Math.max(0, Math.min(total, Math.floor(Number(n)) || 0));
    for (var k = s.step; k < n && s.asking === null; k++) {
      var step = data.steps[k];
      var open = data.quiz && step.quiz && !(answered && answered[k]);
      apply(s, step, open ? step.quiz : null);
      s.step = k + 1;
      if (open) { s.asking = k; break; }
    }
    var last = s.step > 0 ? data.steps[s.step - 1] : null;
    s.fresh = {};
    if (last) (last.set || []).forEach(function (entry) { s.fresh[entry[0] + "/" + entry[1]] = true; });
    return s;
  }

  /* A copy of the state for tools: {key: {label, data, grad, ...}}. */
  function snapshot(s) {
    var out = {};
    Object.keys(s.state).forEach(function (key) { out[key] = Object.assign({}, s.state[key]); });
    return out;
  }

  /* ---- the quiz ----------------------------------------------------------------------- */

  /* A typed answer (any value, read as its text) as a number, or null (common.parseNumber). */
  function parseNumber(text) {
    return common.parseNumber(String(text));
  }

  /* The verdict on a typed answer to a question about `value`: right when it agrees to the
   * 4 significant digits the page shows (a unit in the 4th digit, either way). */
  function judge(value, text) {
    var x = parseNumber(text);
    if (x === null) return { verdict: "invalid", value: null };
    if (!isFinite(value)) return { verdict: "wrong", value: x };
    var tolerance = value === 0 ? 1e-12 : Math.pow(10, Math.floor(Math.log10(Math.abs(value))) - 3);
    return { verdict: Math.abs(x - value) <= tolerance * (1 + 1e-9) ? "right" : "wrong", value: x };
  }

  /* ---- zoom and pan: view boxes in the drawing's units --------------------------------- */

  /* The whole drawing, centred, in a viewport of the given aspect. */
  function fit(content, viewport) {
    var scale = Math.min(viewport.w / content.w, viewport.h / content.h);
    var w = viewport.w / scale, h = viewport.h / scale;
    return { x: content.x - (w - content.w) / 2, y: content.y - (h - content.h) / 2, w: w, h: h };
  }

  /* The drawing at its own size (1 point = 4/3 px), its top centred. */
  function actual(content, viewport) {
    var w = viewport.w / PT_TO_PX, h = viewport.h / PT_TO_PX;
    return { x: content.x + (content.w - w) / 2, y: content.y, w: w, h: h };
  }

  /* The drawing's width in the viewport (never larger than 1:1), from its top. */
  function fitWidth(content, viewport) {
    var scale = Math.min(viewport.w / content.w, PT_TO_PX);
    var w = viewport.w / scale, h = viewport.h / scale;
    return { x: content.x - (w - content.w) / 2, y: content.y, w: w, h: h };
  }

  /* Zoom by `factor` (> 1: closer) keeping the drawing's point `at` where it is. */
  function zoomAt(view, factor, at) {
    var w = view.w / factor, h = view.h / factor;
    return { x: at.x - (at.x - view.x) / factor, y: at.y - (at.y - view.y) / factor, w: w, h: h };
  }

  function pan(view, dx, dy) {
    return { x: view.x - dx, y: view.y - dy, w: view.w, h: view.h };
  }

  /* The view moved (not zoomed) so that `box` is inside it, centred if it was out. */
  function ensureVisible(view, box, margin) {
    var m = margin || 0;
    var inside = box.x >= view.x + m && box.y >= view.y + m && box.x + box.w <= view.x + view.w - m &&
      box.y + box.h <= view.y + view.h - m;
    if (inside) return view;
    return { x: box.x + box.w / 2 - view.w / 2, y: box.y + box.h / 2 - view.h / 2, w: view.w, h: view.h };
  }

  /* ---- the page ---------------------------------------------------------------------- */

  function mount(doc, win) {
    var data = common.readData("deltagrad-data", doc);
    var strings = data.strings;
    var STEPS = data.steps;
    var keys = Object.keys(data.nodes);
    var answered = {};
    var s = blank(data);
    var timer = null;
    var svg = doc.querySelector("#graph svg");
    var main = doc.getElementById("graph");
    var $ = function (id) { return doc.getElementById(id); };

    // each key's text cells: the text element after its keyword ("next"), or the one that
    // starts with it ("prefix", rewritten whole)
    var cells = {};
    function bind(spec, element) {
      var group = doc.getElementById(element);
      var texts = group ? Array.prototype.slice.call(group.querySelectorAll("text")) : [];
      var found = {};
      Object.keys(spec.cells || {}).forEach(function (field) {
        var c = spec.cells[field], word = c[0], mode = c[1], el = null;
        for (var k = texts.length - 1; k >= 0; k--) {
          var t = texts[k].textContent;
          if (mode === "next" && t.trim() === word && k + 1 < texts.length) { el = texts[k + 1]; break; }
          if (mode === "prefix" && t.indexOf(word) === 0) { el = texts[k]; break; }
        }
        if (el) found[field] = { el: el, prefix: mode === "prefix" ? word : "", pending: c[2] };
      });
      var shapes = group ? Array.prototype.slice.call(group.querySelectorAll("polygon, ellipse")) : [];
      if (spec.outline === "table") shapes = shapes.slice(1);  // the first is the background
      shapes.forEach(function (p) { p.setAttribute("data-stroke", p.getAttribute("stroke") || ""); });
      return { group: group, fields: found, shapes: shapes, edge: !!spec.edge };
    }
    keys.forEach(function (key) {
      var spec = data.nodes[key];
      // a leaf drawn beside each of its uses has copies: every one shows the same
      cells[key] = [spec.element].concat(spec.copies || []).map(function (id) { return bind(spec, id); });
    });

    function paint(key, current) {
      cells[key].forEach(function (c) { paintOne(key, c, current); });
    }
    function paintOne(key, c, current) {
      if (!c || !c.group) return;
      var st = s.state[key], tx = s.texts[key];
      Object.keys(c.fields).forEach(function (field) {
        var f = c.fields[field];
        var known = tx[field] !== undefined;
        if (!known && f.pending === null) return;
        f.el.textContent = f.prefix + (known ? tx[field] : f.pending);
        f.el.setAttribute("class", known ? (s.fresh[key + "/" + field] ? "fresh" : "") : "pending");
      });
      if (c.edge) c.group.classList.toggle("waiting", st.grad === null);
      var status = s.status[key];
      var colour = status === "match" ? "#1a9850" : (status === "mismatch" ? "#d73027" : null);
      c.shapes.forEach(function (p) {
        p.setAttribute("stroke", colour || (data.reference ? "#555555" : p.getAttribute("data-stroke")));
      });
      c.group.classList.toggle("current", key === current);
    }

    function draw() {
      var last = s.step > 0 ? STEPS[s.step - 1] : null;
      var focus = last ? last.focus : null;
      var focusKey = null;
      keys.forEach(function (key) { if (data.nodes[key].element === focus) focusKey = focusKey || key; });
      var repaint = s.all ? keys : Object.keys(s.touched);
      if (focusKey) repaint.push(focusKey);
      repaint.forEach(function (key) { if (cells[key]) paint(key, focusKey); });
      s.touched = {};
      s.all = false;
      s.current = focusKey;
      Array.prototype.forEach.call(doc.querySelectorAll("g.edge.active, g.node.current"), function (e) {
        e.classList.remove("active");
        if (focus === null || e.id !== focus) e.classList.remove("current");
      });
      if (focus) {
        var g = doc.getElementById(focus);
        if (g) { g.classList.add("current"); follow(g); }
      }
      if (last) last.edges.forEach(function (id) { var e = doc.getElementById(id); if (e) e.classList.add("active"); });
      $("explanation").textContent = last ? last.text : strings.start;
      $("counter").textContent = common.format(strings.counter, { n: s.step, total: STEPS.length });
      $("slider").value = String(s.step);
      showQuiz();
      try {
        if (win.location.hash !== "#step=" + s.step) win.history.replaceState(null, "", "#step=" + s.step);
      } catch (err) { /* a sandboxed notebook frame has no history to write */ }
    }

    function go(n) {
      var target = Math.max(0, Math.min(STEPS.length, Math.floor(Number(n)) || 0));
      var before = s;
      if (target >= s.step && s.asking === null && !s.all) {
        var stale = Object.keys(s.fresh).map(function (f) { return f.split("/")[0]; });
        s = advance(data, s, target, answered);  // forward: only the new steps
        stale.forEach(function (key) { s.touched[key] = true; });
      } else {
        s = replay(data, target, answered);  // backward, or after an answer: from the start
      }
      if (before.current) s.touched[before.current] = true;
      draw();
      return s.step;
    }

    /* ---- quiz ---- */
    function showQuiz() {
      var form = $("quiz");
      if (!data.quiz) return;
      var asking = s.asking !== null ? STEPS[s.asking].quiz : null;
      form.classList.toggle("idle", !asking);
      if (asking) {
        $("quiz-question").textContent = common.format(strings.ask, { question: asking.question });
      }
    }
    function answer(text) {
      if (s.asking === null) return { verdict: null, message: "" };
      var q = STEPS[s.asking].quiz;
      var result = judge(q.value, text);
      var message;
      if (result.verdict === "invalid") message = common.format(strings.not_number, { text: String(text).slice(0, 40) });
      else if (result.verdict === "right") message = common.format(strings.right, { value: q.text });
      else message = common.format(strings.wrong, { answer: String(text).trim().slice(0, 40) });
      var feedback = $("quiz-feedback");
      feedback.textContent = message;
      feedback.className = result.verdict === "right" ? "right" : "wrong";
      if (result.verdict === "right") { answered[s.asking] = "right"; go(s.step); }
      return { verdict: result.verdict, message: message };
    }
    function reveal() {
      if (s.asking === null) return null;
      var q = STEPS[s.asking].quiz;
      answered[s.asking] = "revealed";
      $("quiz-feedback").textContent = common.format(strings.revealed, { value: q.text });
      $("quiz-feedback").className = "";
      go(s.step);
      return q.text;
    }

    /* ---- zoom and pan ---- */
    var box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : null;
    var content = box ? { x: box.x, y: box.y, w: box.width, h: box.height } : { x: 0, y: 0, w: 100, h: 100 };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    var view = null;
    function viewport() { return { w: main.clientWidth || 800, h: main.clientHeight || 600 }; }
    function setView(v) {
      view = v;
      svg.setAttribute("viewBox", [v.x, v.y, v.w, v.h].join(" "));
    }
    function toDrawing(clientX, clientY) {
      var r = main.getBoundingClientRect();
      return { x: view.x + (clientX - r.left) * view.w / r.width, y: view.y + (clientY - r.top) * view.h / r.height };
    }
    var boxes = null;  // each node's box in the drawing's units, measured once (at the first step): they never move
    function measure() {
      boxes = {};
      if (!main.getBoundingClientRect().width) return;
      Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) {
        var r = g.getBoundingClientRect();
        var a = toDrawing(r.left, r.top), b = toDrawing(r.right, r.bottom);
        boxes[g.id] = { x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y };
      });
    }
    function follow(g) {
      if (win.deltagradNoScroll) return;
      if (boxes === null) measure();
      var box = boxes[g.id];
      if (!box) return;
      var moved = ensureVisible(view, box, view.w * 0.02);
      if (moved !== view) setView(moved);  // a new viewBox repaints the whole picture: only when needed
    }
    setView(fitWidth(content, viewport()));
    $("fit").addEventListener("click", function () { setView(fit(content, viewport())); });
    $("actual").addEventListener("click", function () { setView(actual(content, viewport())); });
    $("zoom-in").addEventListener("click", function () {
      setView(zoomAt(view, 1.25, { x: view.x + view.w / 2, y: view.y + view.h / 2 }));
    });
    $("zoom-out").addEventListener("click", function () {
      setView(zoomAt(view, 0.8, { x: view.x + view.w / 2, y: view.y + view.h / 2 }));
    });
    main.addEventListener("wheel", function (e) {
      e.preventDefault();
      setView(zoomAt(view, Math.exp(-e.deltaY * 0.0015), toDrawing(e.clientX, e.clientY)));
    }, { passive: false });
    var pointers = {}, pinch = null;
    main.addEventListener("pointerdown", function (e) {
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (main.setPointerCapture) main.setPointerCapture(e.pointerId);
      main.classList.add("dragging");
    });
    main.addEventListener("pointermove", function (e) {
      var p = pointers[e.pointerId];
      if (!p) return;
      var ids = Object.keys(pointers);
      var r = main.getBoundingClientRect();
      if (ids.length === 2) {
        var other = pointers[ids[0] === String(e.pointerId) ? ids[1] : ids[0]];
        var d = Math.hypot(e.clientX - other.x, e.clientY - other.y);
        if (pinch) setView(zoomAt(view, d / pinch, toDrawing((e.clientX + other.x) / 2, (e.clientY + other.y) / 2)));
        pinch = d;
      } else {
        setView(pan(view, (e.clientX - p.x) * view.w / r.width, (e.clientY - p.y) * view.h / r.height));
      }
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
    });
    function lift(e) {
      delete pointers[e.pointerId];
      pinch = null;
      if (!Object.keys(pointers).length) main.classList.remove("dragging");
    }
    main.addEventListener("pointerup", lift);
    main.addEventListener("pointercancel", lift);
    win.addEventListener("resize", function () {
      var vp = viewport();
      setView({ x: view.x, y: view.y, w: view.w, h: view.w * vp.h / vp.w });
    });

    /* ---- controls ---- */
    function play() {
      if (timer) { pause(); return; }
      if (s.step >= STEPS.length) go(0);
      $("play").textContent = strings.pause;
      timer = win.setInterval(function () {
        if (s.step >= STEPS.length || s.asking !== null) { pause(); return; }
        go(s.step + 1);
      }, Number($("speed").value));
    }
    function pause() {
      if (timer) win.clearInterval(timer);
      timer = null;
      $("play").textContent = strings.play;
    }
    function next() {
      if (s.asking !== null) {
        $("quiz-feedback").textContent = strings.waiting;
        $("quiz-answer").focus();
        return;
      }
      go(s.step + 1);
    }
    $("slider").max = String(STEPS.length);
    $("next").addEventListener("click", function () { pause(); next(); });
    $("prev").addEventListener("click", function () { pause(); go(s.step - 1); });
    $("reset").addEventListener("click", function () { pause(); go(0); });
    $("play").addEventListener("click", play);
    $("slider").addEventListener("input", function (e) { pause(); go(e.target.value); });
    $("speed").addEventListener("change", function () { if (timer) { pause(); play(); } });
    $("quiz").addEventListener("submit", function (e) { e.preventDefault(); answer($("quiz-answer").value); });
    $("quiz-show").addEventListener("click", function () { reveal(); });
    doc.addEventListener("keydown", function (e) {
      var tag = e.target && e.target.tagName;
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
      if (e.key === "ArrowRight") { pause(); next(); e.preventDefault(); }
      else if (e.key === "ArrowLeft") { pause(); go(s.step - 1); e.preventDefault(); }
      else if (e.key === " ") { play(); e.preventDefault(); }
    });
    win.addEventListener("hashchange", function () {
      var m = win.location.hash.match(/step=(\d+)/);
      if (m && Number(m[1]) !== s.step) go(Number(m[1]));
    });
    win.deltagrad = {
      steps: STEPS.length,
      get step() { return s.step; },
      go: go,
      state: function () { return snapshot(s); },
      answer: answer,
      reveal: reveal,
      play: play,
      pause: pause,
      zoom: {
        fit: function () { setView(fit(content, viewport())); return view; },
        actual: function () { setView(actual(content, viewport())); return view; },
        view: function () { return Object.assign({}, view); },
        content: function () { return Object.assign({}, content); }
      }
    };
    var m = win.location.hash.match(/step=(\d+)/);
    go(m ? Number(m[1]) : 0);
  }

  common.publish({
    blank: blank, apply: apply, replay: replay, advance: advance, snapshot: snapshot, parseNumber: parseNumber, judge: judge,
    fit: fit, actual: actual, fitWidth: fitWidth, zoomAt: zoomAt, pan: pan, ensureVisible: ensureVisible,
    mount: mount
  }, "deltagradStepper", typeof module === "object" ? module : null);
})(typeof deltagradCommon !== "undefined" ? deltagradCommon : require("./common.js"));
