// The playground page's logic (src/deltagrad/viz/page/playground.js), without a browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const play = require("../../src/deltagrad/viz/page/playground.js");

// The parameters of a 2-3-1 network in nn.MLP's order, as the page's data lists them.
function spec231() {
  const params = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) params.push({ name: `W1[${i}][${j}]`, kind: "W", layer: 1, i, j });
  for (let i = 0; i < 3; i++) params.push({ name: `b1[${i}]`, kind: "b", layer: 1, i, j: null });
  for (let j = 0; j < 3; j++) params.push({ name: `W2[0][${j}]`, kind: "W", layer: 2, i: 0, j });
  params.push({ name: "b2[0]", kind: "b", layer: 2, i: 0, j: null });
  return { sizes: [2, 3, 1], params, starts: ["uniform", "xavier", "he", "zeros", "constant"],
           aliases: { equal: "constant" }, equal_weight: 0.5 };
}

test("parseNumber takes what autograd.text.parse_number takes, and nothing else", () => {
  assert.equal(play.parseNumber("0.17"), 0.17);
  assert.equal(play.parseNumber(" 0,17 "), 0.17);
  assert.equal(play.parseNumber("\u22121.2e-2"), -0.012);
  assert.equal(play.parseNumber(".5"), 0.5);
  assert.equal(play.parseNumber(3), 3);
  for (const bad of ["", "abc", "1,000.5", "1.2.3", "inf", "nan", "0x10", "1e999", "1 2", NaN, Infinity, null]) {
    assert.equal(play.parseNumber(bad), null, String(bad));
  }
});

test("PyRandom draws what Python's random.Random draws for the same seed", () => {
  const r = new play.PyRandom(0);
  assert.deepEqual([r.random(), r.random(), r.random()], [0.8444218515250481, 0.7579544029403025, 0.420571580830845]);
  const big = new play.PyRandom(2 ** 40 + 5);  // a seed of two 32-bit words
  assert.deepEqual([big.random(), big.random()], [0.5043802970418443, 0.2686044399723282]);
  const u = new play.PyRandom(7);
  assert.deepEqual([u.uniform(-1, 1), u.uniform(-1, 1)], [-0.35233447033367526, -0.6983016521509962]);
  assert.ok(Math.abs(u.gauss(0, 1) - -0.2260961647831047) < 1e-15);
});

test("initialParams gives nn.MLP's weights for the seed, biases 0", () => {
  const got = play.initialParams(spec231(), "xavier", 5);
  // nn.MLP(2, [3, 1], "tanh", "sigmoid", init="xavier", rng=5).parameters()
  assert.deepEqual(got, [0.26926412258682864, 0.5297287525174432, 0.6467366987628491, 0.9693600039970098,
    0.5255914435935962, 0.9252677090877719, 0, 0, 0, -1.1536968622237902, -0.08420695548494317,
    1.0859977306813935, 0]);
  assert.deepEqual(play.initialParams(spec231(), "zeros", 1), new Array(13).fill(0));
  assert.deepEqual(play.initialParams(spec231(), "equal", 1), play.initialParams(spec231(), "constant", 1));
  const equal = play.initialParams(spec231(), "constant", 1);
  assert.deepEqual(equal.filter((v, k) => spec231().params[k].kind === "W"), new Array(9).fill(0.5));
  assert.throws(() => play.initialParams(spec231(), "ones", 0), /unknown initialization "ones"; expected one of uniform, xavier, he, zeros, constant/);
});

test("symmetry is 0 exactly when a hidden layer's neurons are clones", () => {
  const spec = spec231();
  assert.deepEqual(play.symmetry(spec, play.initialParams(spec, "equal", 0)), [0]);
  const p = play.initialParams(spec, "equal", 0);
  p[0] = 0.75;  // W1[0][0]
  assert.deepEqual(play.symmetry(spec, p), [0.25]);
  p[0] = NaN;
  assert.ok(Number.isNaN(play.symmetry(spec, p)[0]));
});

test("textbook names count from 1, the layer as a superscript", () => {
  assert.equal(play.mathName("W", 1, 0, 1), "W₁₂⁽¹⁾");
  assert.equal(play.mathName("δ", 2, 0), "δ₁⁽²⁾");
  assert.equal(play.mathName("x", null, 1), "x₂");
  assert.equal(play.mathName("W", 3, 9, 0), "W₁₀,₁⁽³⁾");
  play.setNotation("code");
  try {
    assert.equal(play.mathName("W", 1, 0, 1), "W1[0][1]");
    assert.equal(play.mathName("δ", 2, 0), "delta2[0]");
    assert.equal(play.mathName("x", null, 1), "x[1]");
  } finally {
    play.setNotation("textbook");
  }
});

