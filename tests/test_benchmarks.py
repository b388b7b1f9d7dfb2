"""benchmarks: the harness's agreement check and its workloads compute the right things.

Timings and the memory goal are never asserted here: `make bench` reports them against
their goals. The million-op chain is tested once, in test_engine."""

from __future__ import annotations

import pytest

from benchmarks import run, workloads


def test_engines_agree_before_timing() -> None:
    notes = run.check_agreement(["deltagrad", "compiled"])
    assert any("compiled replay agrees" in note for note in notes)


def test_float_forward_is_the_same_loss_as_autograd() -> None:
    step, _ = workloads.deltagrad_step_fn()
    assert workloads.floats_forward_fn()() == pytest.approx(step(), rel=1e-12)


def test_compile_time_workload_checks_the_replay() -> None:
    result = workloads.compile_time(1_000)
    assert result["us_per_node"] == pytest.approx(result["seconds"] / 1_001 * 1e6)


def test_unknown_workload() -> None:
    with pytest.raises(ValueError, match="unknown workload 'nope'"):
        workloads.run("deltagrad", "nope")
