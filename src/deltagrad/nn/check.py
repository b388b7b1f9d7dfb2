"""Check my work: grade a hand-computed backprop and name the first mistake.

`check_answers` takes a student's numbers for the seed's derivation (forward pass, loss,
deltas, gradients, update), compares each with the delta rule's, and for a wrong one
looks for the slip that explains it: a sign, a factor 2, a missing f'(z), f' of the wrong
quantity, a transposed weight, z where a belongs, a missing term of a sum, the update's
sign or learning rate, or too few digits. An answer that is wrong but is exactly what the
right rule gives from the student's own earlier (wrong) answers is marked ``follows``:
the hint says to fix the earlier one first.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deltagrad.autograd.grading import CheckReport, CheckRow
from deltagrad.autograd.grading import close as _close
from deltagrad.autograd.text import did_you_mean, significant

from .manual import SECTIONS, hand_values
from .module import MLP

# The diagnosis codes, in the order that decides when several fit.
DIAGNOSES = (
    "sign",
    "factor-2",
    "missing-activation-derivative",
    "derivative-of-wrong-value",
    "transposed-weight",
    "used-z-not-a",
    "missing-term",
    "update-sign",
    "missing-learning-rate",
    "rounding",
)
MAX_SUBSETS = 12  # terms of a sum whose subsets are tried for missing-term


def _number(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a number (or null for no answer), got {type(value).__name__}: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number, got {value!r}")
    return number


def check_shape(answers: object, known: Mapping[str, Sequence[str]], lr: float | None) -> dict[str, dict[str, float]]:
    """``answers`` as section -> name -> float (None values dropped), or a clear error:
    TypeError for the wrong kind of thing, ValueError for an unknown section or name (with
    the closest valid names)."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping of section -> {{name: number}}, got {type(answers).__name__}")
    out: dict[str, dict[str, float]] = {}
    for section, values in answers.items():
        if section not in known:
            hint = did_you_mean(section, list(known), n=1)
            raise ValueError(f"unknown section {section!r}{hint} (sections: {', '.join(known)})")
        if values is None:
            continue
        if not isinstance(values, Mapping):
            raise TypeError(f"answers[{section!r}] must be a mapping of name -> number, got {type(values).__name__}")
        for name, value in values.items():
            if name not in known[section]:
                raise ValueError(f"unknown name {name!r} in {section!r}{did_you_mean(name, list(known[section]))}")
            number = _number(value, f"{section}[{name!r}]")
            if number is not None:
                out.setdefault(section, {})[name] = number
    if out.get("updated") and lr is None:
        raise ValueError("the 'updated' section needs the learning rate: pass lr=")
    return out


def template(model: MLP, lr: float | None = 0.1) -> dict[str, dict[str, None]]:
    """A blank answers mapping with every name for ``model`` (values None), to hand out."""
    values = hand_values(model, [0.0] * model.sizes[0], [0.0] * model.sizes[-1], lr=lr)
    return {section: dict.fromkeys(names) for section, names in values.items() if names}


