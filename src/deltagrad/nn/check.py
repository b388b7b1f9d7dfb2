"""Check my work: grade a hand-computed backprop and name the first mistake.

`check_answers` takes a student's numbers for the seed's derivation (forward pass, loss,
deltas, gradients, update), compares each with the delta rule's, and for a wrong one
looks for the slip that explains it: a sign, a factor 2, a missing f'(z), f' of the wrong
quantity, a transposed weight, z where a belongs, a missing term of a sum, the update's
sign or learning rate, or too few digits. An answer that is wrong but is exactly what the
right rule gives from the student's own earlier (wrong) answers is marked ``follows``:
the hint says to fix the earlier one first.

`slip_table` gives, for every question, the number each slip would give from the right
earlier values: what an exercise is checked against (no two slips alike) and what the
practice page compares a typed answer with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from deltagrad.autograd.grading import (
    CheckReport,
    CheckRow,
    Tolerance,
    answer_number,
    follows,
    follows_row,
    partial_sums,
    with_value,
)
from deltagrad.autograd.notation import canonical_name
from deltagrad.autograd.text import did_you_mean, significant
from deltagrad.i18n import _, one_language

from .losses import class_index, one_hot
from .manual import HAND_LOSSES, bce_term, check_hand_activation, hand_values
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
# In the update, its own slips come first: p + lr g is -(p - lr g) when p = 0, and
# p - g is 2 (p - lr g) when p = 0 and lr = 1/2.
# The slip of softmax with cross-entropy only: delta = p where p - onehot(y) belongs. Tried
# right after a missing f' (its neighbour in the formula); not one of the ten classic codes.
SOFTMAX_DIAGNOSES = ("missing-one-hot",)
ORDER = (*DIAGNOSES[:DIAGNOSES.index("missing-activation-derivative") + 1], *SOFTMAX_DIAGNOSES,
         *DIAGNOSES[DIAGNOSES.index("missing-activation-derivative") + 1:])
UPDATE_ORDER = ("update-sign", "missing-learning-rate", *(c for c in DIAGNOSES if c not in (
    "update-sign", "missing-learning-rate")))
ROUNDING_BAND = 0.01  # a wrong answer within 1% of the right one is a rounding slip

# f'(z) written with a = f(z), for the hints: each hint speaks of the network's own activation
FPRIME_TEXT = {"sigmoid": "a (1 - a)", "tanh": "1 - a^2", "relu": "1 if z > 0, else 0", "linear": "1"}


class Slip(NamedTuple):
    """What one slip gives for one answer, and the slip in words (without the right value)."""

    code: str
    value: float
    message: str


Question = tuple[str, str]  # (section, name), e.g. ("deltas", "delta1[0]")


def questions(model: MLP, lr: float | None = 0.1, loss: str = "half_squared_error") -> list[Question]:
    """Every answer of the derivation in the tutorial's order: each layer's z and a (and for
    cross-entropy the softmax p), L, the deltas from the output layer back, the gradients,
    then (with ``lr``) the update."""
    if not isinstance(model, MLP):
        raise TypeError(_("expected an nn.MLP, got {kind}").format(kind=type(model).__name__))
    target: float | list[float] = 0 if loss == "cross_entropy" else [0.0] * model.sizes[-1]  # class 0
    names = hand_values(model, [0.0] * model.sizes[0], target, lr=0.0 if lr is None else lr, loss=loss)
    return _seed_order(model, names, lr is not None)


def template(model: MLP, lr: float | None = 0.1, loss: str = "half_squared_error") -> dict[str, dict[str, None]]:
    """A blank answers mapping with every name for ``model`` (values None), to hand out."""
    out: dict[str, dict[str, None]] = {}
    for section, name in questions(model, lr, loss):
        out.setdefault(section, {})[name] = None
    return out


def check_shape(answers: object, known: Mapping[str, Sequence[str]], lr: float | None, *,
                strict: bool = True) -> tuple[dict[str, dict[str, float]], dict[Question, str]]:
    """``answers`` as section -> name -> float (None values dropped), and the entries that
    are not numbers (question -> reason; only without ``strict``, else they raise).

    TypeError for the wrong kind of thing, ValueError for an unknown section or name (with
    the closest valid names)."""
    if not isinstance(answers, Mapping):
        raise TypeError(_("answers must be a mapping of section -> {{name: number}}, got {kind}").format(
            kind=type(answers).__name__))
    out: dict[str, dict[str, float]] = {}
    bad: dict[Question, str] = {}
    for section, values in answers.items():
        if section not in known:
            raise ValueError(_("unknown section {section!r}{hint} (sections: {sections})").format(
                section=section, hint=did_you_mean(section, list(known), n=1), sections=", ".join(known)))
        if values is None:
            continue
        if not isinstance(values, Mapping):
            raise TypeError(_("answers[{section!r}] must be a mapping of name -> number, got {kind}").format(
                section=section, kind=type(values).__name__))
        for written, value in values.items():
            # W₁₂⁽¹⁾ and W1[0][1] are one key: the tutorial's symbols or the code's names
            name = canonical_name(written) if isinstance(written, str) else written
            if name != written and name in values:
                raise ValueError(_("{name} is given twice in {section!r}: as {written} and as {name}").format(
                    name=name, section=section, written=written))
            if name not in known[section]:
                raise ValueError(_("unknown name {name!r} in {section!r}{hint}").format(
                    name=name, section=section, hint=did_you_mean(name, list(known[section]))))
            try:
                number = answer_number(value, f"{section}[{name!r}]")
            except (TypeError, ValueError) as err:
                if strict:
                    raise
                bad[(section, name)] = str(err)
                continue
            if number is not None:
                out.setdefault(section, {})[name] = number
    if (out.get("updated") or any(s == "updated" for s, _n in bad)) and lr is None:
        raise ValueError(_("the 'updated' section needs the learning rate: pass lr="))
    return out, bad


@one_language
def check_answers(model: MLP, x: Sequence[float], y: float | Sequence[float], answers: Mapping[str, Any], *,
                  lr: float | None = None, rtol: float = 1e-3, atol: float = 1e-6, sig: int | None = None,
                  loss: str = "half_squared_error", revealed: Iterable[str] = (),
                  strict: bool = True) -> CheckReport:
    """Grade hand-computed answers for ``model`` at (``x``, ``y``) against the delta rule.

    ``answers`` maps sections (``forward``, ``deltas``, ``gradients``, ``updated``) to
    names and numbers (``{"deltas": {"delta2[0]": -0.0832}}``); any subset may be given,
    ``null``/None is "not answered", a number may be text with a decimal comma (``"0,17"``),
    ``updated`` needs ``lr``. ``loss`` is ``"half_squared_error"``,
    ``"binary_cross_entropy"`` (sigmoid outputs) or ``"cross_entropy"`` (y a class index,
    the softmax ``p[i]`` among the forward answers, delta_n = p - onehot(y)). An answer is ``ok`` to ``sig``
    significant figures, or (without ``sig``) within ``rtol``/``atol`` of the true value.
    ``revealed`` names answers (``"deltas/delta2[0]"``) that were shown, not found: each
    counts as wrong, with verdict ``revealed``. Without ``strict``, an entry that is not a
    number gets verdict ``unreadable`` instead of raising.
    """
    if not isinstance(model, MLP):
        raise TypeError(_("check_answers() expects an nn.MLP, got {kind}").format(kind=type(model).__name__))
    if loss not in HAND_LOSSES:
        raise ValueError(_("loss must be one of {losses}, got {loss!r}").format(losses=", ".join(HAND_LOSSES),
                                                                              loss=loss))
    tol = Tolerance(rtol, atol, sig)
    if lr is not None:
        lr = answer_number(lr, "lr")
    marked = set(_revealed(revealed))
    correct = hand_values(model, x, y, lr=lr, loss=loss)
    order = questions(model, lr if lr is not None else 0.0, loss)
    known: dict[str, list[str]] = {}
    for section, name in order:
        known.setdefault(section, []).append(name)
    given, bad = check_shape(answers, known, lr, strict=strict)
    for key in marked:
        section, name = key.split("/", 1) if "/" in key else ("", key)
        if name not in known.get(section, []):
            raise ValueError(_("revealed names an unknown answer {key!r}{hint}").format(
                key=key, hint=did_you_mean(key, [f"{s}/{n}" for s, n in order])))
    follow = hand_values(model, x, y, given=given, lr=lr, loss=loss)
    context = _context(model, x, y, correct, lr, loss)
    rows: list[CheckRow] = []
    for section, name in _seed_order(model, correct, lr is not None):
        node, field_ = _node_of(section, name)
        right = correct[section][name]
        if f"{section}/{name}" in marked:
            rows.append(CheckRow(section, name, given.get(section, {}).get(name, math.nan), right, "revealed", None,
                                 _("{name} was revealed, so it counts as wrong.").format(name=name), node, field_))
            continue
        if (section, name) in bad:
            rows.append(CheckRow(section, name, math.nan, right, "unreadable", None,
                                 _("{name}: not a number ({reason}).").format(name=name, reason=bad[(section, name)]),
                                 node, field_))
            continue
        answered = given.get(section, {}).get(name)
        if answered is None:
            continue
        yours = answered
        if tol.ok(yours, right):
            rows.append(CheckRow(section, name, yours, right, "ok", None,
                                 _("{name} = {right} is right.").format(name=name, right=significant(right, 6)),
                                 node, field_))
            continue
        if follows(yours, follow[section][name], right, tol):
            rows.append(follows_row(section, name, yours, right, rows, node, field_))
            continue
        gradient_right = section == "updated" and tol.ok(given.get("gradients", {}).get(name, math.nan),
                                                         correct["gradients"][name])
        codes, slip = diagnose(context, section, name, yours, tol, gradient_right=gradient_right)
        rows.append(CheckRow(section, name, yours, right, "wrong", codes[0] if codes else None,
                             with_value(slip, right), node, field_, tuple(codes[1:]), slip))
    first = next((r for r in rows if r.verdict == "wrong"), None)
    return CheckReport(rows, first, dict(correct["gradients"]), tol)


def _step(section: str, name: str, correct: dict[str, dict[str, float]], lr: float | None) -> float | None:
    """An updated parameter's change, -lr * grad (None elsewhere): a slip's number within 1% of
    it is as near as a rounding slip."""
    return -lr * correct["gradients"][name] if section == "updated" and lr is not None else None


def _revealed(revealed: Iterable[str]) -> list[str]:
    if isinstance(revealed, str) or not isinstance(revealed, Iterable):
        raise TypeError(_("revealed must be a list of answer names such as 'deltas/delta2[0]', got {kind}").format(
            kind=type(revealed).__name__))
    out = list(revealed)
    for key in out:
        if not isinstance(key, str):
            raise TypeError(_("revealed must hold answer names such as 'deltas/delta2[0]', got {kind}: "
                              "{value!r}").format(kind=type(key).__name__, value=key))
    return out


def _node_of(section: str, name: str) -> tuple[str, str]:
    """The graph label and field an answer belongs to: a delta is dL/dz, so z's grad."""
    if section == "forward":
        return name, "data"
    if section == "deltas":
        return "z" + name[len("delta"):], "grad"
    if section == "gradients":
        return name, "grad"
    return "", "data"


