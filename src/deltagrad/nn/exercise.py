"""Exercises: one problem of the tutorial's kind, as plain data, and seeded variants of it.

An `Exercise` is a network's weights and biases, one input, its target and the learning
rate; `Exercise.generate(seed)` draws a variant like the tutorial's (one-decimal weights,
no zeros), checked to be gradable: every slip the checker knows changes every answer by
more than the tolerance, no two slips give the same wrong number, and no delta is tiny.

The target ``y`` is one number per output. For cross-entropy it is the one-hot row of the
class (the softmax is taken of linear outputs, the logits); `Exercise.target` is the class
index the delta rule and the checker take.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from deltagrad.autograd.arguments import choice, is_sequence, real, real_sequence, sequence, whole
from deltagrad.autograd.grading import CheckReport, Tolerance
from deltagrad.autograd.text import significant
from deltagrad.i18n import _, one_language

from .check import ROUNDING_BAND, Question, Slip, check_answers, questions, slip_rows, slip_table
from .io import check_weight_shapes
from .losses import class_index, one_hot
from .manual import HAND_ACTIVATIONS, HAND_LOSSES, hand_values
from .module import MLP

FORMAT = "deltagrad-exercise"
VERSION = 1
MAX_WIDTH = 16  # neurons in a layer of an exercise
MAX_LAYERS = 4  # weight layers of an exercise
MAX_ID = 200  # characters of an exercise's id
HIDDEN = ("sigmoid", "tanh", "relu")  # the hidden activations `generate` draws for
MAX_GENERATED = (3, 3, 2)  # the largest sizes `generate` makes, one hidden layer
MAX_GENERATED_CLASSES = (3, 3, 3)  # with cross_entropy: up to 3 classes
MIN_CLASSES = 2  # outputs of a cross-entropy exercise: one per class
MIN_DELTA = 1e-4  # no delta (and no answer) of a generated variant is smaller than this
MAX_DRAWS = 2000  # redraws before `generate` gives up
# an exercise is graded by the hand derivation, so it takes the activations written out there
ACTIVATION_NAMES = HAND_ACTIVATIONS


class Exercise:
    """One problem: ``weights`` and ``biases`` (nested as in `MLP.from_weights`), the input
    ``x``, the target ``y``, the learning rate ``lr``; ``sig`` is the number of significant
    figures an answer must match. ``sizes`` is read from the weights, e.g. ``[2, 2, 1]``.
    For ``loss="cross_entropy"`` ``y`` is a class index or its one-hot row, kept as the row."""

    def __init__(self, weights: Sequence[Sequence[Sequence[float]]], biases: Sequence[Sequence[float]],
                 x: Sequence[float], y: float | Sequence[float], lr: float, *, activation: str = "sigmoid",
                 output_activation: str = "sigmoid", loss: str = "half_squared_error", sig: int = 3,
                 id: str = "") -> None:  # noqa: A002  (the issue's name)
        sizes = check_weight_shapes(weights, biases, finite=True)
        if len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_WIDTH:
            raise ValueError(_("an exercise has at most {layers} layers of at most {width} neurons, got sizes "
                               "{sizes}").format(layers=MAX_LAYERS, width=MAX_WIDTH, sizes=sizes))
        self.sizes: list[int] = sizes
        self.weights: list[list[list[float]]] = [[[float(w) for w in row] for row in layer] for layer in weights]
        self.biases: list[list[float]] = [[float(b) for b in layer] for layer in biases]
        self.activation: str = choice(activation, "activation", ACTIVATION_NAMES)
        self.output_activation: str = choice(output_activation, "output_activation", ACTIVATION_NAMES)
        self.loss: str = choice(loss, "loss", HAND_LOSSES)
        if self.loss == "binary_cross_entropy" and self.output_activation != "sigmoid":
            raise ValueError(_("binary_cross_entropy needs output_activation='sigmoid', got {act!r}").format(
                act=self.output_activation))
        self.x: list[float] = _reals(x, "x", sizes[0])
        if self.loss == "cross_entropy":
            self.y: list[float] = _class_row(y, sizes[-1])
        else:
            self.y = _reals(y if _is_sequence(y) else [y], "y", sizes[-1])
        if self.loss == "binary_cross_entropy" and not all(0.0 <= t <= 1.0 for t in self.y):
            raise ValueError(_("binary_cross_entropy targets must be in [0, 1], got y = {y}").format(y=self.y))
        self.lr: float = real(lr, "lr", finite=True)
        if not self.lr > 0:
            raise ValueError(_("lr must be a positive number, got {lr!r}").format(lr=lr))
        self.sig: int = whole(sig, "sig", low=1, high=15)
        if not isinstance(id, str):
            raise TypeError(_("id must be a str, got {kind}: {value!r}").format(kind=type(id).__name__, value=id))
        if len(id) > MAX_ID:
            raise ValueError(_("id must be at most {n} characters, got {got}").format(n=MAX_ID, got=len(id)))
        self.id: str = id

    # --- plain data ---

    def to_dict(self) -> dict[str, Any]:
        """The exercise as JSON data, with its format and version."""
        return {"format": FORMAT, "version": VERSION, "id": self.id, "sizes": list(self.sizes),
                "weights": self.weights, "biases": self.biases, "x": self.x, "y": self.y, "lr": self.lr,
                "activation": self.activation, "output_activation": self.output_activation, "loss": self.loss,
                "sig": self.sig}

    @classmethod
    def from_dict(cls, d: object) -> Exercise:
        """The exercise `to_dict` wrote: TypeError for the wrong kind of thing, ValueError for
        another format or version, a missing or unknown key, or a problem that fails validation."""
        if not isinstance(d, Mapping):
            raise TypeError(_("an exercise must be a JSON object, got {kind}").format(kind=type(d).__name__))
        if d.get("format") != FORMAT:
            raise ValueError(_("not a deltagrad exercise: format is {got!r}, expected {want!r}").format(
                got=d.get("format"), want=FORMAT))
        version = d.get("version")
        if version != VERSION or isinstance(version, bool):
            raise ValueError(_("exercise version {got!r} is not supported (this deltagrad reads version "
                               "{want})").format(got=version, want=VERSION))
        keys = {"format", "version", "id", "sizes", "weights", "biases", "x", "y", "lr", "activation",
                "output_activation", "loss", "sig"}
        required = keys - {"id", "sizes", "activation", "output_activation", "loss", "sig"}
        missing = sorted(required - set(d))
        if missing:
            raise ValueError(_("the exercise lacks {keys}").format(keys=", ".join(missing)))
        unknown = sorted(str(k) for k in set(d) - keys)
        if unknown:
            raise ValueError(_("the exercise has unknown keys {keys}").format(keys=", ".join(unknown)))
        ex = cls(d["weights"], d["biases"], d["x"], d["y"], d["lr"],
                 activation=d.get("activation", "sigmoid"), output_activation=d.get("output_activation", "sigmoid"),
                 loss=d.get("loss", "half_squared_error"), sig=d.get("sig", 3), id=d.get("id", ""))
        if "sizes" in d and d["sizes"] != ex.sizes:
            raise ValueError(_("the exercise says sizes {said} but its weights have sizes {sizes}").format(
                said=d["sizes"], sizes=ex.sizes))
        return ex

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Exercise) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        size = "-".join(map(str, self.sizes))
        return (f"Exercise({size}, activation={self.activation!r}, loss={self.loss!r}, lr={self.lr:g}, "
                f"sig={self.sig}, id={self.id!r})")

    # --- the problem ---

    def model(self) -> MLP:
        """A fresh network with the exercise's weights and biases."""
        return MLP.from_weights(self.weights, self.biases, self.activation, self.output_activation)

    @property
    def tolerance(self) -> Tolerance:
        """When an answer is right: to ``sig`` significant figures."""
        return Tolerance(sig=self.sig)

    @property
    def target(self) -> int | list[float]:
        """``y`` as the delta rule and the checker take it: for cross-entropy the class index
        (``y`` is its one-hot row), else the list ``y``."""
        return self.y.index(1.0) if self.loss == "cross_entropy" else list(self.y)

    def questions(self) -> list[Question]:
        """Every answer, (section, name), in the tutorial's order (for cross-entropy the
        softmax ``p[i]`` after the outputs)."""
        return questions(self.model(), self.lr, self.loss)

    def expected(self) -> dict[str, dict[str, float]]:
        """Every right value, nested as ``deltagrad check --template``: ``forward`` (with
        ``L``), ``deltas``, ``gradients`` and ``updated``, names in the tutorial's order."""
        values = hand_values(self.model(), self.x, self.target, lr=self.lr, loss=self.loss)
        out: dict[str, dict[str, float]] = {}
        for section, name in self.questions():
            out.setdefault(section, {})[name] = values[section][name]
        return out

    def template(self) -> dict[str, dict[str, None]]:
        """The blank answers: every name of `expected`, each None."""
        return {s: dict.fromkeys(names) for s, names in self.expected().items()}

    def check(self, answers: Mapping[str, Any], **kwargs: Any) -> CheckReport:
        """Grade ``answers`` (nested as `expected`): the `CheckReport` of `nn.check_answers`,
        to the exercise's significant figures. ``kwargs`` go to `check_answers`
        (``revealed=``, ``strict=``, ``sig=`` for another number of figures)."""
        kwargs.setdefault("sig", self.sig)
        return check_answers(self.model(), self.x, self.target, answers, lr=self.lr, loss=self.loss, **kwargs)

    def slips(self) -> dict[Question, tuple[float, list[Slip]]]:
        """For every question: the right value and what each slip gives from the right
        earlier values (see `nn.check.slip_table`)."""
        return slip_table(self.model(), self.x, self.target, lr=self.lr, loss=self.loss)

    @one_language
    def problems(self) -> list[str]:
        """Why the exercise is not gradable (empty when it is): a slip that changes an
        answer by no more than the tolerance, two slips with the same wrong number, or a
        delta (any answer) smaller than 1e-4."""
        return list(self._problems())

    def _problems(self) -> Iterator[str]:
        """`problems`, question by question, each found when it is reached: `generate` stops
        at the first, as most draws it rejects have one early."""
        tol = self.tolerance
        for (section, name), (right, slips) in slip_rows(self.model(), self.x, self.target, lr=self.lr,
                                                         loss=self.loss):
            where = f"{section}/{name}"
            if abs(right) < MIN_DELTA or not math.isfinite(right):
                yield _("{where} = {value} is smaller than {least}").format(
                    where=where, value=significant(right, 3), least=MIN_DELTA)
                continue
            # the rounding band (1%) as well, except in the update: a step of -0.0006 on 0.5 is
            # within 1% of it, yet p + lr g is 0.0012 away, past 3 figures
            band = 0.0 if section == "updated" else ROUNDING_BAND * abs(right)
            real_slips = [s for s in slips if s.code != "rounding" and not _same(s.value, right)]
            for s in real_slips:
                if abs(s.value - right) <= max(tol.allowed(right), band):
                    yield _("{where}: the slip {code} changes it by too little").format(where=where, code=s.code)
            for i, a in enumerate(real_slips):
                for b in real_slips[i + 1:]:
                    if a.code != b.code and (tol.ok(a.value, b.value) or tol.ok(b.value, a.value)):
                        yield _("{where}: the slips {a} and {b} give the same number").format(
                            where=where, a=a.code, b=b.code)

    @classmethod
    @one_language
    def generate(cls, seed: int | str, sizes: Sequence[int] = (2, 2, 1), activation: str = "sigmoid",
                 loss: str = "half_squared_error", decimals: int = 1) -> Exercise:
        """A gradable variant like the tutorial's, the same for the same arguments on every
        machine: weights and biases of ``decimals`` digits in [-0.9, 0.9] and never 0, x of
        one decimal (never 0), y 0 or 1, lr 0.1 or 0.5. For ``loss="cross_entropy"`` the
        outputs are linear (the logits, 2 or 3 of them: sizes such as 2-2-2 or 2-3-3) and y is
        the one-hot row of one class. A variant that is not gradable (see `problems`) is
        redrawn from the same generator. ``seed`` is an int or a str (a class seed and a
        student's id)."""
        if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, str)):
            raise TypeError(_("seed must be a whole number or a str, got {kind}: {value!r}").format(
                kind=type(seed).__name__, value=seed))
        seed = int(seed) if isinstance(seed, numbers.Integral) else seed
        loss = choice(loss, "loss", HAND_LOSSES)
        shape = _generated_sizes(sizes, loss)
        activation = choice(activation, "activation", HIDDEN)
        classes = loss == "cross_entropy"
        if classes and shape[-1] < MIN_CLASSES:
            raise ValueError(_("cross_entropy exercises need one output per class, 2 or 3 (sizes such as 2-2-2, "
                               "2-3-3 or 3-3-2), got {sizes}").format(sizes="-".join(map(str, shape))))
        output_activation = "linear" if classes else "sigmoid"  # softmax of the logits, or the tutorial's sigmoid
        decimals = whole(decimals, "decimals", low=1, high=3)
        rng = random.Random(seed)  # never the global generator: the same variant everywhere
        scale = 10**decimals
        steps = [k for k in range(-9 * scale // 10, 9 * scale // 10 + 1) if k != 0]
        tenths = [k for k in range(-9, 10) if k != 0]
        for _draw in range(MAX_DRAWS):
            weights = [[[rng.choice(steps) / scale for _j in range(shape[l])] for _i in range(shape[l + 1])]
                       for l in range(len(shape) - 1)]  # noqa: E741
            biases = [[rng.choice(steps) / scale for _i in range(shape[l + 1])] for l in range(len(shape) - 1)]  # noqa: E741
            x = [rng.choice(tenths) / 10 for _j in range(shape[0])]
            if classes:  # one class, as its one-hot row
                y = one_hot(rng.randrange(shape[-1]), shape[-1])
            else:
                y = [float(rng.choice((0, 1))) for _k in range(shape[-1])]
            lr = rng.choice((0.1, 0.5))
            ex = cls(weights, biases, x, y, lr, activation=activation, output_activation=output_activation,
                     loss=loss)
            if next(ex._problems(), None) is None:  # gradable: no first problem
                ex.id = fingerprint(ex)
                return ex
        raise ValueError(_("no gradable variant found in {n} draws for sizes {sizes}, {act}, {loss}: try more "
                           "decimals or another seed").format(n=MAX_DRAWS, sizes=shape, act=activation, loss=loss))


def _same(a: float, b: float) -> bool:
    """The slip gives the right number itself (relu's f' = 1 where z > 0): no slip there."""
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300)


def fingerprint(ex: Exercise) -> str:
    """A short id that names the problem's numbers (the page keys its progress by it)."""
    data = ex.to_dict()
    data.pop("id")
    return "ex-" + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


def _is_sequence(value: object) -> bool:
    return is_sequence(value)


def _reals(values: object, name: str, n: int) -> list[float]:
    return real_sequence(values, name, length=n, finite=True)


def _class_row(y: object, n: int) -> list[float]:
    """A cross-entropy target as the one-hot row of its class: a class index (0 .. n - 1)
    becomes its row; a row must be one-hot (one 1, the rest 0)."""
    if n < MIN_CLASSES:
        raise ValueError(_("cross_entropy needs a model with one output per class (at least 2), got {n}").format(n=n))
    if not _is_sequence(y):
        return one_hot(class_index(y, n, "y"), n)
    row = _reals(y, "y", n)
    if sorted(row) != [0.0] * (n - 1) + [1.0]:
        raise ValueError(_("y of a cross_entropy exercise is a class index or its one-hot row (one 1, the rest "
                           "0), got {y}").format(y=row))
    return row


def _generated_sizes(sizes: object, loss: str) -> list[int]:
    """``sizes`` as `generate` makes them: one hidden layer, from 1-1-1 up to 3-3-2 (3-3-3
    with cross_entropy, for 3 classes)."""
    items = sequence(sizes, "sizes")
    shape = [whole(s, f"sizes[{i}]", low=1) for i, s in enumerate(items)]
    largest = MAX_GENERATED_CLASSES if loss == "cross_entropy" else MAX_GENERATED
    if len(shape) != len(largest) or any(s > m for s, m in zip(shape, largest)):
        raise ValueError(_("generate() makes sizes from 2-2-1 up to 3-3-2 (one hidden layer; up to 3-3-3 with "
                           "cross_entropy), got {sizes}").format(sizes="-".join(map(str, shape))))
    return shape


# --- answer files: the blank an exercise hands out, and reading one back ---

MAX_ANSWERS_BYTES = 1024 * 1024  # an answers file is a few kB; past 1 MB it is not one
MAX_DEPTH = 10  # objects and lists nested in an answers file (the deepest real one is 5)
ANSWER_KEYS = ("problem", "student", "revealed")  # the keys of an answers file beside the sections


def answers_file(exercise: Exercise, student: str | None = None) -> dict[str, Any]:
    """The answers file to fill in: ``problem`` (the exercise's dict), ``student`` (an id or
    None) and the four sections with every answer None."""
    if not isinstance(exercise, Exercise):
        raise TypeError(_("expected an nn.Exercise, got {kind}").format(kind=type(exercise).__name__))
    if student is not None and not isinstance(student, str):
        raise TypeError(_("student must be a str or None, got {kind}").format(kind=type(student).__name__))
    return {"problem": exercise.to_dict(), "student": student, **exercise.template()}


class AnswersFile:
    """An answers file read back: its problem (None for a plain file), student, answers
    (the sections) and revealed answers (``"section/name"``)."""

    def __init__(self, problem: Exercise | None, student: str | None, answers: dict[str, Any],
                 revealed: list[str]) -> None:
        self.problem = problem
        self.student = student
        self.answers = answers
        self.revealed = revealed


def depth(data: object) -> int:
    """How deeply lists and objects nest in ``data`` (a number is 0), walked without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
            deepest = max(deepest, level + 1)
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
            deepest = max(deepest, level + 1)
    return deepest


def parse_answers(data: object, source: str = "answers") -> AnswersFile:
    """An answers file's JSON data as an `AnswersFile`: ValueError naming ``source`` for
    data nested too deeply, not an object, a bad ``student`` or ``revealed``, or an
    embedded problem that fails validation (a wrong version, NaN weights, sizes past 16)."""
    if depth(data) > MAX_DEPTH:
        raise ValueError(_("{source}: nested deeper than {n} levels").format(source=source, n=MAX_DEPTH))
    if not isinstance(data, dict):
        raise ValueError(_("{source}: an answers file is a JSON object, got {kind}").format(
            source=source, kind=type(data).__name__))
    problem = None
    if "problem" in data and data["problem"] is not None:
        try:
            problem = Exercise.from_dict(data["problem"])
        except (TypeError, ValueError) as err:
            raise ValueError(_("{source}: its problem is not valid: {reason}").format(source=source,
                                                                                      reason=err)) from None
    student = data.get("student")
    if student is not None and (not isinstance(student, str) or len(student) > MAX_ID):
        raise ValueError(_("{source}: student must be a text of at most {n} characters or null").format(
            source=source, n=MAX_ID))
    revealed = data.get("revealed", [])
    if revealed is None:
        revealed = []
    if not isinstance(revealed, list) or not all(isinstance(r, str) for r in revealed):
        raise ValueError(_("{source}: revealed must be a list of answer names such as 'deltas/delta2[0]'").format(
            source=source))
    answers = {k: v for k, v in data.items() if k not in ANSWER_KEYS}
    return AnswersFile(problem, student, answers, list(revealed))


def read_answers(path: str | Any) -> AnswersFile:
    """The answers file at ``path``: a regular file of at most 1 MB of UTF-8 strict JSON
    (no duplicate keys, no NaN), then `parse_answers`. ValueError (or OSError) naming it."""
    from deltagrad.autograd.files import parse_strict_json, read_text

    text = read_text(path, MAX_ANSWERS_BYTES, _("answers file"))
    if not text.strip():
        raise ValueError(_("{path} is empty").format(path=path))
    return parse_answers(parse_strict_json(text, str(path)), str(path))
