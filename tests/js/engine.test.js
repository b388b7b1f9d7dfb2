// The JavaScript backend of compile_graph: the runtime's float helpers against Python's,
// and generated forward/backward functions against Python's compiled replay. The expected
// numbers come from Python (tests/test_javascript.py writes them to a JSON file and passes
// its path in DELTAGRAD_JS_FIXTURE); without it these tests skip.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const vm = require("node:vm");
const rt = require("../../src/deltagrad/autograd/js/runtime.js");

const path = process.env.DELTAGRAD_JS_FIXTURE;
const fixture = path ? JSON.parse(fs.readFileSync(path, "utf8")) : null;
const skip = fixture ? false : "no fixture: pytest tests/test_javascript.py runs these";

// Numbers travel as text ("NaN", "Infinity", "-0", "0.1"), which JSON cannot carry as numbers.
function num(text) {
  return Number(text);
}

const view = new DataView(new ArrayBuffer(8));

function ordered(x) {
  // the double's bits as a BigInt that orders like the doubles (so ulps are a difference)
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

function ulps(a, b) {
  const d = ordered(a) - ordered(b);
  return d < 0n ? -d : d;
}

function close(got, want, tolerance) {
  if (Number.isNaN(want)) {
    return Number.isNaN(got);
  }
  if (!Number.isFinite(want) || want === 0 || tolerance === "exact") {
    return Object.is(got, want);
  }
  if (!Number.isFinite(got)) {
    return false;
  }
  if (ulps(got, want) <= 1n) {
    return true;
  }
  return tolerance !== "ulp" && Math.abs(got - want) <= tolerance * Math.abs(want);
}

test("the runtime has every helper the op rules call", { skip }, () => {
  for (const name of Object.keys(fixture.helpers)) {
    assert.equal(typeof rt[name], "function", name);
  }
  assert.ok(Object.isFrozen(rt));
});

test("each runtime helper equals Python's on its 10,000 values", { skip }, () => {
  for (const [name, spec] of Object.entries(fixture.helpers)) {
    assert.ok(spec.cases.length >= 10000, name + " has " + spec.cases.length + " cases");
    let worst = 0n;
    const bad = [];
    for (const [args, expected] of spec.cases) {
      const xs = args.map((a) => (Array.isArray(a) ? a.map(num) : num(a)));
      const want = num(expected);
      const got = rt[name](...xs);
      if (!close(got, want, spec.tolerance)) {
        bad.push(name + "(" + args.join(", ") + ") = " + got + ", Python: " + expected);
      } else if (Number.isFinite(want) && want !== 0) {
        const u = ulps(got, want);
        worst = u > worst ? u : worst;
      }
    }
    assert.deepEqual(bad.slice(0, 5), [], name + ": " + bad.length + " of " + spec.cases.length + " differ");
  }
});

test("generated forward and backward equal Python's compiled replay", { skip }, () => {
  assert.ok(fixture.graphs.length > 0);
  const ops = new Set();
  for (const graph of fixture.graphs) {
    graph.ops.forEach((op) => ops.add(op));
    const fn = vm.runInThisContext(graph.source);
    const withNodes = vm.runInThisContext(graph.source_with);
    for (const row of graph.rows) {
      const x = row.x.map(num);
      const p = row.p.map(num);
      const out = fn(x, p, rt);
      const where = graph.name + " at x = " + row.x.join(", ");
      assert.ok(close(out.value, num(row.value), 1e-12), where + ": value " + out.value + " vs " + row.value);
      assert.equal(out.params.length, row.params.length);
      assert.equal(out.inputs.length, row.inputs.length);
      out.params.forEach((g, k) => assert.ok(close(g, num(row.params[k]), 1e-12),
        where + ": dL/dp" + k + " " + g + " vs " + row.params[k]));
      out.inputs.forEach((g, k) => assert.ok(close(g, num(row.inputs[k]), 1e-12),
        where + ": dL/dx" + k + " " + g + " vs " + row.inputs[k]));
      const more = withNodes(x, p, rt);
      assert.ok(Object.is(more.value, out.value) && more.params.every((g, k) => Object.is(g, out.params[k])));
      more.values.forEach((v, k) => assert.ok(close(v, num(row.values[k]), 1e-12),
        where + ": value of node " + k + " " + v + " vs " + row.values[k]));
      more.grads.forEach((g, k) => assert.ok(close(g, num(row.grads[k]), 1e-12),
        where + ": grad of node " + k + " " + g + " vs " + row.grads[k]));
    }
  }
  for (const op of fixture.all_ops) {
    assert.ok(ops.has(op), "no graph uses " + op);
  }
});