def _seed_order(model: MLP, correct: dict[str, dict[str, float]], update: bool = True) -> list[Question]:
    """forward (layer by layer), loss, output deltas, hidden deltas (back to layer 1),
    gradients (layer by layer), update."""
    order = [("forward", n) for n in correct["forward"] if n != "L"] + [("forward", "L")]
    n = len(model.layers)
    for layer in range(n, 0, -1):
        order += [("deltas", d) for d in correct["deltas"] if d.startswith(f"delta{layer}[")]
    order += [("gradients", g) for g in correct["gradients"]]
    if update:
        order += [("updated", u) for u in correct["updated"]]
    return order


@dataclass
class _Context:
    """Everything a slip is computed from: the network and the right values."""

    model: MLP
    x: list[float]
    y: list[float]
    correct: dict[str, dict[str, float]]
    lr: float | None
    loss: str
    weights: list[list[list[float]]]
    biases: list[list[float]]
    acts: list[str]


def _context(model: MLP, x: Sequence[float] | float, y: Sequence[float] | float,
             correct: dict[str, dict[str, float]], lr: float | None, loss: str) -> _Context:
    xs = [float(v) for v in (x if isinstance(x, Sequence) else [x])]
    if loss == "cross_entropy":  # y a class index: the target distribution onehot(y)
        ys = one_hot(class_index(y, model.sizes[-1]), model.sizes[-1])
    else:
        ys = [float(v) for v in (y if isinstance(y, Sequence) else [y])]
    return _Context(model, xs, ys, correct, lr, loss, model.weights(), model.biases(),
                    [check_hand_activation(layer.activation) for layer in model.layers])


