// deltagrad playground: the page's script.
//
// Every number the page shows comes from code the compiler generated from the op table
// (`deltagrad_kernels`, written by Python): `forward` gives every neuron's z and a, `loss`
// the loss with dL/dparams and each neuron's δ = dL/dz, `derivative` each activation's
// f'(z). This file only calls them, sums over examples and updates p <- p - lr * dL/dp.
// The first half is plain logic that `node --test` runs without a browser; the second half
// draws and listens. Text reaches the page only as textContent, never as markup.
"use strict";

// Numbers are written by the one rule of autograd.text.significant (common.js), with the
// decimal mark of the page's language; texts filled from Python's translations.
/* global deltagradCommon */
const common = typeof deltagradCommon !== "undefined" ? deltagradCommon : require("./common.js");
let MARK = ".";  // the decimal mark: the page's data says which ("," in Russian: 0,5424)
const significant = function (x, digits) { return common.significant(x, digits === undefined ? 4 : digits, MARK); };
// A number as JavaScript writes it (all its digits, for a field to edit), with the decimal mark.
function written(x) { return common.localize(String(x), MARK); }
// Numbers already written, as a list: "0.5, -0.2"; with the decimal comma "0,5; -0,2".
function list(texts) { return common.joinNumbers(texts, MARK); }
const fill = common.format;

// ---- a number a learner typed (common.js: the rule of autograd.text.parse_number), or one
// the page's API was given as a number ------------------------------------------------------
function parseNumber(text) {
  if (typeof text === "number") return Number.isFinite(text) ? text : null;
  return common.parseNumber(text);
}

// ---- Python's random.Random, so a seed gives the weights nn.MLP draws for it ---------------
function PyRandom(seed) {
  this.mt = new Array(624);
  this.index = 624;
  this.gaussNext = null;
  this.seed(seed);
}

PyRandom.prototype.initGenrand = function (s) {
  const mt = this.mt;
  mt[0] = s >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  this.index = 624;
};

PyRandom.prototype.seed = function (seed) {
  // CPython: the key is |seed| in 32-bit words, least significant first; [0] for 0
  let n = BigInt(Math.abs(Math.trunc(seed)));
  const key = [];
  while (n > 0n) { key.push(Number(n & 0xffffffffn)); n >>= 32n; }
  if (key.length === 0) key.push(0);
  this.initGenrand(19650218);
  const mt = this.mt;
  let i = 1, j = 0;
  for (let k = Math.max(624, key.length); k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
    i++; j++;
    if (i >= 624) { mt[0] = mt[623]; i = 1; }
    if (j >= key.length) j = 0;
  }
  for (let k = 623; k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
    i++;
    if (i >= 624) { mt[0] = mt[623]; i = 1; }
  }
  mt[0] = 0x80000000;
  this.index = 624;
  this.gaussNext = null;
};

PyRandom.prototype.uint32 = function () {
  const mt = this.mt;
  if (this.index >= 624) {
    for (let k = 0; k < 624; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
      mt[k] = (mt[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) ? 0x9908b0df : 0)) >>> 0;
    }
    this.index = 0;
  }
  let y = mt[this.index++];
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
};

PyRandom.prototype.random = function () {
  const a = this.uint32() >>> 5, b = this.uint32() >>> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
};

PyRandom.prototype.uniform = function (a, b) { return a + (b - a) * this.random(); };

PyRandom.prototype.gauss = function (mu, sigma) {
  let z = this.gaussNext;
  this.gaussNext = null;
  if (z === null) {
    const x2pi = this.random() * 2.0 * Math.PI;
    const g2rad = Math.sqrt(-2.0 * Math.log(1.0 - this.random()));
    z = Math.cos(x2pi) * g2rad;
    this.gaussNext = Math.sin(x2pi) * g2rad;
  }
  return mu + z * sigma;
};

// The starting parameters of `name` for a seed, in the spec's parameter order: the draws of
// nn.MLP(..., init=name, rng=seed) (biases 0); "constant" sets every weight to spec.equal_weight.
function initialParams(spec, given, seed) {
  const name = (spec.aliases && spec.aliases[given]) || given;
  if (spec.starts.indexOf(name) < 0) {
    throw new Error("unknown initialization " + JSON.stringify(given) + "; expected one of " + spec.starts.join(", "));
  }
  const rng = new PyRandom(seed);
  const sizes = spec.sizes;
  const drawn = {};  // "layer,i,j" -> weight
  for (let l = 1; l < sizes.length; l++) {
    const nin = sizes[l - 1], nout = sizes[l];
    for (let i = 0; i < nout; i++) {
      for (let j = 0; j < nin; j++) {
        let w;
        if (name === "uniform") w = rng.uniform(-1.0, 1.0);
        else if (name === "xavier") { const r = Math.sqrt(6.0 / (nin + nout)); w = rng.uniform(-r, r); }
        else if (name === "he") w = rng.gauss(0.0, Math.sqrt(2.0 / nin));
        else if (name === "zeros") w = 0.0;
        else w = spec.equal_weight;
        drawn[l + "," + i + "," + j] = w;
      }
    }
  }
  return spec.params.map(function (p) { return p.kind === "b" ? 0.0 : drawn[p.layer + "," + p.i + "," + p.j]; });
}

// Per hidden layer, the largest difference between two neurons' incoming weights and biases
// (nn.neuron_symmetry): 0 means the layer's neurons are clones.
function symmetry(spec, params) {
  const rows = {};
  spec.params.forEach(function (p, k) {
    const key = p.layer + "," + p.i;
    if (!rows[key]) rows[key] = [];
    rows[key].push(params[k]);
  });
  const out = [];
  for (let l = 1; l < spec.sizes.length - 1; l++) {
    let worst = 0;
    const n = spec.sizes[l];
    for (let i = 0; i < n; i++) {
      for (let k = i + 1; k < n; k++) {
        const a = rows[l + "," + i], b = rows[l + "," + k];
        for (let c = 0; c < a.length; c++) {
          const d = Math.abs(a[c] - b[c]);
          if (d !== d) worst = NaN;  // NaN counts as different, and stays
          else if (d > worst) worst = d;
        }
      }
    }
    out.push(worst);
  }
  return out;
}

// ---- the model: parameters, the current example, the kernels' results ---------------------
function Model(spec, kernels, runtime) {
  this.spec = spec;
  this.kernels = kernels;
  this.rt = runtime;
  this.nNeurons = spec.neurons.length;
  this.given = spec.params.map(function (p) { return p.value; });  // the model's own weights
  this.start = this.given.slice();  // what Reset goes back to: the given weights or the last init
  this.p = this.start.slice();
  this.index = {};
  const self = this;
  spec.params.forEach(function (p, k) { self.index[p.name] = k; });
  this.lr = spec.lr;
  this.x = spec.x.slice();
  this.y = Array.isArray(spec.y) ? spec.y.slice() : spec.y;
  this.example = spec.data ? 0 : null;
  this.epoch = 0;
  this.history = { loss: [], train: [], test: [] };
  this.diverged = false;
  this.recompute();
}

Model.prototype.lossKernel = function () { return this.kernels.loss; };

