"""Neural networks on `autograd.Value`, and the textbook delta rule to check them against."""

from . import datasets
from .compiled import CompiledLoss, compile_loss
from .io import load, save
from .losses import binary_cross_entropy, half_squared_error, mse_loss
from .manual import (
    GradientRow,
    ManualBackprop,
    autograd_gradients,
    compare_gradients,
    format_gradient_table,
    format_table,
    manual_backprop,
    predict,
)
from .module import ACTIVATIONS, INITS, MLP, Layer, Module, Neuron
from .optim import SGD, Adam, Optimizer
from .train import LOSSES, History, accuracy, fit, hinge_loss

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "History",
    "INITS",
    "MLP",
    "SGD",
    "Adam",
    "CompiledLoss",
    "GradientRow",
    "Layer",
    "ManualBackprop",
    "Module",
    "Neuron",
    "Optimizer",
    "accuracy",
    "autograd_gradients",
    "binary_cross_entropy",
    "compile_loss",
    "datasets",
    "compare_gradients",
    "fit",
    "format_gradient_table",
    "format_table",
    "half_squared_error",
    "hinge_loss",
    "load",
    "manual_backprop",
    "mse_loss",
    "predict",
    "save",
]