@one_language  # one look at the environment for the table's many sentences
def slip_table(model: MLP, x: Sequence[float], y: float | Sequence[float], *, lr: float | None = 0.1,
               loss: str = "half_squared_error") -> dict[Question, tuple[float, list[Slip]]]:
    """For every question, in the tutorial's order: the right value and what each slip
    gives from the right earlier values (``rounding`` is listed with the right value: it
    is every answer within 1% that is not right)."""
    return dict(slip_rows(model, x, y, lr=lr, loss=loss))


def slip_rows(model: MLP, x: Sequence[float], y: float | Sequence[float], *, lr: float | None = 0.1,
              loss: str = "half_squared_error") -> Iterator[tuple[Question, tuple[float, list[Slip]]]]:
    """`slip_table`'s rows one question at a time, each computed when it is reached (a
    caller looking for the first problem stops early)."""
    correct = hand_values(model, x, y, lr=lr, loss=loss)
    ctx = _context(model, x, y, correct, lr, loss)
    for s, n in _seed_order(model, correct, lr is not None):
        yield (s, n), (correct[s][n], _slips(ctx, s, n, gradient_right=True))


def diagnose(ctx: _Context, section: str, name: str, yours: float, tol: Tolerance, *,
             gradient_right: bool = False) -> tuple[list[str], str]:
    """Every diagnosis whose slip gives ``yours`` (the likeliest first: `DIAGNOSES` order,
    the update's own first in the update), and the slip in words, without the right value."""
    right = ctx.correct[section][name]
    step = _step(section, name, ctx.correct, ctx.lr)
    order = UPDATE_ORDER if section == "updated" else ORDER
    found: dict[str, str] = {}
    for slip in _slips(ctx, section, name, gradient_right=gradient_right):
        if slip.code != "rounding" and slip.code not in found and tol.ok(yours, slip.value):
            found[slip.code] = slip.message
    codes = [c for c in order if c in found]
    band = ROUNDING_BAND * abs(right if step is None else step)
    if codes and abs(yours - right) <= band:  # as near as a rounding slip: say so too
        found["rounding"] = _("it is also within {band} of the right value: too few digits kept would give it "
                              "too.").format(band="1%")
        codes.append("rounding")
    if codes:
        if len(codes) == 1:
            return codes, _("{name}: {slip}").format(name=name, slip=found[codes[0]])
        either = codes[0]
        for other in codes[1:]:
            word = _CODE_WORDS.get(other, other) if section == "updated" and not gradient_right else other
            either = _("{first} or {second}").format(first=either, second=word)
        detail = " ".join(found[c] for c in codes)
        return codes, _("{name}: {codes}: {detail}").format(name=name, codes=either, detail=detail)
    if abs(yours - right) <= ROUNDING_BAND * abs(right):  # an update rounded to the value's figures too
        return ["rounding"], _("{name} = {yours} is within {band} of the right value but not within the tolerance "
                               "({tolerance}): keep more digits in the steps before it.").format(
                                   band="1%", name=name, yours=significant(yours, 6), tolerance=tol.describe())
    return [], _("{name} = {yours} is wrong, and no common slip explains the difference: work it out again "
                 "from {formula}.").format(name=name, yours=significant(yours, 6),
                                           formula=formula(ctx.model, section, name, lr=ctx.lr, loss=ctx.loss))