// The loss's inputs: x, then the target (a class as its one-hot row, as nn.fit gives it).
Model.prototype.lossInputs = function (x, y) {
  if (this.spec.target === "class") {
    const row = new Array(this.spec.classes.length).fill(0);
    row[y] = 1;
    return x.concat(row);
  }
  return x.concat(Array.isArray(y) ? y : [y]);
};

// Forward and backward at the current example: every neuron's z, a, δ, the loss and dL/dp.
Model.prototype.recompute = function () {
  const N = this.nNeurons;
  const f = this.kernels.forward(this.x, this.p, this.rt);
  const r = this.lossKernel(this.y)(this.lossInputs(this.x, this.y), this.p, this.rt);
  this.z = f.values.slice(0, N);
  this.a = f.values.slice(N, 2 * N);
  this.probs = this.kernels.hasProbs ? f.values.slice(2 * N) : null;
  this.delta = r.grads.slice(0, N);
  this.outputGrad = r.grads.slice(N);  // dL/da of the output neurons the loss reads
  this.loss = r.value;
  this.grad = r.params.slice();
  this.inputGrad = r.inputs.slice(0, this.x.length);
  this.measure();
};

Model.prototype.outputs = function (x) {
  // the output layer's a (and the softmax) at x, from the forward kernel
  const N = this.nNeurons, nout = this.spec.sizes[this.spec.sizes.length - 1];
  const f = this.kernels.forward(x, this.p, this.rt);
  return { a: f.values.slice(2 * N - nout, 2 * N), probs: this.kernels.hasProbs ? f.values.slice(2 * N) : null };
};

Model.prototype.predictedClass = function (out) {
  if (this.spec.accuracy === "threshold") return out.a[0] > 0.5 ? 1 : 0;
  return argmax(out.a);
};

Model.prototype.targetClass = function (y) {
  if (this.spec.accuracy === "threshold") return y > 0.5 ? 1 : 0;
  if (this.spec.accuracy === "onehot") return argmax(y);
  return y;
};

function argmax(v) {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}

Model.prototype.accuracyOn = function (set) {
  if (!set || !this.spec.accuracy) return null;
  let hits = 0;
  for (let i = 0; i < set.X.length; i++) {
    hits += this.predictedClass(this.outputs(set.X[i])) === this.targetClass(set.Y[i]) ? 1 : 0;
  }
  return hits / set.X.length;
};

Model.prototype.measure = function () {
  this.trainAccuracy = this.accuracyOn(this.spec.data);
  this.testAccuracy = this.accuracyOn(this.spec.test);
};

// The mean loss over the data set (or the example's loss) and its gradient, summed in
// example order and scaled by 1/n: the gradient nn.fit(..., batch_size=None) steps on.
Model.prototype.batch = function () {
  const P = this.p.length;
  const grad = new Array(P).fill(0);
  if (!this.spec.data) {
    const r = this.lossKernel(this.y)(this.lossInputs(this.x, this.y), this.p, this.rt);
    return { loss: r.value, grad: r.params.slice() };
  }
  const X = this.spec.data.X, Y = this.spec.data.Y, n = X.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = this.lossKernel(Y[i])(this.lossInputs(X[i], Y[i]), this.p, this.rt);
    total += r.value;
    const g = r.params;
    for (let k = 0; k < P; k++) grad[k] += g[k];
  }
  const scale = 1.0 / n;
  for (let k = 0; k < P; k++) grad[k] *= scale;
  return { loss: total * scale, grad: grad };
};

// One SGD step, p <- p - lr * dL/dp; returns the loss before it (null once diverged).
Model.prototype.step = function () {
  if (this.diverged) return null;
  const b = this.batch();
  const lr = this.lr, p = this.p;
  for (let k = 0; k < p.length; k++) p[k] -= lr * b.grad[k];
  this.epoch += 1;
  this.history.loss.push(b.loss);
  this.measure();
  this.history.train.push(this.trainAccuracy);
  this.history.test.push(this.testAccuracy);
  if (!Number.isFinite(b.loss) || !p.every(Number.isFinite)) this.diverged = true;
  return b.loss;
};

Model.prototype.restart = function (params) {
  this.p = params.slice();
  this.epoch = 0;
  this.history = { loss: [], train: [], test: [] };
  this.diverged = false;
  this.recompute();
};

Model.prototype.setParam = function (k, v) { this.p[k] = v; this.recompute(); };

Model.prototype.meanLoss = function () {
  if (!this.spec.data) return this.loss;
  return this.batch().loss;
};

// The state tools read: neurons by z name, params by name.
Model.prototype.state = function () {
  const neurons = {};
  const self = this;
  this.spec.neurons.forEach(function (n, k) {
    neurons[n.z] = { z: self.z[k], a: self.a[k], delta: self.delta[k] };
  });
  const params = {};
  this.spec.params.forEach(function (p, k) { params[p.name] = { value: self.p[k], grad: self.grad[k] }; });
  return {
    neurons: neurons, params: params, loss: this.loss,
    accuracy: this.trainAccuracy, test_accuracy: this.testAccuracy,
    mean_loss: this.spec.data ? this.meanLoss() : this.loss,
    inputs: this.x.slice(), input_grads: this.inputGrad.slice(), target: this.y,
    epoch: this.epoch, lr: this.lr, example: this.example, diverged: this.diverged,
    symmetry: this.spec.sizes.length > 2 ? symmetry(this.spec, this.p) : [],
  };
};

// ---- words and formulas --------------------------------------------------------------------
const SUB = "₀₁₂₃₄₅₆₇₈₉", SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";

function sub(n) { return String(n).split("").map(function (c) { return SUB[+c]; }).join(""); }
function sup(n) { return "⁽" + String(n).split("").map(function (c) { return SUP[+c]; }).join("") + "⁾"; }

let NOTATION = "textbook";  // or "code": the page's data says which

// A name in the notation in use. Textbook: indices from 1, the layer as a superscript
// (W1[0][1] is W₁₂⁽¹⁾, b1[0] is b₁⁽¹⁾, z1[0] is z₁⁽¹⁾); code: the model's own names.
function mathName(letter, layer, i, j) {
  if (NOTATION === "code") {
    const name = (letter === "δ" ? "delta" : letter) + (layer === null ? "" : layer) + "[" + i + "]";
    return j === null || j === undefined ? name : name + "[" + j + "]";
  }
  if (j === null || j === undefined) return letter + sub(i + 1) + (layer === null ? "" : sup(layer));
  const sep = i + 1 >= 10 || j + 1 >= 10 ? "," : "";
  return letter + sub(i + 1) + sep + sub(j + 1) + sup(layer);
}

// A parameter's name in the notation in use (W₁₂⁽¹⁾ or W1[0][1]).
function paramName(p) {
  return p.kind === "b" ? mathName("b", p.layer, p.i) : mathName("W", p.layer, p.i, p.j);
}

function num(x) { const s = significant(x); return s.charAt(0) === "-" ? "(" + s + ")" : s; }

