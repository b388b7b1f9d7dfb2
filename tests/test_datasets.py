"""nn.datasets: shapes, labels, determinism, geometry, errors."""

from __future__ import annotations

import math

import pytest

from deltagrad.nn import datasets


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.spiral])
def test_shapes_labels_and_determinism(make) -> None:
    X, Y = make(51, 0.1, rng=3)
    assert len(X) == len(Y) == 51 and all(len(p) == 2 for p in X)
    assert set(Y) == {0, 1} and Y.count(0) == 25 and Y.count(1) == 26
    assert make(51, 0.1, rng=3) == (X, Y)
    assert make(51, 0.1, rng=4) != (X, Y)


def test_xor() -> None:
    X, Y = datasets.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and Y == [0, 1, 1, 0]


def test_moons_geometry_without_noise() -> None:
    X, Y = datasets.moons(40, noise=0.0, rng=0)
    for (x0, x1), y in zip(X, Y):
        if y == 0:  # upper half circle of radius 1 around (0, 0)
            assert math.hypot(x0, x1) == pytest.approx(1.0) and x1 >= -1e-12
        else:  # lower half circle of radius 1 around (1, 0.5)
            assert math.hypot(x0 - 1.0, x1 - 0.5) == pytest.approx(1.0) and x1 <= 0.5 + 1e-12


def test_circles_radii_without_noise() -> None:
    X, Y = datasets.circles(30, noise=0.0, factor=0.3, rng=0)
    for p, y in zip(X, Y):
        assert math.hypot(*p) == pytest.approx(1.0 if y == 0 else 0.3)


def test_signed_labels() -> None:
    assert datasets.signed([0, 1, 1]) == [-1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="labels must be 0 or 1, got 2 at index 1"):
        datasets.signed([0, 2])


def test_errors() -> None:
    with pytest.raises(ValueError, match="n must be at least 2, got 1"):
        datasets.moons(1)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        datasets.spiral(10.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        datasets.moons(10, noise=-0.1)
    with pytest.raises(ValueError, match="factor must be a number strictly between 0 and 1"):
        datasets.circles(10, factor=1.5)
