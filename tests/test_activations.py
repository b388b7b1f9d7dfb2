"""The activation records: each reader's facts (op, derivative and its text) from one place."""

from __future__ import annotations

import pytest

from deltagrad import nn
from deltagrad.autograd.ops import OPS


def test_derivative_text_is_the_op_tables_in_the_names_given() -> None:
    texts = {name: act.derivative_text("z1[0]", "a1[0]") for name, act in nn.ACTIVATIONS.items()}
    assert texts == {"sigmoid": "a1[0] (1 - a1[0])", "tanh": "1 - a1[0]^2", "relu": "[z1[0] > 0]", "linear": "1"}
    assert nn.ACTIVATIONS["sigmoid"].derivative_text() == "a (1 - a)"


@pytest.mark.parametrize("z", [-3.5, -0.25, 0.0, 0.7, 12.0])
def test_derivative_is_the_op_rules_local_derivative(z: float) -> None:
    for act in nn.ACTIVATIONS.values():
        expected = 1.0 if act.identity else OPS[act.op].local_grads(z)[0]  # type: ignore[index]
        assert act.derivative(z) == expected