// Written out with the current numbers: dL/dW = δ · a (or x), and δ expanded one level.
function gradientLines(model, k) {
  const spec = model.spec, p = spec.params[k];
  const neuron = neuronIndex(spec, p.layer, p.i);
  const delta = model.delta[neuron];
  const dname = mathName("δ", p.layer, p.i);
  const lines = [];
  const wname = paramName(p);
  if (p.kind === "b") {
    lines.push("dL/d" + wname + " = " + dname + " = " + significant(model.grad[k]));
  } else {
    const src = p.layer === 1 ? mathName("x", null, p.j) : mathName("a", p.layer - 1, p.j);
    const srcValue = p.layer === 1 ? model.x[p.j] : model.a[neuronIndex(spec, p.layer - 1, p.j)];
    lines.push("dL/d" + wname + " = " + dname + " · " + src + " = " + num(delta) + " · " + num(srcValue) +
               " = " + significant(model.grad[k]));
  }
  return lines.concat(deltaLines(model, neuron));
}

function neuronIndex(spec, layer, i) {
  let k = 0;
  for (let l = 1; l < layer; l++) k += spec.sizes[l];
  return k + i;
}

function derivativeOf(model, layer, z) {
  const act = model.spec.activations[layer - 1];
  if (act === "linear") return 1.0;
  return model.kernels.derivative[act]([z], [], model.rt).inputs[0];
}

function actSymbol(spec, layer) { return spec.act_symbols[spec.activations[layer - 1]] || "f"; }

// δ of one neuron, one level down: from the loss for the output layer, else the sum over
// the next layer's δ weighted by the weights out of this neuron, times f'(z).
function deltaLines(model, neuron) {
  const spec = model.spec, n = spec.neurons[neuron];
  const L = spec.sizes.length - 1;
  const dname = mathName("δ", n.layer, n.i), zname = mathName("z", n.layer, n.i), aname = mathName("a", n.layer, n.i);
  const delta = model.delta[neuron];
  const fprime = actSymbol(spec, n.layer) + "'(" + zname + ")";
  const fval = derivativeOf(model, n.layer, model.z[neuron]);
  if (n.layer === L) {
    const kind = spec.loss.delta;
    if (kind === "bce") {
      return [dname + " = dL/d" + zname + " = " + aname + " − y = " + num(model.a[neuron]) + " − " +
              num(model.y) + " = " + significant(delta)];
    }
    if (kind === "ce") {
      const pk = model.probs ? model.probs[n.i] : null;
      const hit = model.y === n.i ? 1 : 0;
      const pname = mathName("p", null, n.i);
      return [dname + " = dL/d" + zname + " = " + pname + " − [y = " + (NOTATION === "code" ? n.i : n.i + 1) + "] = " +
              (pk === null ? "?" : num(pk)) + " − " + hit + " = " + significant(delta)];
    }
    const m = model.kernels.outputGrad.indexOf(n.i);
    if (m < 0) return [dname + " = dL/d" + zname + " = " + significant(delta)];
    const dLda = model.outputGrad[m];
    const target = Array.isArray(model.y) ? model.y[n.i] : model.y;
    const first = spec.loss.half ? " = (" + aname + " − y)" : "";
    const numbers = spec.loss.half ? "(" + num(model.a[neuron]) + " − " + num(target) + ")" : num(dLda);
    return [dname + " = dL/d" + aname + " · " + fprime + first + " · " + fprime + " = " + numbers + " · " +
            num(fval) + " = " + significant(delta)];
  }
  const next = n.layer + 1, width = spec.sizes[next];
  const terms = [], values = [];
  const shown = Math.min(width, 4);
  for (let k = 0; k < shown; k++) {
    const w = model.p[model.index["W" + next + "[" + k + "][" + n.i + "]"]];
    terms.push(mathName("W", next, k, n.i) + " " + mathName("δ", next, k));
    values.push(num(w) + " · " + num(model.delta[neuronIndex(spec, next, k)]));
  }
  const more = width > shown ? " + … " + fill(spec.strings.terms, { n: width }) : "";
  const sum = width === 1 ? terms[0] : "(" + terms.join(" + ") + more + ")";
  const sumValues = width === 1 ? values[0] : "(" + values.join(" + ") + more + ")";
  return [dname + " = " + fprime + " · " + sum + " = " + num(fval) + " · " + sumValues + " = " + significant(delta)];
}

// z written out with the numbers: z = Σ w a + b.
function forwardLine(model, neuron) {
  const spec = model.spec, n = spec.neurons[neuron];
  const nin = spec.sizes[n.layer - 1];
  const names = [], values = [];
  const shown = Math.min(nin, 4);
  for (let j = 0; j < shown; j++) {
    const src = n.layer === 1 ? mathName("x", null, j) : mathName("a", n.layer - 1, j);
    const v = n.layer === 1 ? model.x[j] : model.a[neuronIndex(spec, n.layer - 1, j)];
    names.push(mathName("W", n.layer, n.i, j) + " " + src);
    values.push(num(model.p[model.index["W" + n.layer + "[" + n.i + "][" + j + "]"]]) + " · " + num(v));
  }
  const more = nin > shown ? " + … " + fill(spec.strings.terms, { n: nin + 1 }) : "";
  const b = model.p[model.index["b" + n.layer + "[" + n.i + "]"]];
  const zname = mathName("z", n.layer, n.i);
  const lines = [zname + " = " + names.join(" + ") + more + " + " + mathName("b", n.layer, n.i) + " = " +
                 values.join(" + ") + more + " + " + num(b) + " = " + significant(model.z[neuron])];
  if (spec.activations[n.layer - 1] !== "linear") {
    lines.push(mathName("a", n.layer, n.i) + " = " + actSymbol(spec, n.layer) + "(" + zname + ") = " +
               significant(model.a[neuron]));
  }
  return lines;
}

// ---- the page -----------------------------------------------------------------------------
const CLASS_COLOURS = [[49, 130, 206], [221, 107, 32], [56, 161, 105], [128, 90, 213], [213, 63, 140],
                       [49, 151, 149], [214, 158, 46], [113, 128, 150], [229, 62, 62], [90, 103, 216]];

function classColour(k) { return CLASS_COLOURS[k % CLASS_COLOURS.length]; }

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text !== undefined) node.textContent = text;
  return node;
}

function Page(model) {
  this.model = model;
  this.spec = model.spec;
  this.S = model.spec.strings;
  // {kind: "param", k} | {kind: "neuron", k} | {kind: "input", j}: at first the weight the
  // tutorial writes out, dL/dW₁₂⁽¹⁾
  const first = model.index[model.spec.sizes[0] > 1 ? "W1[0][1]" : "W1[0][0]"];
  this.selected = { kind: "param", k: first };
  this.running = false;
  this.build();
  this.render();
}

