/* deltagrad practice page: one question of the tutorial at a time, checked as it is typed.
 *
 * The right value, its tolerance and what each slip would give come from Python as data
 * (`deltagrad.viz.practice`), computed from the right earlier values; this script only
 * compares numbers, it never re-derives backprop. The pure functions (parseNumber, judge,
 * the state) are exported for `node --test`; in a page the script wires them to the DOM
 * and sets `window.deltagrad_practice`.
 */
(function (common) {
  "use strict";

  var SECTIONS = ["forward", "deltas", "gradients", "updated"];

  /* The verdict on `value` for question `q`: right within its tolerance, else the first slip
   * (in the checker's order) whose number it is, else rounding within the band, else none. */
  function judge(q, value) {
    if (Math.abs(value - q.right) <= q.tol) return { verdict: "right", code: null, message: null };
    for (var i = 0; i < q.slips.length; i++) {
      var s = q.slips[i];
      if (Math.abs(value - s.value) <= s.tol) return { verdict: "wrong", code: s.code, message: s.message };
    }
    if (Math.abs(value - q.right) <= q.band) return { verdict: "wrong", code: "rounding", message: q.rounding };
    return { verdict: "wrong", code: null, message: null };
  }

  /* A fresh progress record: every question unasked. */
  function blank(data) {
    var answers = {};
    data.questions.forEach(function (q) { answers[q.key] = { answer: null, verdict: null, tries: 0, first: null }; });
    return { id: data.id, answers: answers };
  }

  /* A stored record, if it fits this exercise (else a blank one). */
  function restore(data, stored) {
    var state = blank(data);
    if (!stored || stored.id !== data.id || typeof stored.answers !== "object" || stored.answers === null) return state;
    data.questions.forEach(function (q) {
      var a = stored.answers[q.key];
      if (a && typeof a === "object") {
        state.answers[q.key] = {
          answer: typeof a.answer === "number" && isFinite(a.answer) ? a.answer : null,
          verdict: ["right", "wrong", "revealed"].indexOf(a.verdict) >= 0 ? a.verdict : null,
          tries: typeof a.tries === "number" && a.tries >= 0 ? Math.floor(a.tries) : 0,
          first: typeof a.first === "boolean" ? a.first : null,
        };
      }
    });
    return state;
  }

  /* The index of the question being asked: the first one not right and not revealed. */
  function currentIndex(data, state) {
    for (var i = 0; i < data.questions.length; i++) {
      var v = state.answers[data.questions[i].key].verdict;
      if (v !== "right" && v !== "revealed") return i;
    }
    return data.questions.length;
  }

  /* Record one typed answer for the current question; returns {verdict, code, message, q}.
   * Text that is no number counts as no try. */
  function answer(data, state, text) {
    var i = currentIndex(data, state);
    if (i >= data.questions.length) return { verdict: null, code: null, message: data.texts.done, q: null };
    var q = data.questions[i];
    var value = common.parseNumber(String(text));
    if (value === null) {
      var shown = String(text).trim();
      if (shown.length > 40) shown = shown.slice(0, 37) + "...";
      return { verdict: null, code: null, message: common.format(data.texts.not_a_number, { text: shown }), q: q };
    }
    var a = state.answers[q.key];
    var result = judge(q, value);
    a.tries += 1;
    a.answer = value;
    a.verdict = result.verdict;
    if (a.first === null) a.first = result.verdict === "right";
    var message = result.message;
    if (result.verdict === "right") message = data.texts.right;
    else if (result.code === null) message = common.format(data.texts.no_slip, { formula: q.formula });
    return { verdict: result.verdict, code: result.code, message: message, q: q };
  }

  /* Mark the current question revealed (it counts as wrong); returns {verdict, code, message, q}. */
  function reveal(data, state) {
    var i = currentIndex(data, state);
    if (i >= data.questions.length) return { verdict: null, code: null, message: data.texts.done, q: null };
    var q = data.questions[i];
    var a = state.answers[q.key];
    a.verdict = "revealed";
    if (a.first === null) a.first = false;
    return { verdict: "revealed", code: null, message: common.format(data.texts.revealed, { value: q.shown }), q: q };
  }

  /* The hint for the current question after `tries` wrong answers: the slip, then also the
   * formula, then (from the third) the Show button. */
  function hintLevel(tries) {
    return tries <= 0 ? 0 : Math.min(tries, 3);
  }

  /* What the page's API returns as state(): question -> {answer, verdict, tries}. */
  function publicState(data, state) {
    var out = {};
    data.questions.forEach(function (q) {
      var a = state.answers[q.key];
      out[q.key] = { answer: a.answer, verdict: a.verdict, tries: a.tries };
    });
    return out;
  }

  /* The answers file that `deltagrad check` and `deltagrad grade` read: the problem, the
   * student, every section with the last try per question (null if none), and which
   * answers were revealed. */
  function exportAnswers(data, state) {
    var out = { problem: data.problem, student: data.student };
    SECTIONS.forEach(function (s) { out[s] = {}; });
    var revealed = [];
    data.questions.forEach(function (q) {
      var a = state.answers[q.key];
      out[q.section][q.name] = a.answer;
      if (a.verdict === "revealed") revealed.push(q.key);
    });
    SECTIONS.forEach(function (s) { if (Object.keys(out[s]).length === 0) delete out[s]; });
    out.revealed = revealed;
    return out;
  }

  /* The end summary: right first time, right after hints, revealed. */
  function summary(data, state) {
    var out = { first: 0, hinted: 0, revealed: 0 };
    data.questions.forEach(function (q) {
      var a = state.answers[q.key];
      if (a.verdict === "revealed") out.revealed += 1;
      else if (a.verdict === "right" && a.first) out.first += 1;
      else if (a.verdict === "right") out.hinted += 1;
    });
    return out;
  }

  /* The page: wire the pure functions (P) to the document, with `window.deltagrad_practice`
   * for tests and tools. */
  function mount(document, window) {
    var P = api;
    var data = common.readData("deltagrad-data", document);
    var T = data.texts;
    var KEY = "deltagrad-practice:" + data.id;
    var saving = true;
    var state = load();
    var hintOpen = false, ruleOpen = false;
    var el = function (id) { return document.getElementById(id); };

    function load() {
      try {
        var text = window.localStorage.getItem(KEY);
        return P.restore(data, text ? JSON.parse(text) : null);
      } catch (err) {
        storageFailed();
        return P.blank(data);
      }
    }

    function storageFailed() {
      if (!saving) return;
      saving = false;  // said once; the page goes on without saving
      var note = document.getElementById("storage");
      if (note) { note.textContent = T.no_storage; note.hidden = false; }
    }

    function save() {
      if (!saving) return;
      try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (err) { storageFailed(); }
    }

    function setText(id, text) { el(id).textContent = text; }

    /* Fill a known value into the network picture: its text "z1[0] = ?" becomes "z1[0] = 0.17". */
    function fillPicture() {
      var texts = document.querySelectorAll("#picture svg text");
      var known = {};
      data.questions.forEach(function (q) {
        var a = state.answers[q.key];
        if (q.picture && (a.verdict === "right" || a.verdict === "revealed")) known[q.picture] = q.shown;
      });
      for (var i = 0; i < texts.length; i++) {
        var t = texts[i];
        if (!t.hasAttribute("data-label")) {
          var m = t.textContent.match(/^(.*) = \?$/);
          if (!m) continue;
          t.setAttribute("data-label", m[1]);
        }
        var label = t.getAttribute("data-label");
        t.textContent = label + " = " + (Object.prototype.hasOwnProperty.call(known, label) ? known[label] : "?");
      }
    }

    function renderList() {
      var list = el("progress");
      list.textContent = "";
      var n = P.currentIndex(data, state);
      data.questions.forEach(function (q, i) {
        var a = state.answers[q.key];
        var li = document.createElement("li");
        var mark = a.verdict === "right" ? "✓" : a.verdict === "revealed" ? "◌" : i === n ? "→" : "";
        li.className = a.verdict === "revealed" ? "revealed" : a.verdict === "right" ? "right" : i === n ? "now" : "";
        var value = a.verdict === "right" || a.verdict === "revealed" ? " = " + q.shown : "";
        li.textContent = mark + " " + q.label + value;
        list.appendChild(li);
      });
    }

    function render(result) {
      var n = P.currentIndex(data, state);
      var done = n >= data.questions.length;
      el("ask").hidden = done;
      el("end").hidden = !done;
      if (!done) {
        var q = data.questions[n];
        var a = state.answers[q.key];
        setText("counter", common.format(T.counter, { n: n + 1, total: data.questions.length }));
        setText("answer-label", q.label + " =");
        setText("rule", q.formula);
        el("rule").hidden = !ruleOpen;
        var level = a.verdict === "wrong" ? P.hintLevel(a.tries) : 0;
        el("show").hidden = level < 3;
        el("hint").hidden = !hintOpen || level < 2;
        if (level >= 2) setText("hint-formula", common.format(T.formula, { formula: q.formula }));
        else setText("hint-formula", "");
      } else {
        var s = P.summary(data, state);
        setText("end-summary", common.format(T.summary, s));
      }
      if (result) {
        var fb = el("feedback");
        fb.className = result.verdict || "unreadable";
        var slip = result.verdict === "wrong" && result.code !== null;
        fb.textContent = slip ? common.format(T.wrong, { slip: result.message || "" }) : result.message || "";
      }
      fillPicture();
      renderList();
    }

    function onAnswer(text) {
      var result = P.answer(data, state, text);
      if (result.verdict !== null) save();
      hintOpen = result.verdict === "wrong";
      if (result.verdict === "right") { ruleOpen = false; el("answer").value = ""; }
      render(result);
      if (result.verdict === "right") el("answer").focus();
      return { verdict: result.verdict, code: result.code, message: result.message };
    }

    function onReveal() {
      var result = P.reveal(data, state);
      if (result.verdict !== null) save();
      hintOpen = false;
      ruleOpen = false;
      el("answer").value = "";
      render(result);
      if (!el("ask").hidden) el("answer").focus();
      return { verdict: result.verdict, code: result.code, message: result.message };
    }

    function download() {
      var blob = new Blob([JSON.stringify(P.exportAnswers(data, state), null, 2) + "\n"], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "answers.json";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }

    // the words, all from Python
    document.title = T.title;
    setText("title", T.title);
    setText("who", data.student ? common.format(T.student, { student: data.student }) : "");
    setText("exercise-id", data.id);
    setText("check", T.check);
    setText("rule-button", T.rule_button);
    setText("show", T.show);
    setText("restart", T.restart);
    setText("download", T.download);
    setText("progress-title", T.progress);
    setText("end-title", T.end_title);
    setText("hint-close", T.close_hint);
    setText("intro", T.intro);
    var link = el("stepper-link");
    if (data.stepper) { link.href = data.stepper; link.textContent = T.stepper; } else { link.hidden = true; }

    el("form").addEventListener("submit", function (event) { event.preventDefault(); onAnswer(el("answer").value); });
    el("rule-button").addEventListener("click", function () { ruleOpen = !ruleOpen; render(null); });
    el("show").addEventListener("click", onReveal);
    el("hint-close").addEventListener("click", function () { hintOpen = false; render(null); el("answer").focus(); });
    el("download").addEventListener("click", download);
    el("restart").addEventListener("click", function () {
      if (!window.confirm(T.restart_confirm)) return;
      state = P.blank(data);
      try { window.localStorage.removeItem(KEY); } catch (err) { storageFailed(); }
      hintOpen = ruleOpen = false;
      el("answer").value = "";
      render({ verdict: null, message: "" });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && (hintOpen || ruleOpen)) { hintOpen = ruleOpen = false; render(null); el("answer").focus(); }
    });

    window.deltagrad_practice = {
      questions: data.questions.map(function (q) { return q.key; }),
      current: function () {
        var n = P.currentIndex(data, state);
        return n < data.questions.length ? data.questions[n].key : null;
      },
      answer: function (text) { return onAnswer(text); },
      reveal: function () { return onReveal(); },
      state: function () { return P.publicState(data, state); },
      export: function () { return P.exportAnswers(data, state); },
    };
    render(null);
  }

  var api = {
    parseNumber: common.parseNumber, judge: judge, blank: blank, restore: restore, currentIndex: currentIndex,
    answer: answer, reveal: reveal, hintLevel: hintLevel, publicState: publicState, exportAnswers: exportAnswers,
    summary: summary, mount: mount,
  };
  common.publish(api, "deltagradPractice", typeof module === "object" ? module : null);
})(typeof deltagradCommon !== "undefined" ? deltagradCommon : require("./common.js"));
