// The stepper page's logic (src/deltagrad/viz/page/stepper.js), without a browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const stepper = require("../../src/deltagrad/viz/page/stepper.js");

const DATA = {
  quiz: false,
  nodes: { n0: { label: "a" }, n1: { label: "b" } },
  steps: [
    { kind: "forward", set: [["n0", "data", 2, "2"]] },
    { kind: "forward", set: [["n1", "data", 4, "4"]] },
    { kind: "seed", set: [["n1", "grad", 1, "1"]] },
    { kind: "backward", set: [["n0", "grad", 4, "4"], ["n0", "manual", 4, "4 ✓"]], status: [["n0", "match"]],
      quiz: { key: "n0", field: "grad", value: 4, text: "4", question: "db/da = ?" } },
    { kind: "update", set: [["n0", "new", 1.6, "1.6"]] },
  ],
};

test("replay applies the first n steps and nothing more", () => {
  const s0 = stepper.replay(DATA, 0);
  assert.deepEqual(stepper.snapshot(s0), { n0: { label: "a", data: null, grad: null }, n1: { label: "b", data: null, grad: null } });
  const s2 = stepper.replay(DATA, 2);
  assert.equal(s2.step, 2);
  assert.equal(s2.state.n0.data, 2);
  assert.equal(s2.state.n0.grad, null);
  assert.ok(s2.fresh["n1/data"] && !s2.fresh["n0/data"]);
  const end = stepper.replay(DATA, 99);
  assert.equal(end.step, 5);
  assert.equal(end.state.n0.grad, 4);
  assert.equal(end.state.n0.updated, 1.6);
  assert.equal(end.texts.n0.manual, "4 ✓");
  assert.equal(end.status.n0, "match");
});

test("a hand value is not there before its step", () => {
  const before = stepper.replay(DATA, 3);
  assert.equal(before.texts.n0.manual, undefined);
  assert.equal(before.status.n0, undefined);
});

test("with a quiz, replay stops at the first open question, withholding its number", () => {
  const data = Object.assign({}, DATA, { quiz: true });
  const s = stepper.replay(data, 99, {});
  assert.equal(s.step, 4);
  assert.equal(s.asking, 3);
  assert.equal(s.state.n0.grad, null);
  assert.equal(s.texts.n0.manual, "4 ✓");  // the rest of the step is shown
  const after = stepper.replay(data, 99, { 3: "right" });
  assert.equal(after.step, 5);
  assert.equal(after.asking, null);
  assert.equal(after.state.n0.grad, 4);
});

test("typed numbers and verdicts", () => {
  assert.equal(stepper.parseNumber("0,17"), 0.17);
  assert.equal(stepper.parseNumber(" -1.2e-2 "), -0.012);
  assert.equal(stepper.parseNumber(".5"), 0.5);
  assert.equal(stepper.parseNumber("\u22120.5"), -0.5);
  assert.equal(stepper.parseNumber("1,000.5"), null);
  assert.equal(stepper.parseNumber("inf"), null);
  assert.equal(stepper.parseNumber("<img src=x>"), null);
  assert.equal(stepper.judge(-0.006197, "-0.006197").verdict, "right");
  assert.equal(stepper.judge(-0.0061969, "-0,006197").verdict, "right");  // a unit in the 4th digit
  assert.equal(stepper.judge(-0.0061969, "-0.0062").verdict, "wrong");  // 2 digits are not enough
  assert.equal(stepper.judge(-0.006197, "0.006197").verdict, "wrong");
  assert.equal(stepper.judge(-0.006197, "-0.0063").verdict, "wrong");
  assert.equal(stepper.judge(0, "0").verdict, "right");
  assert.equal(stepper.judge(1, "x").verdict, "invalid");
  assert.equal(stepper.judge(Infinity, "1e308").verdict, "wrong");
});

test("fit shows the whole drawing, 1:1 its own size, zoom keeps the point under the pointer", () => {
  const content = { x: 0, y: 0, w: 1000, h: 500 };
  const v = stepper.fit(content, { w: 500, h: 500 });
  assert.ok(v.x <= 0 && v.y <= 0 && v.x + v.w >= 1000 && v.y + v.h >= 500);
  assert.equal(v.w / v.h, 1);
  const one = stepper.actual(content, { w: 400, h: 300 });
  assert.equal(one.w, 300);  // 400 px = 300 pt
  const z = stepper.zoomAt({ x: 0, y: 0, w: 100, h: 100 }, 2, { x: 80, y: 20 });
  assert.deepEqual(z, { x: 40, y: 10, w: 50, h: 50 });
  const fw = stepper.fitWidth({ x: 0, y: 0, w: 100, h: 800 }, { w: 1000, h: 500 });
  assert.equal(fw.w, 1000 / (96 / 72));  // never larger than 1:1
});

test("ensureVisible moves the view to a box outside it, and leaves it when inside", () => {
  const view = { x: 0, y: 0, w: 100, h: 100 };
  assert.equal(stepper.ensureVisible(view, { x: 10, y: 10, w: 5, h: 5 }, 1), view);
  const moved = stepper.ensureVisible(view, { x: 300, y: 400, w: 10, h: 10 }, 1);
  assert.deepEqual(moved, { x: 255, y: 355, w: 100, h: 100 });
});
