"""benchmarks.classes: its workloads are the ones docs/performance.md describes."""

from __future__ import annotations

from benchmarks import classes


def test_the_digits_network_and_its_loss_graph() -> None:
    model = classes.digits_model()
    assert model.sizes == [64, 32, 10] and model.layers[0].activation == "tanh"
    assert model.layers[-1].activation == "linear" and len(model.parameters()) == 2410
    # 64 inputs, 2,410 parameters and the operations of one example's cross-entropy
    assert classes._nodes() == 4919


def test_iris_run_reaches_the_goal_accuracy() -> None:
    result = classes.run_iris()
    assert result["test_accuracy"] >= classes.GOALS["iris_accuracy"]