# How a second code reads after "or", where the number is the same ("update-sign or sign of the gradient").
_CODE_WORDS = {"sign": "sign of the gradient", "factor-2": "factor-2 in the gradient"}


def _fprime(act: str, z: float, a: float) -> float:
    if act == "sigmoid":
        return a * (1.0 - a)
    if act == "tanh":
        return 1.0 - a * a
    if act == "relu":
        return 1.0 if z > 0.0 else 0.0
    return 1.0


def _fprime_wrong(act: str, z: float, a: float) -> list[float]:
    """f' computed from the wrong quantity: from z where a belongs (sigmoid's z (1 - z),
    tanh's 1 - z^2), or f applied once more (a -> f(a))."""
    if act == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-a))  # sigmoid applied once more, to a instead of z
        return [z * (1.0 - z), s * (1.0 - s)]
    if act == "tanh":
        return [1.0 - z * z, 1.0 - math.tanh(a) ** 2]
    return []  # relu and linear: f' is the same from z or a


def _prev_names(layer: int, n: int) -> list[str]:
    return [f"x[{j}]" for j in range(n)] if layer == 1 else [f"a{layer - 1}[{j}]" for j in range(n)]


def _slips(ctx: _Context, section: str, name: str, *, gradient_right: bool) -> list[Slip]:
    """What each slip would have given for this answer, from the right earlier values,
    with a sentence saying the slip."""
    c = ctx.correct
    fwd, deltas, grads = c["forward"], c["deltas"], c["gradients"]
    right = c[section][name]
    model, weights, acts = ctx.model, ctx.weights, ctx.acts
    n = len(model.layers)
    hse = ctx.loss == "half_squared_error"
    out: list[Slip] = [Slip("sign", -right, _("the sign is flipped: check each minus sign."))]
    if section in ("deltas", "gradients") or name == "L":
        if hse:
            out.append(Slip("factor-2", 2 * right, _("it is twice the right value: the 1/2 of the loss "
                                                     "L = 1/2 (a - y)^2 was dropped.")))
            out.append(Slip("factor-2", right / 2, _("it is half the right value: the 1/2 of the loss was "
                                                     "applied twice.")))
        else:
            out.append(Slip("factor-2", 2 * right, _("it is twice the right value: a factor of 2 crept in.")))
            out.append(Slip("factor-2", right / 2, _("it is half the right value: a 1/2 crept in.")))
    if section == "forward" and name.startswith("p["):
        pass  # the softmax: only the generic slips
    elif section == "forward" and name != "L":
        layer, i = _indices(name[1:])
        kind = name[0]
        prev = ctx.x if layer == 1 else [fwd[f"a{layer - 1}[{k}]"] for k in range(model.sizes[layer - 1])]
        prev_names = _prev_names(layer, len(prev))
        row, b = weights[layer - 1][i], ctx.biases[layer - 1][i]
        if kind == "z":
            terms = [w * p for w, p in zip(row, prev)] + [b]
            term_names = [f"W{layer}[{i}][{j}] * {prev_names[j]}" for j in range(len(prev))] + [f"b{layer}[{i}]"]
            for subset, total in partial_sums(terms):
                left_out = ", ".join(term_names[k] for k in range(len(terms)) if k not in subset)
                out.append(Slip("missing-term", total, _("the sum leaves out {terms}: z is every weight times its "
                                                         "input, plus the bias.").format(terms=left_out)))
            rows_w = weights[layer - 1]
            if len(rows_w) >= len(prev) and i < len(rows_w[0]):
                t = sum(rows_w[j][i] * p for j, p in enumerate(prev)) + b
                out.append(Slip("transposed-weight", t, _("it uses W{layer}[j][{i}] where W{layer}[{i}][j] belongs "
                                                          "(a transposed weight): row {i} holds the weights into "
                                                          "neuron {i}.").format(layer=layer, i=i)))
            if layer > 1:
                zs = [fwd[f"z{layer - 1}[{k}]"] for k in range(len(prev))]
                t = sum(w * zk for w, zk in zip(row, zs)) + b
                out.append(Slip("used-z-not-a", t, _("it uses z{below}[j] where a{below}[j] belongs: the next layer "
                                                     "takes the activations.").format(below=layer - 1)))
        else:
            z = fwd[f"z{layer}[{i}]"]
            out.append(Slip("used-z-not-a", z, _("it is z{layer}[{i}] itself: a{layer}[{i}] = {act}(z{layer}[{i}]) "
                                                 "applies the activation.").format(layer=layer, i=i,
                                                                                   act=acts[layer - 1])))
    elif name == "L" and ctx.loss == "cross_entropy":
        pass  # -ln p[y]: one term, only the generic slips
    elif name == "L":
        outs = [fwd[f"a{n}[{k}]"] for k in range(model.sizes[-1])]
        if hse:
            terms = [0.5 * (a - t) ** 2 for a, t in zip(outs, ctx.y)]
        else:
            terms = [bce_term(a, t) / len(outs) for a, t in zip(outs, ctx.y)]
        for subset, total in partial_sums(terms):
            left_out = ", ".join(f"a{n}[{k}]" for k in range(len(terms)) if k not in subset)
            out.append(Slip("missing-term", total, _("the loss leaves out the term of {outputs}: L sums over "
                                                     "every output.").format(outputs=left_out)))
    elif section == "deltas":
        layer, i = _indices(name[len("delta"):])
        act = acts[layer - 1]
        z, a = fwd[f"z{layer}[{i}]"], fwd[f"a{layer}[{i}]"]
        fp = FPRIME_TEXT.get(act, "1")
        if layer == n and ctx.loss == "cross_entropy":
            # softmax with cross-entropy: delta = (p - onehot(y)) f'; forgetting the one-hot leaves p
            p_i = fwd[f"p[{i}]"]
            error, what = p_i - ctx.y[i], f"p[{i}] - onehot(y)[{i}]"
            with_fprime = act != "linear"
            if ctx.y[i]:
                out.append(Slip("missing-one-hot", p_i * _fprime(act, z, a), _(
                    "it is p[{i}] without the one-hot subtracted: for the target class the delta is "
                    "p[{i}] - 1.").format(i=i)))
        elif layer == n:
            error, what = a - ctx.y[i], "a - y"
            with_fprime = hse
        else:
            above = [deltas[f"delta{layer + 1}[{k}]"] for k in range(model.layers[layer].nout)]
            w_next = weights[layer]
            error = sum(w_next[k][i] * d for k, d in enumerate(above))
            what = f"sum_k W{layer + 1}[k][{i}] delta{layer + 1}[k]"
            with_fprime = True
            f_i = _fprime(act, z, a)
            # transposed: row i of the next layer's weights, W[i][k], where column i, W[k][i],
            # belongs; or the column of another neuron j (W[k][j]): the indices mixed up
            if i < len(w_next) and len(w_next[i]) >= len(above):
                t_error = sum(w_next[i][k] * d for k, d in enumerate(above))
                out.append(Slip("transposed-weight", t_error * f_i, _(
                    "it uses W{next}[{i}][k] where W{next}[k][{i}] belongs (a transposed weight).").format(
                        next=layer + 1, i=i)))
            for j in range(model.sizes[layer]):
                if j != i:
                    other = sum(w_next[k][j] * d for k, d in enumerate(above))
                    out.append(Slip("transposed-weight", other * f_i, _(
                        "it uses W{next}[k][{j}], the weights out of neuron {j}, where W{next}[k][{i}] belongs "
                        "(indices swapped).").format(next=layer + 1, i=i, j=j)))
            for subset, total in partial_sums([w_next[k][i] * d for k, d in enumerate(above)]):
                left_out = ", ".join(f"k = {k}" for k in range(len(above)) if k not in subset)
                out.append(Slip("missing-term", total * f_i, _(
                    "the sum over the next layer leaves out the term(s) {terms} of {what}.").format(
                        terms=left_out, what=what)))
        if with_fprime:
            out.append(Slip("missing-activation-derivative", error, _(
                "the factor f'(z{layer}[{i}]) is missing: the delta is ({what}) * f'(z), and for {act} "
                "f'(z) = {fprime}.").format(layer=layer, i=i, what=what, act=act, fprime=fp)))
            for value in _fprime_wrong(act, z, a):
                out.append(Slip("derivative-of-wrong-value", error * value, _(
                    "f' was applied to the wrong quantity: for {act}, f'(z) = {fprime} with a = {act}(z{layer}[{i}])."
                ).format(act=act, fprime=fp, layer=layer, i=i)))
    elif section == "gradients":
        if name.startswith("W"):
            layer, i, j = _indices(name[1:])
            d = deltas[f"delta{layer}[{i}]"]
            prev = ctx.x if layer == 1 else [fwd[f"a{layer - 1}[{k}]"] for k in range(model.sizes[layer - 1])]
            prev_names = _prev_names(layer, len(prev))
            delta_j = f"delta{layer}[{j}]"
            if delta_j in deltas and i < len(prev):
                out.append(Slip("transposed-weight", deltas[delta_j] * prev[i], _(
                    "it is delta{layer}[{j}] * {prev_i}: the indices of W{layer}[{i}][{j}] are swapped.").format(
                        layer=layer, i=i, j=j, prev_i=prev_names[i])))
            if layer > 1:
                z_prev = fwd[f"z{layer - 1}[{j}]"]
                out.append(Slip("used-z-not-a", d * z_prev, _(
                    "it uses z{below}[{j}] where a{below}[{j}] belongs: dL/dW = delta * a_prev, the activation, "
                    "not the pre-activation.").format(below=layer - 1, j=j)))
    elif section == "updated" and ctx.lr is not None:
        p = dict(model.named_parameters())[name].data
        g = grads[name]
        lr = ctx.lr
        out.append(Slip("update-sign", p + lr * g, _("it is p + lr * grad: the update goes against the gradient, "
                                                    "p - lr * grad.")))
        out.append(Slip("missing-learning-rate", p - g, _("it is p - grad: the learning rate is missing, "
                                                          "p - lr * grad.")))
        out.append(Slip("factor-2", 2 * right, _("it is twice the right value.")))
        if not gradient_right:  # the student's gradient for p is unknown: its slips are candidates too
            out.append(Slip("sign", p + lr * g, _("the gradient's sign was flipped before the update.")))
            out.append(Slip("factor-2", p - lr * 2 * g, _("the gradient was twice the right one.")))
    out.append(Slip("rounding", right, ""))
    return out


