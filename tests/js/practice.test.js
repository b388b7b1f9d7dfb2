// The practice page's logic (src/deltagrad/viz/page/practice.js), without a browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const practice = require("../../src/deltagrad/viz/page/practice.js");

const TEXTS = { done: "done", not_a_number: "not a number: {text}", right: "Right.", no_slip: "no slip: {formula}",
  revealed: "The value is {value}." };
const DATA = {
  id: "ex-1", student: "s", problem: { format: "deltagrad-exercise" }, texts: TEXTS,
  questions: [
    { key: "forward/z1[0]", section: "forward", name: "z1[0]", right: 0.17, shown: "0.17", tol: 0.0005, band: 0.0017,
      formula: "z1[0] = ...", rounding: "rounded", slips: [{ code: "sign", value: -0.17, tol: 0.0005, message: "sign!" },
        { code: "missing-term", value: -0.03, tol: 0.00005, message: "term!" }] },
    { key: "deltas/delta2[0]", section: "deltas", name: "delta2[0]", right: -0.0832, shown: "-0.0832", tol: 0.00005,
      band: 0.000832, formula: "d = ...", rounding: "rounded", slips: [] },
  ],
};

test("parseNumber reads points, commas, exponents and leading dots, and nothing else", () => {
  assert.equal(practice.parseNumber("0.17"), 0.17);
  assert.equal(practice.parseNumber(" 0,17 "), 0.17);
  assert.equal(practice.parseNumber("-1.2e-2"), -0.012);
  assert.equal(practice.parseNumber(".5"), 0.5);
  assert.equal(practice.parseNumber("\u22120.5"), -0.5);
  for (const bad of ["", "abc", "1,000.5", "1.2.3", "inf", "NaN", "1e999", "<img src=x>", "0x10"]) {
    assert.equal(practice.parseNumber(bad), null, bad);
  }
});

test("judge: right within the tolerance, the slip's code, rounding, or none", () => {
  const q = DATA.questions[0];
  assert.equal(practice.judge(q, 0.1704).verdict, "right");
  assert.deepEqual(practice.judge(q, -0.17), { verdict: "wrong", code: "sign", message: "sign!" });
  assert.equal(practice.judge(q, -0.03).code, "missing-term");
  assert.equal(practice.judge(q, 0.1715).code, "rounding");
  assert.equal(practice.judge(q, 0.5).code, null);
});

test("answers in order; a non-number is no try; reveal; export and the summary", () => {
  const state = practice.blank(DATA);
  assert.equal(practice.currentIndex(DATA, state), 0);
  assert.equal(practice.answer(DATA, state, "x").message, "not a number: x");
  assert.equal(state.answers["forward/z1[0]"].tries, 0);
  assert.equal(practice.answer(DATA, state, "-0,17").code, "sign");
  assert.equal(practice.answer(DATA, state, "0.5").message, "no slip: z1[0] = ...");
  assert.equal(practice.answer(DATA, state, "0,17").verdict, "right");
  assert.equal(practice.currentIndex(DATA, state), 1);
  assert.equal(practice.reveal(DATA, state).message, "The value is -0.0832.");
  assert.equal(practice.answer(DATA, state, "1").message, "done");
  assert.deepEqual(practice.publicState(DATA, state)["forward/z1[0]"], { answer: 0.17, verdict: "right", tries: 3 });
  const out = practice.exportAnswers(DATA, state);
  assert.deepEqual(out, { problem: DATA.problem, student: "s", forward: { "z1[0]": 0.17 }, deltas: { "delta2[0]": null },
    revealed: ["deltas/delta2[0]"] });
  assert.deepEqual(practice.summary(DATA, state), { first: 0, hinted: 1, revealed: 1 });
  assert.deepEqual([1, 2, 3, 4].map(practice.hintLevel), [1, 2, 3, 3]);
});

test("restore keeps a record of this exercise only, and only sane fields", () => {
  const state = practice.blank(DATA);
  practice.answer(DATA, state, "0.17");
  const again = practice.restore(DATA, JSON.parse(JSON.stringify(state)));
  assert.equal(again.answers["forward/z1[0]"].verdict, "right");
  assert.equal(practice.restore(DATA, { ...state, id: "other" }).answers["forward/z1[0]"].verdict, null);
  const odd = practice.restore(DATA, { id: "ex-1", answers: { "forward/z1[0]": { answer: "<b>", verdict: "hacked", tries: -3 } } });
  assert.deepEqual(odd.answers["forward/z1[0]"], { answer: null, verdict: null, tries: 0, first: null });
});
