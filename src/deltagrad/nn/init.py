"""The init schemes: where a network's weights start (the lesson built on them is `nn.inits`).

``uniform`` is the classic text's U[-1, 1]; ``xavier`` (Glorot & Bengio 2010) and ``he``
(He et al. 2015) scale the start to a layer's fan-in and fan-out; ``zeros`` and
``constant`` (every weight 0.5) are the equal starts the textbook warns about: every
neuron of a layer starts the same, gets the same update, and stays a clone of the others.
Biases always start at 0: they do not cause the symmetry.
"""

from __future__ import annotations

import math
import numbers
import random

from deltagrad.autograd.arguments import choice, real
from deltagrad.i18n import _

__all__ = ["CONSTANT_WEIGHT", "INITS", "RngLike", "check_init", "check_init_scale", "init_weights", "make_rng"]

INITS = ("uniform", "xavier", "he", "zeros", "constant")
CONSTANT_WEIGHT = 0.5  # init="constant": equal and non-zero, so the gradient is not 0 either

RngLike = int | random.Random | None


def make_rng(rng: object) -> random.Random:
    """A `random.Random` from a whole-number seed (``np.int64`` too), an existing generator,
    or None (fresh entropy); TypeError for anything else (a bool, a string, a float)."""
    if isinstance(rng, random.Random):
        return rng
    if rng is None:
        return random.Random()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    raise TypeError(_("rng must be an int seed, a random.Random or None, got {kind}: {value!r}").format(
        kind=type(rng).__name__, value=rng))


def check_init(name: object) -> str:
    """``name`` if it is a known init scheme: TypeError for a non-string, ValueError listing them."""
    return choice(name, "init", INITS)


def check_init_scale(init: str, scale: object) -> float:
    """``scale`` as a float if it is a finite number > 0: TypeError for a non-number, ValueError otherwise."""
    value = real(scale, "init_scale")
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(_("init_scale must be a finite number > 0, got {scale!r}").format(scale=scale))
    return value


def init_weights(init: str, nin: int, nout: int, rng: random.Random, scale: float = 1.0) -> list[float]:
    """``nin`` initial weights for one neuron of a layer of ``nout`` neurons, times ``scale``."""
    check_init(init)
    if init == "uniform":  # the classic text: U[-1, 1]
        weights = [rng.uniform(-1.0, 1.0) for _ in range(nin)]
    elif init == "zeros":  # the symmetric start: every neuron of a layer the same
        weights = [0.0] * nin
    elif init == "constant":  # equal but not zero: a gradient, and still no broken symmetry
        weights = [CONSTANT_WEIGHT] * nin
    elif init == "xavier":  # Glorot & Bengio 2010: U[-r, r], r = sqrt(6 / (fan_in + fan_out))
        r = math.sqrt(6.0 / (nin + nout))
        weights = [rng.uniform(-r, r) for _ in range(nin)]
    else:  # He et al. 2015: N(0, 2 / fan_in), for relu
        std = math.sqrt(2.0 / nin)
        weights = [rng.gauss(0.0, std) for _ in range(nin)]
    return weights if scale == 1.0 else [w * scale for w in weights]
