"""Everything that draws: computation graphs, the network view, training plots, the stepper."""

from .dot import (
    FORMATS,
    GraphTooLargeError,
    GraphvizNotFoundError,
    RenderError,
    RenderTimeoutError,
    draw_dot,
    render,
    save_picture,
)
from .network import draw_network

__all__ = [
    "FORMATS",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "RenderError",
    "RenderTimeoutError",
    "draw_dot",
    "draw_network",
    "render",
    "save_picture",
]
