"""Everything that draws: computation graphs, the network view, training plots, the stepper."""

from deltagrad.autograd.limits import GraphTooLargeError

from .dot import (
    FORMATS,
    GraphvizNotFoundError,
    RenderError,
    RenderTimeoutError,
    draw_dot,
    render,
    save_picture,
)
from .network import draw_network
from .playground_page import Playground, playground
from .practice_page import Practice, practice
from .stepper_page import NETWORK_FROM, Stepper, stepper

__all__ = [
    "FORMATS",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "NETWORK_FROM",
    "Playground",
    "Practice",
    "RenderError",
    "RenderTimeoutError",
    "Stepper",
    "draw_dot",
    "draw_network",
    "playground",
    "practice",
    "render",
    "save_picture",
    "stepper",
]