def formula(model: MLP, section: str, name: str, *, lr: float | None = 0.1,
            loss: str = "half_squared_error") -> str:
    """The rule for one answer with the names filled in: ``delta1[0] = (W2[0][0] * delta2[0])
    * a1[0] (1 - a1[0])``."""
    n = len(model.layers)
    acts = [check_hand_activation(layer.activation) for layer in model.layers]
    outs = model.sizes[-1]
    y_name = ["y"] if outs == 1 else [f"y[{k}]" for k in range(outs)]

    def fprime(act: str, layer: int, i: int) -> str:
        a, z = f"a{layer}[{i}]", f"z{layer}[{i}]"
        return {"sigmoid": f"{a} (1 - {a})", "tanh": f"(1 - {a}^2)",
                "relu": f"(1 if {z} > 0, else 0)"}.get(act, "1")

    if section == "forward" and name.startswith("p["):
        exps = " + ".join(f"e^a{n}[{k}]" for k in range(outs))
        return f"{name} = e^a{n}[{name[2:-1]}] / ({exps})"
    if section == "forward" and name == "L" and loss == "cross_entropy":
        return "L = -ln p[y]"
    if section == "forward" and name == "L":
        if loss == "half_squared_error":
            return "L = " + " + ".join(f"1/2 (a{n}[{k}] - {y_name[k]})^2" for k in range(outs))
        terms = " + ".join(f"-({y_name[k]} ln a{n}[{k}] + (1 - {y_name[k]}) ln(1 - a{n}[{k}]))"
                           for k in range(outs))
        return f"L = {terms}" if outs == 1 else f"L = 1/{outs} ({terms})"
    if section == "forward":
        layer, i = _indices(name[1:])
        if name[0] == "z":
            prev = _prev_names(layer, model.sizes[layer - 1])
            return f"{name} = " + " + ".join(f"W{layer}[{i}][{j}] * {p}" for j, p in enumerate(prev)) + \
                f" + b{layer}[{i}]"
        act = acts[layer - 1]
        rule = {"relu": f"max(0, z{layer}[{i}])", "linear": f"z{layer}[{i}]"}.get(act, f"{act}(z{layer}[{i}])")
        return f"{name} = {rule}"
    if section == "deltas":
        layer, i = _indices(name[len("delta"):])
        if layer == n and loss == "cross_entropy":
            error = f"p[{i}] - onehot(y)[{i}]"
        elif layer == n:
            error = f"a{n}[{i}] - {y_name[i]}"
            if loss == "binary_cross_entropy":
                return f"{name} = {error}" if outs == 1 else f"{name} = ({error}) / {outs}"
        else:
            error = " + ".join(f"W{layer + 1}[{k}][{i}] * delta{layer + 1}[{k}]" for k in range(model.sizes[layer + 1]))
        fp = fprime(acts[layer - 1], layer, i)
        return f"{name} = ({error})" + ("" if fp == "1" else f" * {fp}")
    if section == "gradients":
        if name.startswith("W"):
            layer, i, j = _indices(name[1:])
            return f"dL/d{name} = delta{layer}[{i}] * {_prev_names(layer, j + 1)[j]}"
        layer, i = _indices(name[1:])
        return f"dL/d{name} = delta{layer}[{i}]"
    return f"{name} <- {name} - {significant(lr if lr is not None else math.nan, 6)} * dL/d{name}"


def _indices(text: str) -> list[int]:
    """``"2[0][1]"`` -> [2, 0, 1]."""
    parts = text.replace("]", "").split("[")
    return [int(p) for p in parts]
