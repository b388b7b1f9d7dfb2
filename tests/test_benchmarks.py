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


def test_compile_time_workload_checks_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    from deltagrad import autograd

    result = workloads.compile_time(1_000)
    assert set(result) == {"seconds", "us_per_node"} and result["seconds"] > 0.0
    real_compile = autograd.compile_graph

    def off_by_one(*args: object, **kwargs: object) -> object:
        graph = real_compile(*args, **kwargs)  # type: ignore[arg-type]
        return lambda inputs: graph(inputs) + 1.0

    monkeypatch.setattr(autograd, "compile_graph", off_by_one)
    with pytest.raises(AssertionError, match="compiled chain does not replay the eager value"):
        workloads.compile_time(10)  # a replay that disagrees is never timed


def test_unknown_workload() -> None:
    with pytest.raises(ValueError, match="unknown workload 'nope'"):
        workloads.run("deltagrad", "nope")
