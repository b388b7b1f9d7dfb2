"""deltagrad demo --classes 3: the 2-3-3 softmax network walked through by the delta rule
beside autograd, with the numbers of nn.manual_backprop(loss="cross_entropy")."""

from __future__ import annotations

from pathlib import Path

import pytest

from deltagrad import nn
from deltagrad.autograd.text import significant
from deltagrad.cli import walkthrough
from tests.conftest import assert_one_line_error, run_cli


def test_demo_classes_3_walks_through_the_softmax_network(tmp_path: Path) -> None:
    result = run_cli("demo", "--classes", "3", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    model = walkthrough.softmax_model(3)
    assert model.sizes == [2, 3, 3] and model.layers[-1].activation == "linear"
    manual = nn.manual_backprop(model, walkthrough.WORKED_X, 2, loss="cross_entropy")
    assert "target class y = 2 (of 3)" in out
    assert "delta2[i] = (p[i] - onehot(y)[i]) * f'(z2[i])" in out
    assert "p = softmax(a2) = [" + ", ".join(f"{p:.4f}" for p in manual.p) + "]" in out
    assert f"L = -ln p[2] = {manual.loss:.4f}" in out
    assert manual.deltas[-1] == pytest.approx([p - (i == 2) for i, p in enumerate(manual.p)])
    assert "(agree within 1e-9)" in out and "DISAGREE" not in out
    network = (tmp_path / "network.dot").read_text()  # the cross-entropy's numbers, checked against the delta rule
    assert f"L = {significant(manual.loss, 4)}<BR/>" in network and "½ Σ" not in network and "✗" not in network
    assert network.count("✓") == 6 + 15  # every delta and every weight gradient of the 2-3-3 agrees


def test_demo_classes_takes_a_class_index_and_refuses_others(tmp_path: Path) -> None:
    result = run_cli("demo", "--classes", "4", "--y", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "2 inputs -> 3 sigmoid -> 4 linear" in result.stdout and "target class y = 1 (of 4)" in result.stdout
    assert_one_line_error(run_cli("demo", "--classes", "3", "--y", "3", "--out", str(tmp_path)),
                          "--y is 3.0, not a class index for 3 classes (0 to 2)")
    assert_one_line_error(run_cli("demo", "--classes", "3", "--y", "0.5", "--out", str(tmp_path)),
                          "--y must be a class index (a whole number), got 0.5")
    assert_one_line_error(run_cli("demo", "--classes", "3", "--show-code", "--out", str(tmp_path)),
                          "leave it out with --classes")
    assert_one_line_error(run_cli("demo", "--classes", "1"), "expected a whole number >= 2")


def test_demo_classes_with_pytorch_agrees(tmp_path: Path) -> None:
    from tests.conftest import require_torch

    require_torch()
    result = run_cli("demo", "--classes", "3", "--torch", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    worst = float(result.stdout.split("largest difference from PyTorch: ")[1].split()[0])
    assert worst <= 1e-15