Page.prototype.build = function () {
  const S = this.S, spec = this.spec, self = this;
  document.getElementById("help").textContent = S.help;
  document.getElementById("step").textContent = S.step;
  document.getElementById("train").textContent = S.train;
  document.getElementById("reset").textContent = S.reset;
  document.getElementById("lr-label").textContent = S.lr;
  document.getElementById("init-label").textContent = S.init;
  document.getElementById("seed-label").textContent = S.seed;
  document.getElementById("example-title").textContent = S.example;
  document.getElementById("loss-caption").textContent = S.curve_loss;
  document.getElementById("accuracy-caption").textContent = spec.test ? S.curve_accuracy_test : S.curve_accuracy;
  const select = document.getElementById("init");
  select.appendChild(el("option", { value: "" }, S.start));
  spec.starts.forEach(function (name) { select.appendChild(el("option", { value: name }, S[name] || name)); });
  const lr = document.getElementById("lr");
  lr.value = written(this.model.lr);
  lr.addEventListener("change", function () { self.typedRate(lr); });
  select.addEventListener("change", function () {
    if (!select.value) { self.restart(self.model.given.slice()); return; }
    const seed = parseNumber(document.getElementById("seed").value);
    if (seed === null || seed < 0 || seed !== Math.floor(seed)) {
      self.refuse(document.getElementById("seed"), fill(S.not_number, { text: document.getElementById("seed").value }));
      return;
    }
    self.init(select.value, seed);
  });
  document.getElementById("step").addEventListener("click", function () { self.pause(); self.step(); });
  document.getElementById("train").addEventListener("click", function () { self.running ? self.pause() : self.play(); });
  document.getElementById("reset").addEventListener("click", function () { self.reset(); });
  if (spec.compact) {
    const note = document.getElementById("compact-note");
    note.textContent = fill(spec.draw_edges ? S.compact : S.compact_no_edges,
                            { n: spec.sizes.reduce(function (a, b) { return a + b; }, 0) });
    note.hidden = false;
  }
  document.getElementById("legend").textContent = S.legend;
  this.buildExample();
  this.buildNetwork();
  if (spec.data && (spec.accuracy || spec.heatmap || spec.sizes[0] > 2)) {
    document.getElementById("data-panel").hidden = false;
    document.getElementById("accuracy-figure").hidden = !spec.accuracy;
    if (spec.heatmap) {
      document.getElementById("heatmap-figure").hidden = false;
      document.getElementById("heatmap-caption").textContent = S.heatmap;
      const keys = document.getElementById("classes");
      spec.classes.forEach(function (name, k) {
        const item = el("li");
        item.appendChild(el("span", { class: "swatch", style: "background: rgb(" + classColour(k).join(",") + ")" }));
        item.appendChild(document.createTextNode(name));
        keys.appendChild(item);
      });
      this.buildHeatmap();
    } else if (spec.sizes[0] > 2) {
      const note = document.getElementById("no-heatmap");
      note.textContent = fill(S.no_heatmap, { n: spec.sizes[0] });
      note.hidden = false;
    }
  }
  window.addEventListener("resize", function () { self.layoutNetwork(); self.render(); });
};

Page.prototype.buildExample = function () {
  const spec = this.spec, S = this.S, self = this;
  const inputs = document.getElementById("inputs");
  inputs.appendChild(el("span", { class: "field" }, S.inputs));
  this.inputFields = [];
  for (let j = 0; j < spec.sizes[0]; j++) {
    const label = el("label", {}, mathName("x", null, j) + " ");
    const field = el("input", { inputmode: "decimal", size: "7", autocomplete: "off", id: "x" + j });
    field.addEventListener("change", function () { self.typed(field, function (v) { self.setInput(j, v); }); });
    label.appendChild(field);
    inputs.appendChild(label);
    this.inputFields.push(field);
  }
  const row = document.getElementById("target-row");
  row.appendChild(el("span", { class: "field" }, S.target));
  if (spec.target === "class" || spec.classes) {
    const select = el("select", { id: "y" });
    spec.classes.forEach(function (name, k) { select.appendChild(el("option", { value: String(k) }, name)); });
    select.addEventListener("change", function () { self.setTarget(Number(select.value)); });
    row.appendChild(select);
    this.targetFields = [select];
  } else {
    const n = Array.isArray(this.model.y) ? this.model.y.length : 1;
    this.targetFields = [];
    for (let i = 0; i < n; i++) {
      const field = el("input", { inputmode: "decimal", size: "7", autocomplete: "off", id: "y" + (n > 1 ? i : "") });
      field.addEventListener("change", function () {
        self.typed(field, function (v) {
          if (n === 1) self.setTarget(v);
          else { const y = self.model.y.slice(); y[i] = v; self.setTarget(y); }
        });
      });
      row.appendChild(field);
      this.targetFields.push(field);
    }
  }
  if (spec.data) {
    document.getElementById("example-picker").hidden = false;
    const index = document.getElementById("example-index");
    index.addEventListener("change", function () {
      const v = parseNumber(index.value);
      const n = spec.data.X.length;
      if (v === null || v !== Math.floor(v) || v < 1 || v > n) {
        self.refuse(index, fill(S.not_number, { text: index.value }));
        return;
      }
      self.setExample(v - 1);
    });
    document.getElementById("prev").addEventListener("click", function () { self.moveExample(-1); });
    document.getElementById("next").addEventListener("click", function () { self.moveExample(1); });
  }
};

// ---- the network drawing: built once, its attributes updated at every change ---------------
Page.prototype.buildNetwork = function () {
  const spec = this.spec, self = this;
  const root = document.getElementById("network");
  this.svg = root;
  this.edgeGroup = svg("g");
  this.nodeGroup = svg("g");
  root.appendChild(this.edgeGroup);
  root.appendChild(this.nodeGroup);
  this.edges = [];  // per weight parameter: {k, halo, line, hit}
  this.boxes = [];  // per column, per neuron: {rect, texts}
  const sizes = spec.sizes;
  for (let c = 0; c < sizes.length; c++) {
    const column = [];
    for (let i = 0; i < sizes[c]; i++) {
      const g = svg("g");
      const rect = svg("rect", { class: "box" + (c === 0 ? " input" : ""), rx: "6" });
      g.appendChild(rect);
      const texts = [];
      const lines = spec.compact ? 0 : (c === 0 ? 2 : 4);
      for (let t = 0; t < lines; t++) {
        const text = svg("text", { class: t === 0 ? "title" : "" });
        g.appendChild(text);
        texts.push(text);
      }
      const title = svg("title");
      g.appendChild(title);
      this.nodeGroup.appendChild(g);
      column.push({ g: g, rect: rect, texts: texts, title: title });
      const pick = c === 0 ? { kind: "input", j: i } : { kind: "neuron", k: neuronIndex(spec, c, i) };
      rect.setAttribute("tabindex", "0");
      rect.setAttribute("role", "button");
      rect.addEventListener("click", function () { self.select(pick); });
      rect.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); self.select(pick); }
      });
    }
    this.boxes.push(column);
  }
  spec.params.forEach(function (p, k) {
    if (p.kind !== "W" || !spec.draw_edges) return;
    const halo = svg("path", { class: "halo" });
    const line = svg("path", { class: "edge" });
    const hit = svg("path", { class: "hit", "data-name": p.name });
    self.edgeGroup.appendChild(halo);
    self.edgeGroup.appendChild(hit);
    self.edgeGroup.appendChild(line);
    const edge = { k: k, p: p, halo: halo, line: line, hit: hit };
    self.edges.push(edge);
    self.dragEdge(edge);
  });
  this.layoutNetwork();
};

