/* deltagrad pages, shared: read the embedded data, format and read numbers as Python does,
 * and hand each page script's functions to the page or to Node.
 *
 * In a page this file defines `deltagradCommon`; under Node (`node --test`) it is a
 * CommonJS module with the same functions.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.deltagradCommon = api;
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var NONFINITE = { "inf": Infinity, "-inf": -Infinity, "nan": NaN };

  /* JSON.parse's reviver: {"$float": "inf"} (how Python writes a non-finite float) -> Infinity. */
  function revive(key, value) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      var keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "$float" && Object.prototype.hasOwnProperty.call(NONFINITE, value.$float)) {
        return NONFINITE[value.$float];
      }
    }
    return value;
  }

  /* The embedded JSON text as data, non-finite numbers restored. */
  function decode(text) {
    return JSON.parse(text, revive);
  }

  /* The data of the page's <script type="application/json" id=...> element. */
  function readData(id, doc) {
    var element = (doc || document).getElementById(id || "deltagrad-data");
    if (!element) throw new Error("the page has no data element #" + (id || "deltagrad-data"));
    return decode(element.textContent);
  }

  /* The exact decimal digits of |x| (a finite non-zero double): {digits, exponent} with
   * |x| = digits × 10^exponent, digits a string without leading zeros. */
  function exactDecimal(x) {
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    var hi = view.getUint32(0), lo = view.getUint32(4);
    var biased = hi >>> 20;
    var mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    var power;
    if (biased === 0) power = -1074;  // subnormal: no hidden bit
    else { mantissa |= 1n << 52n; power = biased - 1075; }
    if (power >= 0) return { digits: (mantissa << BigInt(power)).toString(), exponent: 0 };
    // m / 2^k = m · 5^k / 10^k
    var digits = (mantissa * (5n ** BigInt(-power))).toString();
    return { digits: digits, exponent: power };
  }

  /* A number's text with the decimal mark `mark` (",": "0,5424", as deltagrad.i18n.localize_number
   * writes it in Russian); "." or no mark leaves it as it is. */
  function localize(text, mark) {
    return mark && mark !== "." ? String(text).split(".").join(mark) : String(text);
  }

  /* Numbers already written, as a list, as deltagrad.i18n.join_numbers: "0.5, -0.2"; with the
   * decimal comma "0,5; -0,2", since there the comma is taken. */
  function joinNumbers(texts, mark) {
    return texts.join(mark === "," ? "; " : ", ");
  }

  /* x to `digits` significant digits, digit for digit as deltagrad.autograd.text.significant:
   * Python's format(x, ".{digits}g") (correctly rounded, ties to even), the exponent without
   * "+" or leading zeros ("1.7e-18", "1.234e4"); zero of either sign is "0". With `mark` ","
   * the decimal comma, as Python writes it in Russian ("0,5424"). */
  function significant(x, digits, mark) {
    return localize(significantText(x, digits), mark);
  }

  function significantText(x, digits) {
    var p = digits === undefined ? 4 : digits;
    if (x === 0) return "0";
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    var exact = exactDecimal(x);
    var d = exact.digits.replace(/0+$/, "");
    var scale = exact.exponent + (exact.digits.length - d.length);  // |x| = d × 10^scale
    var lead = d.length - 1 + scale;  // the exponent of the leading digit
    if (d.length > p) {  // round to p digits, half to even
      var kept = d.slice(0, p), rest = d.slice(p);
      var up = rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || (Number(kept[p - 1]) % 2 === 1)));
      if (up) {
        var bumped = (BigInt(kept) + 1n).toString();
        if (bumped.length > p) { lead += 1; bumped = bumped.slice(0, p); }
        kept = bumped;
      }
      d = kept.replace(/0+$/, "") || "0";
    }
    var sign = x < 0 ? "-" : "";
    if (lead < -4 || lead >= p) {  // scientific, as Python's "g"
      var mant = d.length > 1 ? d[0] + "." + d.slice(1) : d;
      return sign + mant + "e" + lead;
    }
    var text;
    if (lead >= 0) {
      var whole = d.length > lead + 1 ? d.slice(0, lead + 1) + "." + d.slice(lead + 1) : d + "0".repeat(lead + 1 - d.length);
      text = whole;
    } else {
      text = "0." + "0".repeat(-lead - 1) + d;
    }
    return sign + text;
  }

  /* A number as the pages show it: 4 significant digits, "?" for a number not known yet. */
  function number(x, digits, mark) {
    if (x === null || x === undefined) return "?";
    return significant(x, digits, mark);
  }

  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;  // autograd.text's _NUMBER

  /* A number a learner typed, by the rule of autograd.text.parse_number: "0.17", "0,17" (the
   * decimal comma), "-1.2e-2", ".5", "−3", spaces around it; null for anything else (a
   * non-string, "1,000.5", "inf", a number too large to be finite). */
  function parseNumber(text) {
    if (typeof text !== "string") return null;
    var t = text.trim().replace(/\u2212/g, "-");  // the typographic minus sign
    if (t.length > 100 || !NUMBER.test(t)) return null;
    var x = Number(t.replace(",", "."));
    return isFinite(x) ? x : null;
  }

  /* A text with {name} placeholders filled from `values` (page strings come from Python's
   * translations with the same placeholders). */
  function format(template, values) {
    return String(template).replace(/\{([a-z_]+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  /* Hand a page script's functions `api` to what loaded it: under Node (`node --test`, which
   * gives the script a `module`) they are the module's exports; in a page they are the global
   * `name`, and `api.mount(document, window)` wires them to the page when it carries its data. */
  function publish(api, name, module) {
    if (module && module.exports) {
      module.exports = api;
      return;
    }
    root[name] = api;
    if (api.mount && root.document && root.document.getElementById("deltagrad-data")) api.mount(root.document, root);
  }

  return {
    decode: decode, readData: readData, significant: significant, number: number, parseNumber: parseNumber,
    localize: localize, joinNumbers: joinNumbers, format: format, publish: publish
  };
});
