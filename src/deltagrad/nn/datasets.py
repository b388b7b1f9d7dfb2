"""Small two-class data sets in pure Python, deterministic for a seed, nothing downloaded.

Each function returns ``(X, Y)``: ``X`` a list of ``[x0, x1]`` points and ``Y`` a list of
labels in {0, 1}. Losses that want {-1, +1} (the hinge loss) take ``signed(Y)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

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
    if not isinstance(factor, numbers.Real) or isinstance(factor, bool) or not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be a number strictly between 0 and 1, got {factor!r}")
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