Page.prototype.layoutNetwork = function () {
  const spec = this.spec, sizes = spec.sizes;
  const compact = spec.compact;
  const boxW = compact ? 16 : 128, boxH = compact ? 16 : 62, gapY = compact ? 6 : 16;
  const panel = document.getElementById("network-scroll");
  const minCol = compact ? 60 : 150;
  const width = Math.max(panel.clientWidth || 600, (sizes.length - 1) * minCol + boxW + 20);
  const tallest = Math.max.apply(null, sizes);
  const height = tallest * (boxH + gapY) + 20;
  this.svg.setAttribute("width", String(width));
  this.svg.setAttribute("height", String(height));
  this.svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  const colX = [];
  for (let c = 0; c < sizes.length; c++) {
    colX.push(10 + (sizes.length === 1 ? 0 : c * (width - 20 - boxW) / (sizes.length - 1)));
  }
  this.pos = [];
  for (let c = 0; c < sizes.length; c++) {
    const top = (height - sizes[c] * (boxH + gapY) + gapY) / 2;
    const col = [];
    for (let i = 0; i < sizes[c]; i++) {
      const x = colX[c], y = top + i * (boxH + gapY);
      col.push({ x: x, y: y });
      const box = this.boxes[c][i];
      box.rect.setAttribute("x", String(x));
      box.rect.setAttribute("y", String(y));
      box.rect.setAttribute("width", String(boxW));
      box.rect.setAttribute("height", String(boxH));
      box.texts.forEach(function (t, n) {
        t.setAttribute("x", String(x + 6));
        t.setAttribute("y", String(y + 14 + n * 14));
      });
    }
    this.pos.push(col);
  }
  const self = this;
  this.edges.forEach(function (e) {
    const from = self.pos[e.p.layer - 1][e.p.j], to = self.pos[e.p.layer][e.p.i];
    const x0 = from.x + boxW, y0 = from.y + boxH / 2, x1 = to.x, y1 = to.y + boxH / 2;
    const mx = (x0 + x1) / 2;
    const d = "M" + x0 + "," + y0 + " C" + mx + "," + y0 + " " + mx + "," + y1 + " " + x1 + "," + y1;
    e.halo.setAttribute("d", d);
    e.line.setAttribute("d", d);
    e.hit.setAttribute("d", d);
    e.mid = { x: mx, y: (y0 + y1) / 2 };
  });
};

// An edge: hover shows its numbers, a click selects it, a vertical drag changes its weight.
Page.prototype.dragEdge = function (edge) {
  const self = this;
  let start = null;
  edge.hit.addEventListener("pointerenter", function () { self.showTooltip(edge); });
  edge.hit.addEventListener("pointerleave", function () { document.getElementById("tooltip").hidden = true; });
  edge.hit.addEventListener("pointerdown", function (ev) {
    start = { y: ev.clientY, w: self.model.p[edge.k], moved: false };
    edge.hit.setPointerCapture(ev.pointerId);
  });
  edge.hit.addEventListener("pointermove", function (ev) {
    if (!start) return;
    const dy = ev.clientY - start.y;
    if (Math.abs(dy) < 3 && !start.moved) return;
    start.moved = true;
    self.pause();
    self.setParam(edge.k, start.w - dy * 0.01);  // up is larger: 0.01 per pixel
    self.showTooltip(edge);
  });
  edge.hit.addEventListener("pointerup", function () {
    if (start && !start.moved) self.select({ kind: "param", k: edge.k });
    else if (start) self.select({ kind: "param", k: edge.k });
    start = null;
  });
};

Page.prototype.showTooltip = function (edge) {
  const tip = document.getElementById("tooltip");
  const m = this.model;
  const name = paramName(edge.p);
  tip.textContent = name + " = " + significant(m.p[edge.k]) + "   dL/d" + name + " = " +
    significant(m.grad[edge.k]);
  const scroll = document.getElementById("network-scroll");
  tip.style.top = (edge.mid.y + 10) + "px";
  tip.hidden = false;
  // beside the edge, but inside the panel: on a phone it would widen the page
  const room = document.getElementById("network-panel").clientWidth - tip.offsetWidth;
  tip.style.left = Math.max(0, Math.min(edge.mid.x - scroll.scrollLeft + 10, room)) + "px";
};

Page.prototype.renderNetwork = function () {
  const m = this.model, spec = this.spec;
  let wmax = 1e-12, gmax = 1e-12;
  this.edges.forEach(function (e) {
    const w = Math.abs(m.p[e.k]), g = Math.abs(m.grad[e.k]);
    if (w > wmax) wmax = w;
    if (g > gmax) gmax = g;
  });
  const thin = spec.compact ? 0.4 : 0.8, wide = spec.compact ? 2.5 : 6;
  const selected = this.selected;
  this.edges.forEach(function (e) {
    const w = m.p[e.k], g = m.grad[e.k];
    const width = Number.isFinite(w) ? thin + wide * Math.abs(w) / wmax : thin;
    e.line.setAttribute("stroke", w >= 0 ? "var(--pos)" : "var(--neg)");
    e.line.setAttribute("stroke-width", width.toFixed(2));
    const halo = Number.isFinite(g) ? width + (spec.compact ? 4 : 10) * Math.abs(g) / gmax : width;
    e.halo.setAttribute("stroke-width", halo.toFixed(2));
    e.hit.setAttribute("class", "hit" + (selected && selected.kind === "param" && selected.k === e.k ? " selected" : ""));
  });
  const sizes = spec.sizes;
  for (let j = 0; j < sizes[0]; j++) {
    const box = this.boxes[0][j];
    const name = mathName("x", null, j);
    if (box.texts.length) {
      box.texts[0].textContent = name + " = " + significant(m.x[j]);
      box.texts[1].textContent = "dL/d" + name + " = " + significant(m.inputGrad[j]);
    }
    box.title.textContent = "x[" + j + "] = " + significant(m.x[j]);
    box.rect.setAttribute("class", "box input" + (selected && selected.kind === "input" && selected.j === j ? " selected" : ""));
  }
  spec.neurons.forEach(function (n, k) {
    const box = this.boxes[n.layer][n.i];
    const b = m.p[m.index["b" + n.layer + "[" + n.i + "]"]];
    if (box.texts.length) {
      box.texts[0].textContent = mathName("b", n.layer, n.i) + " = " + significant(b);
      box.texts[1].textContent = mathName("z", n.layer, n.i) + " = " + significant(m.z[k]);
      const last = n.layer === sizes.length - 1;
      box.texts[2].textContent = last && m.probs ? mathName("p", null, n.i) + " = " + significant(m.probs[n.i])
        : mathName("a", n.layer, n.i) + " = " + significant(m.a[k]);
      box.texts[3].textContent = mathName("δ", n.layer, n.i) + " = " + significant(m.delta[k]);
    }
    box.title.textContent = list([n.z + " = " + significant(m.z[k]), n.a + " = " + significant(m.a[k]),
                                  "δ = " + significant(m.delta[k])]);
    box.rect.setAttribute("class", "box" + (selected && selected.kind === "neuron" && selected.k === k ? " selected" : ""));
  }, this);
};

