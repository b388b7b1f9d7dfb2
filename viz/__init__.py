"""Pictures of computation graphs, and the `deltagrad` command."""

from .dot import FORMATS, GraphTooLargeError, GraphvizNotFoundError, draw_dot, render

__all__ = ["FORMATS", "GraphTooLargeError", "GraphvizNotFoundError", "draw_dot", "render"]