def check_answers(model: MLP, x: Sequence[float], y: float | Sequence[float], answers: Mapping[str, Any], *,
                  lr: float | None = None, rtol: float = 1e-3, atol: float = 1e-6) -> CheckReport:
    """Grade hand-computed answers for ``model`` at (``x``, ``y``) against the delta rule.

    ``answers`` maps sections (``forward``, ``deltas``, ``gradients``, ``updated``) to
    names and numbers (``{"deltas": {"delta2[0]": -0.0832}}``); any subset may be given,
    ``null``/None is "not answered", ``updated`` needs ``lr``. The loss is the half squared
    error. An answer is ``ok`` within ``rtol``/``atol`` of the true value.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"check_answers() expects an nn.MLP, got {type(model).__name__}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0 or not math.isfinite(tol):
            raise ValueError(f"{name} must be a finite number >= 0, got {tol!r}")
    if lr is not None:
        lr = _number(lr, "lr")
    correct = hand_values(model, x, y, lr=lr)
    names = correct if lr is not None else hand_values(model, x, y, lr=0.0)  # every section's names
    known = {s: list(names[s]) for s in SECTIONS if names[s]}
    given = check_shape(answers, known, lr)
    follow = hand_values(model, x, y, given=given, lr=lr)
    xs = [float(v) for v in (x if isinstance(x, Sequence) else [x])]
    ys = [float(v) for v in (y if isinstance(y, Sequence) else [y])]
    context = _Context(model, xs, ys, correct, lr)
    rows: list[CheckRow] = []
    for section, name in _seed_order(model, correct):
        yours = given.get(section, {}).get(name)
        if yours is None:
            continue
        right = correct[section][name]
        node, field_ = _node_of(section, name)
        if _close(yours, right, rtol, atol):
            rows.append(CheckRow(section, name, yours, right, "ok", None, f"{name} = {significant(right, 6)} is right.",
                                 node, field_))
            continue
        followed = follow[section][name]
        if _close(yours, followed, rtol, atol) and not _close(followed, right, rtol, atol):
            earlier = next((r for r in rows if r.verdict == "wrong"), None)
            source = f" ({earlier.name})" if earlier else ""
            rows.append(CheckRow(section, name, yours, right, "follows", None,
                                 f"this follows from your earlier mistake{source}: the rule is applied right, "
                                 f"so fix that one first (the right value is {significant(right, 6)}).",
                                 node, field_))
            continue
        code, hint = _diagnose(context, section, name, yours, right, rtol, atol)
        rows.append(CheckRow(section, name, yours, right, "wrong", code, hint, node, field_))
    first = next((r for r in rows if r.verdict == "wrong"), None)
    return CheckReport(rows, first, dict(correct["gradients"]))


def _node_of(section: str, name: str) -> tuple[str, str]:
    """The graph label and field an answer belongs to: a delta is dL/dz, so z's grad."""
    if section == "forward":
        return name, "data"
    if section == "deltas":
        return "z" + name[len("delta"):], "grad"
    if section == "gradients":
        return name, "grad"
    return "", "data"


def _seed_order(model: MLP, correct: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    """forward (layer by layer), loss, output deltas, hidden deltas (back to layer 1),
    gradients (layer by layer), update."""
    order = [("forward", n) for n in correct["forward"] if n != "L"] + [("forward", "L")]
    n = len(model.layers)
    for layer in range(n, 0, -1):
        order += [("deltas", d) for d in correct["deltas"] if d.startswith(f"delta{layer}[")]
    order += [("gradients", g) for g in correct["gradients"]]
    order += [("updated", u) for u in correct["updated"]]
    return order


@dataclass
class _Context:
    model: MLP
    x: list[float]
    y: list[float]
    correct: dict[str, dict[str, float]]
    lr: float | None


def _diagnose(ctx: _Context, section: str, name: str, yours: float, right: float, rtol: float,
              atol: float) -> tuple[str | None, str]:
    """The first diagnosis (in `DIAGNOSES` order) whose slip gives ``yours``, and its hint."""
    candidates = _slips(ctx, section, name, right)
    for code in DIAGNOSES:
        for value, explanation in candidates.get(code, []):
            if code == "rounding":
                if abs(yours - right) <= 0.01 * abs(right):
                    return code, (f"{name} = {significant(yours, 6)} is within 1% of {significant(right, 6)} but "
                                  f"not within the tolerance: keep more digits in the steps before it.")
                continue
            if _close(yours, value, rtol, atol):
                return code, f"{name}: {explanation} The right value is {significant(right, 6)}."
    return None, (f"{name} = {significant(yours, 6)} is wrong: the right value is {significant(right, 6)}, "
                  "and no common slip explains the difference.")


def _fprime_wrong(act: str, z: float, a: float) -> list[float]:
    """f' computed from the wrong quantity: sigmoid' as z (1 - z) or as s(a) (1 - s(a))."""
    if act == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-a))  # sigmoid applied once more, to a instead of z
        return [z * (1.0 - z), s * (1.0 - s)]
    if act == "tanh":
        return [1.0 - z * z, 1.0 - math.tanh(a) ** 2]
    return []