// ---- the side panels ----------------------------------------------------------------------
Page.prototype.renderExample = function () {
  const m = this.model, spec = this.spec, S = this.S;
  this.inputFields.forEach(function (f, j) { if (document.activeElement !== f) setField(f, significantOrExact(m.x[j])); });
  if (this.targetFields[0].tagName === "SELECT") {
    this.targetFields[0].value = String(spec.target === "class" ? m.y : (m.y > 0.5 ? 1 : 0));
  } else {
    const ys = Array.isArray(m.y) ? m.y : [m.y];
    this.targetFields.forEach(function (f, i) { if (document.activeElement !== f) setField(f, significantOrExact(ys[i])); });
  }
  if (spec.data) {
    const index = document.getElementById("example-index");
    if (document.activeElement !== index) setField(index, m.example === null ? "" : String(m.example + 1));
    document.getElementById("example-of").textContent = fill(S.example_of, {
      i: m.example === null ? "–" : m.example + 1, n: spec.data.X.length });
  }
  const readout = document.getElementById("readout");
  readout.textContent = "";
  const nout = spec.sizes[spec.sizes.length - 1];
  const N = m.nNeurons;
  const outs = m.a.slice(N - nout);
  const shown = m.probs ? m.probs : outs;
  row(readout, S.prediction, list(shown.map(function (v) { return significant(v); })));
  if (spec.classes && spec.accuracy) {
    const k = m.predictedClass({ a: outs });
    row(readout, S.predicted_class, spec.classes[k]);
  }
  row(readout, S.loss, significant(m.loss));
  if (spec.data) row(readout, S.mean_loss, significant(m.meanLoss()));
  const acc = document.getElementById("accuracy");
  acc.textContent = "";
  if (m.trainAccuracy !== null) row(acc, S.accuracy_train, percent(m.trainAccuracy));
  if (m.testAccuracy !== null) row(acc, S.accuracy_test, percent(m.testAccuracy));
};

function percent(x) { return common.localize((x * 100).toFixed(1), MARK) + "%"; }

function significantOrExact(x) { return significant(x, 6); }

function setField(field, text) { if (!field.classList.contains("bad")) field.value = text; }

function row(dl, name, value) { dl.appendChild(el("dt", {}, name)); dl.appendChild(el("dd", {}, value)); }

Page.prototype.renderExplain = function () {
  const m = this.model, spec = this.spec, S = this.S, self = this;
  const editor = document.getElementById("editor"), explain = document.getElementById("explain");
  const sel = this.selected;
  const active = document.activeElement;
  if (sel && this.editorKey === JSON.stringify(sel) && editor.contains(active)) {
    // the field being typed in stays; only the numbers below it change
  } else {
    editor.textContent = "";
    this.editorKey = sel ? JSON.stringify(sel) : null;
    if (!sel) {
      editor.appendChild(el("span", { class: "note" }, S.edit_hint));
    } else {
      let name, get, set;
      if (sel.kind === "param") {
        const p = spec.params[sel.k];
        name = paramName(p) + " (" + (p.kind === "b" ? S.bias : S.weight) + ")";
        get = function () { return m.p[sel.k]; };
        set = function (v) { self.setParam(sel.k, v); };
      } else if (sel.kind === "neuron") {
        const n = spec.neurons[sel.k];
        const k = m.index["b" + n.layer + "[" + n.i + "]"];
        name = mathName("b", n.layer, n.i) + " (" + S.bias + ")";
        get = function () { return m.p[k]; };
        set = function (v) { self.setParam(k, v); };
      } else {
        name = mathName("x", null, sel.j);
        get = function () { return m.x[sel.j]; };
        set = function (v) { self.setInput(sel.j, v); };
      }
      editor.appendChild(el("span", { class: "name" }, name));
      const field = el("input", { id: "edit-value", inputmode: "decimal", size: "10", autocomplete: "off" });
      field.value = written(get());
      field.addEventListener("change", function () { self.typed(field, set); });
      editor.appendChild(field);
      const reach = Math.max(5, Math.ceil(2 * Math.abs(get())));  // the slider's ends: ±5, or ±2|v|
      const range = el("input", { id: "edit-range", type: "range", min: String(-reach), max: String(reach),
                                  step: "0.01", "aria-label": S.drag, title: S.drag });
      range.value = String(get());
      range.addEventListener("input", function () { self.pause(); set(Number(range.value)); });
      editor.appendChild(range);
      this.editorField = field;
      this.editorRange = range;
      this.editorGet = get;
    }
  }
  if (sel && this.editorField) {
    if (document.activeElement !== this.editorField) setField(this.editorField, written(this.editorGet()));
    if (document.activeElement !== this.editorRange) this.editorRange.value = String(this.editorGet());
  }
  explain.textContent = "";
  let lines = [];
  if (sel && sel.kind === "param") lines = gradientLines(m, sel.k);
  else if (sel && sel.kind === "neuron") {
    const n = spec.neurons[sel.k];
    lines = forwardLine(m, sel.k).concat(deltaLines(m, sel.k));
    lines.push("dL/d" + mathName("b", n.layer, n.i) + " = " + mathName("δ", n.layer, n.i) + " = " +
               significant(m.delta[sel.k]));
  } else if (sel && sel.kind === "input") {
    lines = ["dL/d" + mathName("x", null, sel.j) + " = " + significant(m.inputGrad[sel.j])];
  }
  lines.forEach(function (t) { explain.appendChild(el("p", {}, t)); });
};

Page.prototype.renderStatus = function () {
  const m = this.model, S = this.S;
  document.getElementById("epoch").textContent = fill(S.epoch, { n: m.epoch });
  const train = document.getElementById("train");
  train.textContent = this.running ? S.pause : S.train;
  train.classList.toggle("running", this.running);
  const clones = document.getElementById("clones");
  const sym = this.spec.sizes.length > 2 ? symmetry(this.spec, m.p) : [];
  const layer = sym.findIndex(function (d, l) { return d === 0 && m.spec.sizes[l + 1] > 1; });
  clones.hidden = layer < 0;
  if (layer >= 0) clones.textContent = fill(S.clones, { layer: layer + 1 });
  if (m.diverged) this.say(S.diverged);
};

Page.prototype.render = function () {
  this.renderPanels();
  if (this.spec.heatmap) this.scheduleHeatmap();
};

// Everything but the heat map.
Page.prototype.renderPanels = function () {
  this.renderNetwork();
  this.renderExample();
  this.renderExplain();
  this.renderStatus();
  this.renderCurves();
};

// The heat map is redrawn once per animation frame, however many edits a drag makes in it
// (a large network's map is a forward pass per cell: it is the page's dearest drawing).
Page.prototype.scheduleHeatmap = function () {
  if (this.heatmapFrame) return;
  const self = this;
  this.heatmapFrame = requestAnimationFrame(function () { self.heatmapFrame = 0; self.renderHeatmap(); });
};

