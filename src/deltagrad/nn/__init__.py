"""Neural networks on `autograd.Value`, and the textbook delta rule to check them against."""

from deltagrad.autograd.grading import CheckReport, CheckRow
from deltagrad.autograd.text import format_table

from . import datasets, init
from .activations import ACTIVATIONS, Activation
from .check import check_answers
from .compiled import CompiledLoss, compile_loss
from .exercise import Exercise
from .inference import forward_floats, predict
from .init import INITS
from .inits import STARTS, InitComparison, compare_inits, neuron_symmetry
from .io import load, save
from .losses import LOSSES, binary_cross_entropy, cross_entropy, half_squared_error, hinge_loss, mse_loss, softmax
from .manual import (
    GradientRow,
    ManualBackprop,
    autograd_gradients,
    compare_gradients,
    format_gradient_table,
    manual_backprop,
)
from .metrics import confusion_matrix, format_confusion
from .module import MLP, Layer, Module, Neuron, grads_kept
from .optim import SGD, Adam, Optimizer
from .train import History, TracingError, accuracy, fit

__all__ = [
    "CheckReport",
    "CheckRow",
    "check_answers",
    "Exercise",
    "compare_inits",
    "InitComparison",
    "STARTS",
    "ACTIVATIONS",
    "Activation",
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
    "TracingError",
    "accuracy",
    "autograd_gradients",
    "binary_cross_entropy",
    "compile_loss",
    "confusion_matrix",
    "cross_entropy",
    "datasets",
    "compare_gradients",
    "fit",
    "forward_floats",
    "format_confusion",
    "format_gradient_table",
    "format_table",
    "grads_kept",
    "half_squared_error",
    "init",
    "hinge_loss",
    "load",
    "manual_backprop",
    "mse_loss",
    "neuron_symmetry",
    "predict",
    "save",
    "softmax",
]
