"""Data sets: small two-class ones made in pure Python, Fisher's iris shipped with the
package, the 8x8 digits from scikit-learn, your own CSV, and a stratified split.

The generated sets (`xor`, `moons`, `circles`, `spiral`) return ``(X, Y)``: ``X`` a list of
``[x0, x1]`` points and ``Y`` a list of labels in {0, 1}, deterministic for a seed. Losses
that want {-1, +1} (the hinge loss) take ``signed(Y)``. The tables (`iris`, `digits`,
`load_csv`) return ``(X, Y, class_names)`` with ``Y`` class indices 0 .. k - 1 (or numbers,
for a numeric target of a CSV, with no class names).
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from deltagrad.autograd.arguments import real
from deltagrad.autograd.files import read_text
from deltagrad.i18n import _

from .init import RngLike, make_rng

Points = list[list[float]]
Labels = list[int]


def _check_n(n: object, minimum: int = 2) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"n must be an int, got {type(n).__name__}: {n!r}")
    if n < minimum:
        raise ValueError(f"n must be at least {minimum}, got {n}")
    return n


def _check_noise(noise: object) -> float:
    if not isinstance(noise, numbers.Real) or isinstance(noise, bool):
        raise TypeError(f"noise must be a number, got {type(noise).__name__}: {noise!r}")
    value = float(noise)
    if not 0.0 <= value < math.inf:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return value


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n == 1:
        return [start]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _finish(points: Points, labels: Labels, noise: float, rng: RngLike) -> tuple[Points, Labels]:
    """Add Gaussian noise and shuffle, both from one generator so a seed fixes everything."""
    gen = make_rng(rng)
    noisy = [[x + gen.gauss(0.0, noise), y + gen.gauss(0.0, noise)] if noise else [x, y] for x, y in points]
    order = list(range(len(noisy)))
    gen.shuffle(order)
    return [noisy[i] for i in order], [labels[i] for i in order]


def xor(n: int = 4, noise: float = 0.0, rng: RngLike = 0) -> tuple[Points, Labels]:
    """The corners of the unit square, labelled x0 XOR x1: the four of them in order for
    n = 4 and no noise (the classic problem), else ``n`` points cycling through the corners,
    with Gaussian noise, shuffled."""
    _check_n(n)
    noise = _check_noise(noise)
    make_rng(rng)  # a bad rng is refused even where no randomness is needed
    corners, labels = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0]
    if n == 4 and noise == 0.0:
        return corners, labels
    return _finish([corners[i % 4] for i in range(n)], [labels[i % 4] for i in range(n)], noise, rng)


def moons(n: int = 100, noise: float = 0.1, rng: RngLike = 0) -> tuple[Points, Labels]:
    """Two interleaving half circles (as scikit-learn's make_moons): label 0 upper, 1 lower."""
    _check_n(n)
    noise = _check_noise(noise)
    n_outer = n // 2
    n_inner = n - n_outer
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_outer)]
    inner = [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_inner)]
    return _finish(outer + inner, [0] * n_outer + [1] * n_inner, noise, rng)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, rng: RngLike = 0
) -> tuple[Points, Labels]:
    """A circle of radius 1 (label 0) around one of radius ``factor`` (label 1)."""
    _check_n(n)
    noise = _check_noise(noise)
    value = real(factor, "factor")  # TypeError for "0.5"
    if not 0.0 < value < 1.0:
        raise ValueError(f"factor must be a number strictly between 0 and 1, got {factor!r}")
    factor = value
    n_outer = n // 2
    n_inner = n - n_outer
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_outer, endpoint=False)]
    inner = [[factor * math.cos(t), factor * math.sin(t)]
             for t in _linspace(0.0, 2 * math.pi, n_inner, endpoint=False)]
    return _finish(outer + inner, [0] * n_outer + [1] * n_inner, noise, rng)