// ---- the heat map: the class (and its probability) at every cell of the input plane --------
Page.prototype.buildHeatmap = function () {
  const X = this.spec.data.X.concat(this.spec.test ? this.spec.test.X : []);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  X.forEach(function (r) { x0 = Math.min(x0, r[0]); x1 = Math.max(x1, r[0]); y0 = Math.min(y0, r[1]); y1 = Math.max(y1, r[1]); });
  const px = (x1 - x0) * 0.1 || 1, py = (y1 - y0) * 0.1 || 1;
  this.bounds = { x0: x0 - px, x1: x1 + px, y0: y0 - py, y1: y1 + py };
  const cells = this.spec.heatmap_cells;
  this.cells = document.createElement("canvas");
  this.cells.width = cells;
  this.cells.height = cells;
  const self = this;
  const canvas = document.getElementById("heatmap");
  canvas.addEventListener("click", function (ev) {
    const r = canvas.getBoundingClientRect();
    const u = (ev.clientX - r.left) / r.width, v = (ev.clientY - r.top) / r.height;
    const b = self.bounds;
    const px = b.x0 + u * (b.x1 - b.x0), py = b.y1 - v * (b.y1 - b.y0);
    let best = 0, dist = Infinity;
    self.spec.data.X.forEach(function (p, i) {
      const d = (p[0] - px) * (p[0] - px) + (p[1] - py) * (p[1] - py);
      if (d < dist) { dist = d; best = i; }
    });
    self.setExample(best);
  });
};

Page.prototype.heatmapPixels = function () {
  const m = this.model, b = this.bounds, cells = this.spec.heatmap_cells;
  const image = new Uint8ClampedArray(cells * cells * 4);
  const two = this.spec.accuracy === "threshold";
  for (let r = 0; r < cells; r++) {
    const py = b.y1 - (r + 0.5) * (b.y1 - b.y0) / cells;
    for (let c = 0; c < cells; c++) {
      const px = b.x0 + (c + 0.5) * (b.x1 - b.x0) / cells;
      const out = m.outputs([px, py]);
      let rgb = [0, 0, 0];
      if (two) {
        const q = Math.min(1, Math.max(0, out.a[0]));
        const c0 = classColour(0), c1 = classColour(1);
        rgb = [c0[0] + (c1[0] - c0[0]) * q, c0[1] + (c1[1] - c0[1]) * q, c0[2] + (c1[2] - c0[2]) * q];
      } else {
        const probs = out.probs || softmaxFree(out.a);
        for (let k = 0; k < probs.length; k++) {
          const ck = classColour(k);
          rgb[0] += probs[k] * ck[0]; rgb[1] += probs[k] * ck[1]; rgb[2] += probs[k] * ck[2];
        }
      }
      const o = (r * cells + c) * 4;
      // washed towards white so the points stay visible
      image[o] = 255 - 0.55 * (255 - rgb[0]);
      image[o + 1] = 255 - 0.55 * (255 - rgb[1]);
      image[o + 2] = 255 - 0.55 * (255 - rgb[2]);
      image[o + 3] = 255;
    }
  }
  return image;
};

// Without a softmax in the generated code, the class with the largest output gets all the colour.
function softmaxFree(a) { const k = argmax(a); return a.map(function (_, i) { return i === k ? 1 : 0; }); }

Page.prototype.renderHeatmap = function () {
  if (this.heatmapFrame) { cancelAnimationFrame(this.heatmapFrame); this.heatmapFrame = 0; }  // drawn now, not again
  const cells = this.spec.heatmap_cells;
  const ctx = this.cells.getContext("2d");
  ctx.putImageData(new ImageData(this.heatmapPixels(), cells, cells), 0, 0);
  const canvas = document.getElementById("heatmap");
  const g = canvas.getContext("2d");
  g.imageSmoothingEnabled = true;
  g.drawImage(this.cells, 0, 0, canvas.width, canvas.height);
  const b = this.bounds, m = this.model, spec = this.spec;
  const draw = function (set, hollow) {
    if (!set) return;
    set.X.forEach(function (p, i) {
      const u = (p[0] - b.x0) / (b.x1 - b.x0) * canvas.width, v = (b.y1 - p[1]) / (b.y1 - b.y0) * canvas.height;
      const col = classColour(m.targetClass(set.Y[i]));
      g.beginPath();
      g.arc(u, v, 3.5, 0, 2 * Math.PI);
      g.fillStyle = hollow ? "#fff" : "rgb(" + col.join(",") + ")";
      g.strokeStyle = hollow ? "rgb(" + col.join(",") + ")" : "#fff";
      g.lineWidth = hollow ? 2 : 1;
      g.fill();
      g.stroke();
    });
  };
  draw(spec.data, false);
  draw(spec.test, true);
  if (m.example !== null) {
    const p = spec.data.X[m.example];
    const u = (p[0] - b.x0) / (b.x1 - b.x0) * canvas.width, v = (b.y1 - p[1]) / (b.y1 - b.y0) * canvas.height;
    g.beginPath();
    g.arc(u, v, 7, 0, 2 * Math.PI);
    g.strokeStyle = "#1a202c";
    g.lineWidth = 2;
    g.stroke();
  }
};

// ---- curves -------------------------------------------------------------------------------
function drawCurve(canvas, series, low, high) {
  const g = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  g.clearRect(0, 0, W, H);
  g.strokeStyle = "#d8dde3";
  g.strokeRect(0.5, 0.5, W - 1, H - 1);
  const n = Math.max.apply(null, series.map(function (s) { return s.values.length; }));
  if (n === 0) return;
  let lo = low, hi = high;
  if (lo === null) {
    lo = 0;
    hi = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (Number.isFinite(v) && v > hi) hi = v; }); });
    if (hi === 0) hi = 1;
  }
  g.fillStyle = "#5a6472";
  g.font = "10px system-ui, sans-serif";
  g.fillText(significant(hi), 4, 11);
  g.fillText(significant(lo), 4, H - 4);
  series.forEach(function (s) {
    g.strokeStyle = s.colour;
    g.lineWidth = 1.5;
    g.beginPath();
    const step = Math.max(1, Math.floor(s.values.length / W));
    let first = true;
    for (let i = 0; i < s.values.length; i += step) {
      const v = s.values[i];
      if (v === null || !Number.isFinite(v)) continue;
      const x = n === 1 ? W / 2 : (i / (n - 1)) * (W - 8) + 4;
      const y = H - 4 - (v - lo) / (hi - lo) * (H - 16);
      if (first) g.moveTo(x, y); else g.lineTo(x, y);
      first = false;
    }
    g.stroke();
  });
}

Page.prototype.renderCurves = function () {
  const h = this.model.history;
  drawCurve(document.getElementById("loss-curve"), [{ values: h.loss, colour: "#e53e3e" }], null, null);
  if (this.spec.data && this.spec.accuracy) {
    const series = [{ values: h.train, colour: "#2b6cb0" }];
    if (this.spec.test) series.push({ values: h.test, colour: "#38a169" });
    drawCurve(document.getElementById("accuracy-curve"), series, 0, 1);
  }
};

// ---- changes: each one recomputes everything and redraws -----------------------------------
Page.prototype.say = function (text) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.hidden = !text;
};

// A typed value: a number is applied, anything else is refused in place and changes nothing.
Page.prototype.typed = function (field, apply) {
  const v = parseNumber(field.value);
  if (v === null) { this.refuse(field, fill(this.S.not_number, { text: field.value })); return false; }
  field.classList.remove("bad");
  this.say("");
  apply(v);
  return true;
};