def _slips(ctx: _Context, section: str, name: str, right: float) -> dict[str, list[tuple[float, str]]]:
    """What each slip would have given for this answer, with a sentence saying the slip."""
    c = ctx.correct
    fwd, deltas, grads = c["forward"], c["deltas"], c["gradients"]
    model = ctx.model
    weights = model.weights()
    out: dict[str, list[tuple[float, str]]] = {
        "sign": [(-right, "the sign is flipped: check (a - y) against (y - a), and each minus sign.")],
        "factor-2": [(2 * right, "it is twice the right value: the 1/2 of the loss L = 1/2 (a - y)^2 was dropped."),
                     (right / 2, "it is half the right value: the 1/2 of the loss was applied twice.")],
        "rounding": [(right, "")],
    }
    if section == "deltas":
        layer, i = _indices(name[len("delta"):])
        act = model.layers[layer - 1].activation
        z, a = fwd[f"z{layer}[{i}]"], fwd[f"a{layer}[{i}]"]
        n = len(model.layers)
        if layer == n:
            error = a - ctx.y[i]
            what = "a - y"
        else:
            above = [deltas[f"delta{layer + 1}[{k}]"] for k in range(model.layers[layer].nout)]
            error = sum(weights[layer][k][i] * d for k, d in enumerate(above))
            what = f"sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]"
            # transposed: row i of the next layer's weights, W[i][k], where column i, W[k][i],
            # belongs; or the column of another neuron j (W[k][j]): the indices mixed up
            swapped = []
            if i < len(weights[layer]) and len(weights[layer][i]) >= len(above):
                t_error = sum(weights[layer][i][k] * d for k, d in enumerate(above))
                swapped.append((t_error * _fprime(act, z, a), f"it uses W{layer + 1}[{i}][k] where "
                                f"W{layer + 1}[k][{i}] belongs (a transposed weight)."))
            for j in range(model.sizes[layer]):
                if j != i:
                    other = sum(weights[layer][k][j] * d for k, d in enumerate(above))
                    swapped.append((other * _fprime(act, z, a), f"it uses W{layer + 1}[k][{j}], the weights "
                                    f"out of neuron {j}, where W{layer + 1}[k][{i}] belongs (indices swapped)."))
            out["transposed-weight"] = swapped
            if len(above) >= 2 and len(above) <= MAX_SUBSETS:
                partial = []
                for size in range(1, len(above)):
                    for subset in itertools.combinations(range(len(above)), size):
                        e = sum(weights[layer][k][i] * above[k] for k in subset)
                        left_out = ", ".join(f"k = {k}" for k in range(len(above)) if k not in subset)
                        partial.append((e * _fprime(act, z, a), f"the sum over the next layer leaves out the "
                                        f"term(s) {left_out} of {what}."))
                out["missing-term"] = partial
        out["missing-activation-derivative"] = [(error, f"the factor f'(z{layer}[{i}]) is missing: the delta is "
                                                 f"({what}) * f'(z), not {what} alone.")]
        out["derivative-of-wrong-value"] = [
            (error * w, f"f' was applied to the wrong quantity (for {act}, use a (1 - a) with a = {act}(z)).")
            for w in _fprime_wrong(act, z, a)
        ]
    elif section == "gradients":
        if name.startswith("W"):
            layer, i, j = _indices(name[1:])
            d = c["deltas"][f"delta{layer}[{i}]"]
            prev = ctx.x if layer == 1 else [fwd[f"a{layer - 1}[{k}]"] for k in range(model.sizes[layer - 1])]
            delta_j = f"delta{layer}[{j}]"
            if delta_j in c["deltas"] and i < len(prev):
                out["transposed-weight"] = [(c["deltas"][delta_j] * prev[i], f"it is delta{layer}[{j}] * "
                                             f"a{layer - 1}[{i}]: the indices of W{layer}[{i}][{j}] are swapped.")]
            if layer > 1:
                z_prev = fwd[f"z{layer - 1}[{j}]"]
                out["used-z-not-a"] = [(d * z_prev, f"it uses z{layer - 1}[{j}] where a{layer - 1}[{j}] belongs: "
                                        f"dL/dW = delta * a_prev, the activation, not the pre-activation.")]
    elif section == "updated" and ctx.lr is not None:
        p = dict(model.named_parameters())[name].data
        g = grads[name]
        out["update-sign"] = [(p + ctx.lr * g, "it is p + lr * grad: the update goes against the gradient, "
                               "p - lr * grad.")]
        out["missing-learning-rate"] = [(p - g, "it is p - grad: the learning rate is missing, p - lr * grad.")]
    return out


def _fprime(act: str, z: float, a: float) -> float:
    if act == "sigmoid":
        return a * (1.0 - a)
    if act == "tanh":
        return 1.0 - a * a
    if act == "relu":
        return 1.0 if z > 0.0 else 0.0
    return 1.0


def _indices(text: str) -> list[int]:
    """``"2[0][1]"`` -> [2, 0, 1]."""
    parts = text.replace("]", "").split("[")
    return [int(p) for p in parts]