def spiral(n: int = 100, noise: float = 0.05, rng: RngLike = 0) -> tuple[Points, Labels]:
    """Two interleaved spiral arms, one turn and a half each, one arm per label."""
    _check_n(n)
    noise = _check_noise(noise)
    points: Points = []
    labels: Labels = []
    for label, count in ((0, n // 2), (1, n - n // 2)):
        for r in _linspace(0.05, 1.0, count):
            theta = 3.0 * math.pi * r + label * math.pi  # the second arm is the first turned by pi
            points.append([r * math.cos(theta), r * math.sin(theta)])
            labels.append(label)
    return _finish(points, labels, noise, rng)


def signed(labels: Labels) -> list[float]:
    """Labels {0, 1} as {-1.0, +1.0}, for the hinge loss."""
    out = []
    for i, y in enumerate(labels):
        if y not in (0, 1):
            raise ValueError(f"labels must be 0 or 1, got {y!r} at index {i}")
        out.append(2.0 * y - 1.0)
    return out


# name -> function(n=..., noise=..., rng=...): what ``deltagrad train --data`` offers.
DATASETS: dict[str, Callable[..., tuple[Points, Labels]]] = {
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spiral": spiral,
}


# -- tables: iris, digits, your own CSV -----------------------------------------------------
MAX_CSV_BYTES = 16 * 1024 * 1024  # far above any data set a pure-Python network trains on
MAX_AUTO_CLASSES = 20  # a whole-number target with at most this many values is read as classes
DATA_HINT = "pip install 'deltagrad[data]' (or: pip install scikit-learn)"


class DataUnavailableError(ImportError):
    """A data set needs a package that is not installed (the digits need scikit-learn)."""


Table = tuple[list[list[float]], list[Any], list[str]]


def _number_or_none(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _standardize(X: list[list[float]]) -> list[list[float]]:
    """Each column to mean 0 and standard deviation 1 (a constant column to 0)."""
    n = len(X)
    columns = list(zip(*X))
    means = [math.fsum(c) / n for c in columns]
    stds = [math.sqrt(math.fsum((v - m) ** 2 for v in c) / n) for c, m in zip(columns, means)]
    return [[(v - m) / s if s > 0.0 else v - m for v, m, s in zip(row, means, stds)] for row in X]


def _sorted_labels(labels: set[str]) -> list[str]:
    """Class names in order: numerically when every label is a number (2 before 10), else as text."""
    if all(_number_or_none(v) is not None for v in labels):
        return sorted(labels, key=lambda v: (float(v), v))
    return sorted(labels)


def _check_bool(name: str, value: object, allow_none: bool = False) -> bool | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, bool):
        raise TypeError(_("{name} must be True or False, got {kind}: {value!r}").format(
            name=name, kind=type(value).__name__, value=value))
    return value


def load_csv(path: str | os.PathLike[str], target: str | None = None, standardize: bool = True,
             classes: bool | None = None) -> Table:
    """``(X, Y, class_names)`` from a CSV file with a header row.

    Args:
        target: the name of the target column (default: the last column); every other
            column is a numeric feature.
        standardize: scale each feature to mean 0 and standard deviation 1.
        classes: read the target as class labels (Y class indices, class names in sorted
            order) or as numbers (Y floats, no class names). By default: labels, unless
            every value is a number and they are not at most 20 whole numbers.

    The file is untrusted: a regular file of at most 16 MB (`autograd.files.read_text`),
    UTF-8 (a BOM is allowed), any line endings, quoted fields as in RFC 4180. Every problem
    is a ValueError that names the file and, for a bad value, its line and column
    (FileNotFoundError when there is no such file).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(_("load_csv() expects a path, got {kind}").format(kind=type(path).__name__))
    if target is not None and not isinstance(target, str):
        raise TypeError(_("load_csv() target must be a column name, got {kind}: {value!r}").format(
            kind=type(target).__name__, value=target))
    _check_bool("standardize", standardize)
    _check_bool("classes", classes, allow_none=True)
    name = os.fspath(path)
    text = read_text(path, MAX_CSV_BYTES, what=_("CSV file"))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader if any(field.strip() for field in row)]
    except csv.Error as err:
        raise ValueError(_("{path} line {line}: not valid CSV ({reason})").format(
            path=name, line=reader.line_num, reason=err)) from None
    if not rows:
        raise ValueError(_("{path} is empty: expected a header row of column names, then data rows").format(
            path=name))
    header = [field.strip() for field in rows[0][1]]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise ValueError(_("{path}: the header names a column more than once: {names}").format(
            path=name, names=", ".join(map(repr, duplicates))))
    if target is None:
        target = header[-1]
    if target not in header:
        raise ValueError(_("{path} has no column {target!r}; its columns are: {columns}").format(
            path=name, target=target, columns=", ".join(header)))
    if len(header) < 2:
        raise ValueError(_("{path} has only the column {target!r}: expected feature columns beside the target").format(
            path=name, target=target))
    data = rows[1:]
    if not data:
        raise ValueError(_("{path} has a header but no data rows").format(path=name))
    t = header.index(target)
    features = [j for j in range(len(header)) if j != t]
    X: list[list[float]] = []
    labels: list[str] = []
    for line, row in data:
        if len(row) != len(header):
            raise ValueError(_("{path} line {line}: {n} fields, but the header has {m} columns").format(
                path=name, line=line, n=len(row), m=len(header)))
        values = []
        for j in features:
            value = _number_or_none(row[j].strip())
            if value is None:
                raise ValueError(_("{path} line {line}, column {column!r}: {text!r} is not a finite number "
                                   "(every column but the target must be numeric)").format(
                    path=name, line=line, column=header[j], text=row[j][:40]))
            values.append(value)
        label = row[t].strip()
        if not label:
            raise ValueError(_("{path} line {line}: the target column {target!r} is empty").format(
                path=name, line=line, target=target))
        X.append(values)
        labels.append(label)
    numbers_ = [_number_or_none(v) for v in labels]
    if classes is None:
        whole = all(v is not None and v.is_integer() for v in numbers_)
        classes = not all(v is not None for v in numbers_) or (whole and len(set(labels)) <= MAX_AUTO_CLASSES)
    if standardize:
        X = _standardize(X)
    if not classes:
        bad = next((i for i, v in enumerate(numbers_) if v is None), None)
        if bad is not None:
            raise ValueError(_("{path} line {line}, column {column!r}: {text!r} is not a number, and the target "
                               "was asked for as numbers").format(
                path=name, line=data[bad][0], column=target, text=labels[bad][:40]))
        return X, [float(v) for v in numbers_ if v is not None], []
    names = _sorted_labels(set(labels))
    if len(names) < 2:
        raise ValueError(_("{path}: the target column {target!r} has a single class ({label!r}); "
                           "a classifier needs at least 2").format(path=name, target=target, label=names[0]))
    index = {label: i for i, label in enumerate(names)}
    return X, [index[label] for label in labels], names


def iris(standardize: bool = True) -> Table:
    """Fisher's iris (1936): 150 flowers, 4 measurements in cm (sepal length and width,
    petal length and width), 3 species (setosa, versicolor, virginica), 50 of each.

    Shipped in the package (``nn/data/iris.csv``; its source and licence are in
    ``nn/data/README.txt``). Returns ``(X, Y, class_names)``, Y in 0 .. 2.
    """
    _check_bool("standardize", standardize)
    with resources.as_file(resources.files("deltagrad.nn") / "data" / "iris.csv") as path:
        return load_csv(path, target="species", standardize=standardize)


def digits(standardize: bool = True) -> Table:
    """The 8x8 handwritten digits (UCI, as scikit-learn ships them): 1,797 images of 64
    pixels (0 to 16), 10 classes. Needs scikit-learn (the ``data`` extra)."""
    _check_bool("standardize", standardize)
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise DataUnavailableError(_("the digits come with scikit-learn, which is not installed: {hint}").format(
            hint=DATA_HINT)) from None
    bunch = load_digits()
    X = [[float(v) for v in row] for row in bunch.data.tolist()]
    Y = [int(v) for v in bunch.target.tolist()]
    return (_standardize(X) if standardize else X), Y, [str(name) for name in bunch.target_names.tolist()]


# name -> function(standardize=...): the tables ``deltagrad train --data`` offers by name.
TABLES: dict[str, Callable[..., Table]] = {"iris": iris, "digits": digits}


def _check_split(test: object) -> float:
    if isinstance(test, bool) or not isinstance(test, numbers.Real):
        raise TypeError(_("test must be a fraction such as 0.2, got {kind}: {value!r}").format(
            kind=type(test).__name__, value=test))
    value = float(test)
    if not 0.0 < value < 1.0:
        raise ValueError(_("test must be a fraction strictly between 0 and 1, got {value!r}").format(value=test))
    return value


def train_test_split(X: Sequence[Sequence[float]], Y: Sequence[Any], test: float = 0.2, rng: RngLike = 0,
                     stratify: bool | None = None) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """``(X_train, Y_train, X_test, Y_test)``, with about ``test`` of the rows held out.

    Stratified for classes (the default when every Y is an int class index): each class
    gives round(test * its rows) rows to the test set, at least one, and keeps at least one,
    so a class needs 2 rows. Numbers (a regression target) are split at random. Both parts
    are shuffled; the same ``rng`` (an int seed or a `random.Random`) gives the same split.
    """
    fraction = _check_split(test)
    _check_bool("stratify", stratify, allow_none=True)
    for what, data in (("X", X), ("Y", Y)):
        if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
            raise TypeError(_("train_test_split() {what} must be a list, got {kind}").format(
                what=what, kind=type(data).__name__))
    if len(X) != len(Y):
        raise ValueError(_("train_test_split() got {n} rows of X but {m} targets").format(n=len(X), m=len(Y)))
    if len(X) < 2:
        raise ValueError(_("train_test_split() needs at least 2 rows, got {n}").format(n=len(X)))
    generator = make_rng(rng)
    if stratify is None:
        stratify = all(isinstance(y, numbers.Integral) and not isinstance(y, bool) for y in Y)
    test_rows: list[int] = []
    train_rows: list[int] = []
    if stratify:
        groups: dict[Any, list[int]] = {}
        for i, y in enumerate(Y):
            key = tuple(y) if isinstance(y, Sequence) else y
            groups.setdefault(key, []).append(i)
        for label in sorted(groups, key=repr):
            rows = groups[label]
            if len(rows) < 2:
                raise ValueError(_("class {label!r} has {n} row: a stratified split needs at least 2 rows "
                                   "of every class (one to train on, one to test)").format(label=label, n=len(rows)))
            n_test = min(len(rows) - 1, max(1, round(fraction * len(rows))))
            generator.shuffle(rows)
            test_rows += rows[:n_test]
            train_rows += rows[n_test:]
    else:
        order = list(range(len(X)))
        generator.shuffle(order)
        n_test = min(len(X) - 1, max(1, round(fraction * len(X))))
        test_rows, train_rows = order[:n_test], order[n_test:]
    generator.shuffle(train_rows)
    generator.shuffle(test_rows)
    return ([list(X[i]) for i in train_rows], [Y[i] for i in train_rows],
            [list(X[i]) for i in test_rows], [Y[i] for i in test_rows])
