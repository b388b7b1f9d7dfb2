// deltagrad's JavaScript runtime: the float helpers of the op rules, for the code that
// CompiledGraph.javascript writes. Each function is the Python helper of the same name in
// deltagrad/autograd/ops.py (without the underscore), with the same IEEE 754 results:
// JavaScript's arithmetic is IEEE already; where Math differs from C (pow(1, NaN)) or
// from Python's helpers (a stable sigmoid), the difference is written out here.
"use strict";

var deltagrad_runtime = (function () {
  var INF = Infinity;

  function div(a, b) {
    return a / b; // IEEE division: 0/0 is NaN, x/0 is +-Infinity with the signs' product
  }

  function isInteger(y) {
    return Number.isFinite(y) && Math.floor(y) === y;
  }

  function pow(base, exponent) {
    if (exponent === -1) {
      return 1 / base; // exactly the reciprocal, as Python's _pow
    }
    // C99's pow, which Python's math.pow follows, where JavaScript's Math.pow differs:
    if (base === 1 || exponent === 0) {
      return 1; // 1 ** y is 1 even for y = NaN, and x ** 0 is 1 even for x = NaN
    }
    if (base === -1 && (exponent === INF || exponent === -INF)) {
      return 1;
    }
    return Math.pow(base, exponent);
  }

  function power_rule(base, exponent) {
    var p = pow(base, exponent - 1);
    if (exponent === 0 && !Number.isFinite(p)) {
      return 0; // y x^(y-1) would be 0 * inf (as PyTorch)
    }
    return exponent * p;
  }

  function log(x) {
    if (x > 0) {
      return Math.log(x);
    }
    if (x === 0) {
      return -INF;
    }
    return NaN;
  }

  function exponent_grad(base, exponent, out) {
    if (base === 0 && exponent >= 0) {
      return 0;
    }
    return out * log(base);
  }

  function exp(x) {
    return Math.exp(x);
  }

  function sigmoid(x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    if (x !== x) {
      return x;
    }
    var e = Math.exp(x); // e^x < 1 here: no overflow
    return e / (1 + e);
  }

  function softplus(x) {
    if (x !== x) {
      return x;
    }
    return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  function tanh(x) {
    return Math.tanh(x);
  }

  function relu(x) {
    return !(x <= 0) ? x : 0; // NaN passes through
  }

  function step(x) {
    return x > 0 ? 1 : 0;
  }

  function sqrt(x) {
    return Math.sqrt(x); // NaN below 0, -0 at -0
  }

  function abs(x) {
    return Math.abs(x);
  }

  function sign(x) {
    if (x > 0) {
      return 1;
    }
    if (x < 0) {
      return -1;
    }
    return x === 0 ? 0 : x;
  }

  function sin(x) {
    return Math.sin(x);
  }

  function cos(x) {
    return Math.cos(x);
  }

  function log_times(x, w) {
    if (w === 0 && x === x) {
      return 0; // w ln x is 0 for w = 0, also at x = 0 (as torch.special.xlogy)
    }
    return w * log(x);
  }

  function log_times_grad(x, w) {
    if (w === 0 && (x === 0 || x !== x)) {
      return 0;
    }
    return w / x;
  }

  function logsumexp(xs) {
    // m + ln sum e^(x_i - m), m the largest x, the terms added left to right
    var m = -INF;
    var i;
    for (i = 0; i < xs.length; i++) {
      if (xs[i] !== xs[i]) {
        return xs[i];
      }
      if (xs[i] > m) {
        m = xs[i];
      }
    }
    if (m === INF || m === -INF) {
      return m;
    }
    var total = 0;
    for (i = 0; i < xs.length; i++) {
      total += Math.exp(xs[i] - m);
    }
    return m + Math.log(total);
  }

  return Object.freeze({
    div: div,
    pow: pow,
    power_rule: power_rule,
    exponent_grad: exponent_grad,
    exp: exp,
    log: log,
    sigmoid: sigmoid,
    softplus: softplus,
    tanh: tanh,
    relu: relu,
    step: step,
    sqrt: sqrt,
    abs: abs,
    sign: sign,
    sin: sin,
    cos: cos,
    log_times: log_times,
    log_times_grad: log_times_grad,
    logsumexp: logsumexp,
  });
})();

if (typeof module !== "undefined" && module.exports) {
  module.exports = deltagrad_runtime;
}
