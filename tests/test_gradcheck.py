"""gradcheck: passes on correct gradients, names the input on a wrong one."""

from __future__ import annotations

import math

import pytest

from deltagrad.autograd import GradcheckError, Value, gradcheck


def test_passes_for_correct_gradients() -> None:
    assert gradcheck(lambda a, b: (a * b).tanh() + b.exp(), [0.3, -0.7]) is True


def test_names_the_failing_input_with_both_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # A deliberately wrong tanh rule (d tanh = 1 instead of 1 - tanh^2).
    def bad_tanh(self: Value) -> Value:

        return self + (math.tanh(self.data) - self.data)  # tanh's value, derivative 1

    monkeypatch.setattr(Value, "tanh", bad_tanh)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a * 2.0 + b.tanh(), [0.1, 1.0])
    err = info.value
    assert err.index == 1
    assert err.analytical == 1.0
    assert err.numerical == pytest.approx(1.0 - 0.7615941559557649**2, rel=1e-6)
    assert "input 1" in str(err) and "numerical" in str(err) and "analytical" in str(err)


def test_fails_on_nan_gradient() -> None:
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(lambda a: (a - 2.0).log(), [1.0])  # nan everywhere


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="input 1 must be a real number, got str"):
        gradcheck(lambda a, b: a + b, [1.0, "2"])
    with pytest.raises(TypeError, match="must return a Value, got float"):
        gradcheck(lambda a: 1.0, [1.0])
    with pytest.raises(ValueError, match="eps must be positive"):
        gradcheck(lambda a: a, [1.0], eps=0.0)
    with pytest.raises(ValueError, match="atol must be a non-negative number"):
        gradcheck(lambda a: a, [1.0], atol=-1.0)
    with pytest.raises(TypeError, match="sequence of numbers, got float"):
        gradcheck(lambda a: a, 1.0)  # type: ignore[arg-type]


# -- gradcheck at kinks ----------------------------------------------------------------------
@pytest.mark.parametrize("fn", [lambda a: a.relu(), lambda a: a / a, lambda a: (a * a) ** 0.5])
def test_gradcheck_names_kinks_and_can_skip_them(fn: object) -> None:
    with pytest.raises(GradcheckError, match="kink or singularity") as info:
        gradcheck(fn, [0.0])  # type: ignore[arg-type]
    assert info.value.kink
    assert gradcheck(fn, [0.0], skip_nonfinite=True)  # type: ignore[arg-type]