Page.prototype.refuse = function (field, text) {
  field.classList.add("bad");
  field.setAttribute("aria-invalid", "true");
  this.say(text);
};

Page.prototype.typedRate = function (field) {
  const v = parseNumber(field.value);
  if (v === null || !(v > 0)) { this.refuse(field, fill(this.S.not_positive, { text: field.value })); return; }
  field.classList.remove("bad");
  this.say("");
  this.setLearningRate(v);
};

Page.prototype.changed = function () {
  this.model.recompute();
  this.render();
};

Page.prototype.setParam = function (k, v) { this.model.p[k] = v; this.changed(); };

Page.prototype.setInput = function (j, v) { this.model.x[j] = v; this.model.example = null; this.changed(); };

Page.prototype.setTarget = function (v) { this.model.y = v; this.model.example = null; this.changed(); };

Page.prototype.setLearningRate = function (v) {
  this.model.lr = v;
  const field = document.getElementById("lr");
  field.classList.remove("bad");
  if (document.activeElement !== field) field.value = written(v);
};

Page.prototype.setExample = function (i) {
  const data = this.spec.data;
  this.model.example = i;
  this.model.x = data.X[i].slice();
  this.model.y = Array.isArray(data.Y[i]) ? data.Y[i].slice() : data.Y[i];
  this.inputFields.concat(this.targetFields).forEach(function (f) { f.classList.remove("bad"); });
  this.changed();
};

Page.prototype.moveExample = function (d) {
  const n = this.spec.data.X.length, i = this.model.example === null ? 0 : this.model.example;
  this.setExample(((i + d) % n + n) % n);
};

// A selection changes no number: the heat map stays as it is.
Page.prototype.select = function (pick) { this.selected = pick; this.renderPanels(); };

Page.prototype.step = function () {
  const loss = this.model.step();
  this.model.recompute();
  this.render();
  return loss;
};

Page.prototype.reset = function () {
  this.pause();
  this.say("");
  this.model.restart(this.model.start);
  this.render();
};

Page.prototype.restart = function (params) {
  this.pause();
  this.say("");
  this.model.start = params.slice();
  this.model.restart(params);
  this.render();
};

Page.prototype.init = function (name, seed) {
  this.pause();
  this.say("");
  const params = initialParams(this.spec, name, seed);
  this.model.start = params.slice();
  this.model.restart(params);
  const select = document.getElementById("init");
  select.value = (this.spec.aliases && this.spec.aliases[name]) || name;
  document.getElementById("seed").value = String(seed);
  this.render();
};

// Train: as many epochs per frame as fit in about 12 ms, then one redraw, so the page stays
// responsive; stops by itself when the weights stop being numbers.
Page.prototype.play = function () {
  if (this.model.diverged) { this.say(this.S.diverged); return; }
  this.running = true;
  this.renderStatus();
  const self = this;
  let perFrame = 1;
  const frame = function () {
    if (!self.running) return;
    const t0 = performance.now();
    let done = 0;
    while (done < perFrame && !self.model.diverged) { self.model.step(); done += 1; }
    const spent = performance.now() - t0;
    perFrame = Math.max(1, Math.min(1000, Math.round(perFrame * (spent > 0 ? 12 / spent : 2))));
    if (self.model.diverged) self.running = false;
    self.model.recompute();
    self.render();
    if (self.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

Page.prototype.pause = function () {
  if (!this.running) return;
  this.running = false;
  this.renderStatus();
};

// ---- window.deltagrad_play: the interface for tests and tools -------------------------------
function api(page) {
  const m = page.model, spec = page.spec;
  function number(v, what) {
    const value = parseNumber(typeof v === "number" ? v : String(v));
    if (value === null) { page.say(fill(page.S.not_number, { text: String(v) })); return null; }
    return value;
  }
  return {
    setWeight: function (name, v) {
      if (!(name in m.index)) throw new Error("no parameter " + JSON.stringify(name) + "; the names are " + spec.params.map(function (p) { return p.name; }).join(", "));
      const value = number(v);
      if (value === null) return false;
      page.setParam(m.index[name], value);
      return true;
    },
    setInput: function (i, v) {
      if (!(Number.isInteger(i) && i >= 0 && i < spec.sizes[0])) throw new Error("no input " + JSON.stringify(i) + "; the inputs are 0 to " + (spec.sizes[0] - 1));
      const value = number(v);
      if (value === null) return false;
      page.setInput(i, value);
      return true;
    },
    setTarget: function (v) {
      if (spec.target === "class") {
        if (!(Number.isInteger(v) && v >= 0 && v < spec.classes.length)) {
          page.say(fill(page.S.not_class, { text: String(v), classes: list(spec.classes.map(function (_, k) { return String(k); })) }));
          return false;
        }
        page.setTarget(v);
        return true;
      }
      if (Array.isArray(v)) {
        const values = v.map(function (e) { return number(e); });
        if (values.some(function (e) { return e === null; })) return false;
        page.setTarget(values);
        return true;
      }
      const value = number(v);
      if (value === null) return false;
      page.setTarget(Array.isArray(m.y) ? [value] : value);
      return true;
    },
    setLearningRate: function (v) {
      const value = number(v);
      if (value === null || !(value > 0)) { page.say(fill(page.S.not_positive, { text: String(v) })); return false; }
      page.setLearningRate(value);
      return true;
    },
    setExample: function (i) { page.setExample(i); },
    step: function () { page.pause(); return page.step(); },
    train: function (epochs) {
      page.pause();
      const losses = [];
      for (let e = 0; e < epochs && !m.diverged; e++) losses.push(m.step());
      m.recompute();
      page.render();
      return losses;
    },
    state: function () { return m.state(); },
    reset: function () { page.reset(); },
    init: function (name, seed) { page.init(name, seed === undefined ? 0 : seed); },
    select: function (pick) { page.select(pick); },
    explanation: function () { return document.getElementById("explain").innerText; },
    heatmap: function () { return page.spec.heatmap ? Array.from(page.heatmapPixels()) : null; },
    drawHeatmap: function () { if (page.spec.heatmap) page.renderHeatmap(); },
    get running() { return page.running; },
  };
}

function start() {
  const spec = common.readData("deltagrad-play-data");
  NOTATION = spec.notation;
  MARK = spec.decimal_mark;
  /* global deltagrad_kernels, deltagrad_runtime */
  const model = new Model(spec, deltagrad_kernels, deltagrad_runtime);
  const page = new Page(model);
  if (page.spec.heatmap) page.renderHeatmap();  // the first picture with the page, not a frame later
  window.deltagrad_play = api(page);
  window.deltagrad_play_ready = performance.now();  // ms since the navigation started
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = { significant: significant, parseNumber: parseNumber, PyRandom: PyRandom,
                     initialParams: initialParams, symmetry: symmetry, Model: Model, mathName: mathName,
                     gradientLines: gradientLines, deltaLines: deltaLines, forwardLine: forwardLine, fill: fill,
                     setNotation: function (n) { NOTATION = n; }, setDecimalMark: function (mark) { MARK = mark; },
                     percent: percent, written: written, list: list };
} else {
  start();
}