// A stand-in for the compiler's functions: loss = sum_k p_k x_0 (so dL/dp_k = x_0).
function fakeModel(data) {
  const spec = spec231();
  spec.params.forEach((p) => { p.value = 0.1; });
  Object.assign(spec, {
    neurons: [0, 1, 2].map((i) => ({ z: `z1[${i}]`, a: `a1[${i}]`, layer: 1, i })).concat([{ z: "z2[0]", a: "a2[0]", layer: 2, i: 0 }]),
    x: [2, 3], y: 1, lr: 0.5, data, test: null, target: "value", accuracy: data ? "threshold" : null,
    activations: ["tanh", "sigmoid"], classes: data ? ["0", "1"] : null,
  });
  const kernel = (x, p) => ({
    value: p.reduce((s, v) => s + v * x[0], 0), params: p.map(() => x[0]), inputs: [0, 0, 0],
    values: new Array(8).fill(x[0]), grads: new Array(4).fill(x[0]),
  });
  return new play.Model(spec, { forward: kernel, loss: kernel, derivative: {}, hasProbs: false, outputGrad: [] }, {});
}

test("a step on one example is p <- p - lr dL/dp, and a diverging step stops training", () => {
  const m = fakeModel(null);
  assert.equal(m.step(), 13 * 0.1 * 2);
  assert.ok(m.p.every((v) => v === 0.1 - 0.5 * 2));
  assert.equal(m.epoch, 1);
  m.lr = Infinity;
  m.step();
  assert.equal(m.diverged, true);
  assert.equal(m.step(), null);  // nothing more until a reset
  m.restart(m.start);
  assert.equal(m.diverged, false);
  assert.equal(m.epoch, 0);
});

test("with a data set a step is on the mean loss: the summed gradient times 1/n", () => {
  const m = fakeModel({ X: [[1, 0], [2, 0], [4, 0]], Y: [0, 1, 1] });
  const b = m.batch();
  assert.ok(b.grad.every((g) => g === (1 + 2 + 4) * (1 / 3)));
  assert.equal(b.loss, (13 * 0.1 * 1 + 13 * 0.1 * 2 + 13 * 0.1 * 4) * (1 / 3));
  const state = m.state();
  assert.deepEqual(Object.keys(state.neurons), ["z1[0]", "z1[1]", "z1[2]", "z2[0]"]);
  assert.deepEqual(Object.keys(state.params).slice(0, 2), ["W1[0][0]", "W1[0][1]"]);
  assert.equal(state.accuracy, 2 / 3);  // every output is x0 > 0.5: class 1 for all three
});

test("with the decimal comma every number the page writes has it, and lists take '; '", () => {
  const m = fakeModel({ X: [[0.5, 0], [2, 0]], Y: [0, 1] });
  m.spec.act_symbols = { tanh: "tanh", sigmoid: "σ" };
  m.kernels.derivative.tanh = () => ({ inputs: [0.9375] });  // tanh'(0.25), near enough for words
  m.x = [0.25, 1.5];
  m.recompute();
  const english = play.gradientLines(m, 1).join("\n");
  assert.equal(english, "dL/dW₁₂⁽¹⁾ = δ₁⁽¹⁾ · x₂ = 0.25 · 1.5 = 0.25\n" +
                        "δ₁⁽¹⁾ = tanh'(z₁⁽¹⁾) · W₁₁⁽²⁾ δ₁⁽²⁾ = 0.9375 · 0.1 · 0.25 = 0.25");  // the fake's numbers
  play.setDecimalMark(",");
  try {
    const russian = play.gradientLines(m, 1).join("\n");
    assert.equal(russian, "dL/dW₁₂⁽¹⁾ = δ₁⁽¹⁾ · x₂ = 0,25 · 1,5 = 0,25\n" +
                          "δ₁⁽¹⁾ = tanh'(z₁⁽¹⁾) · W₁₁⁽²⁾ δ₁⁽²⁾ = 0,9375 · 0,1 · 0,25 = 0,25");
    assert.doesNotMatch(russian, /\d\.\d/);
    assert.equal(play.percent(0.875), "87,5%");
    assert.equal(play.written(0.1 + 0.2), "0,30000000000000004");
    assert.equal(play.parseNumber(play.written(0.1 + 0.2)), 0.1 + 0.2);  // a field reads back what it shows
    assert.equal(play.list(["0,5", "1"]), "0,5; 1");
  } finally {
    play.setDecimalMark(".");
  }
  assert.equal(play.gradientLines(m, 1).join("\n"), english);
  assert.equal(play.percent(0.875), "87.5%");
  assert.equal(play.list(["0.5", "1"]), "0.5, 1");
});
