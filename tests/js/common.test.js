// The shared page helpers (src/deltagrad/viz/page/common.js), without a browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const common = require("../../src/deltagrad/viz/page/common.js");

test("significant rounds half to even, as Python", () => {
  assert.equal(common.significant(1234.5, 4), "1234");
  assert.equal(common.significant(1235.5, 4), "1236");
  assert.equal(common.significant(0.125, 2), "0.12");
  assert.equal(common.significant(123.45, 4), "123.5");  // 123.45 is a little above the tie
});

test("significant writes exponents as Python's significant()", () => {
  assert.equal(common.significant(12345, 4), "1.234e4");
  assert.equal(common.significant(1.7e-18, 4), "1.7e-18");
  assert.equal(common.significant(-0.0004138, 4), "-0.0004138");
  assert.equal(common.significant(99999, 4), "1e5");
  assert.equal(common.significant(5e-324, 4), "4.941e-324");
  assert.equal(common.significant(0.0001, 4), "0.0001");
  assert.equal(common.significant(0.00001, 4), "1e-5");
});

test("zero, infinities and nan", () => {
  assert.equal(common.significant(0, 4), "0");
  assert.equal(common.significant(-0, 4), "0");
  assert.equal(common.significant(Infinity, 4), "inf");
  assert.equal(common.significant(-Infinity, 4), "-inf");
  assert.equal(common.significant(NaN, 4), "nan");
  assert.equal(common.number(null), "?");
  assert.equal(common.number(undefined), "?");
});

test("decode restores the tagged non-finite numbers and nothing else", () => {
  const data = common.decode('{"a": {"$float": "inf"}, "b": [{"$float": "-inf"}, {"$float": "nan"}], ' +
    '"c": {"$float": "other"}, "d": {"$float": "inf", "more": 1}, "e": "inf"}');
  assert.equal(data.a, Infinity);
  assert.equal(data.b[0], -Infinity);
  assert.ok(Number.isNaN(data.b[1]));
  assert.deepEqual(data.c, { $float: "other" });
  assert.deepEqual(data.d, { $float: "inf", more: 1 });
  assert.equal(data.e, "inf");
});

test("format fills named placeholders and leaves unknown ones", () => {
  assert.equal(common.format("step {n} / {total}", { n: 3, total: 9 }), "step 3 / 9");
  assert.equal(common.format("{missing} stays", {}), "{missing} stays");
});

test("format puts a value in as it is, even one with $ patterns", () => {
  assert.equal(common.format("not a number: {text}", { text: "$& $1 $'" }), "not a number: $& $1 $'");
});

test("parseNumber is autograd.text.parse_number's rule, and every page's", () => {
  assert.equal(common.parseNumber(" 0,17 "), 0.17);
  assert.equal(common.parseNumber("\u22121.2e-2"), -0.012);
  assert.equal(common.parseNumber(".5"), 0.5);
  for (const bad of ["", " ", "abc", "1,000.5", "1.2.3", "inf", "NaN", "1e999", "0x10", "1".repeat(101), 3, null]) {
    assert.equal(common.parseNumber(bad), null, String(bad));
  }
  for (const page of ["practice.js", "stepper.js", "playground.js"]) {
    assert.equal(require(`../../src/deltagrad/viz/page/${page}`).parseNumber("0,5"), 0.5, page);
  }
});

test("publish makes a page script's functions its module's exports under Node", () => {
  const module = { exports: {} };
  const api = { f: () => 1 };
  common.publish(api, "deltagradNothing", module);
  assert.equal(module.exports, api);
  assert.equal(globalThis.deltagradNothing, undefined);
});

test("with the decimal comma a number is written as Python writes it in Russian", () => {
  assert.equal(common.significant(0.53046, 4, ","), "0,5305");
  assert.equal(common.significant(-1.7e-18, 4, ","), "-1,7e-18");
  assert.equal(common.significant(12345, 4, ","), "1,234e4");
  assert.equal(common.significant(12, 4, ","), "12");
  assert.equal(common.significant(0.53046, 4, "."), "0.5305");
  assert.equal(common.significant(0.53046, 4), "0.5305");  // no mark: the point, as before
  assert.equal(common.number(0.25, 4, ","), "0,25");
  assert.equal(common.number(null, 4, ","), "?");
  assert.equal(common.localize("0.30000000000000004", ","), "0,30000000000000004");
  assert.equal(common.localize("1e-7", ","), "1e-7");
  assert.equal(common.localize("0.5", "."), "0.5");
});

test("joinNumbers is deltagrad.i18n.join_numbers: '; ' where the comma is the decimal mark", () => {
  assert.equal(common.joinNumbers(["0.5", "-0.2"], "."), "0.5, -0.2");
  assert.equal(common.joinNumbers(["0,5", "-0,2"], ","), "0,5; -0,2");
  assert.equal(common.joinNumbers(["7"], ","), "7");
  // what a page writes with the comma it reads back
  assert.equal(common.parseNumber(common.significant(-0.0004138, 4, ",")), -0.0004138);
});
