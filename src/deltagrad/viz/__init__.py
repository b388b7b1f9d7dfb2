"""Everything that draws: computation graphs, the network view, training plots, the stepper."""

from deltagrad.autograd.limits import GraphTooLargeError

from . import dot, network, playground_page, practice_page, stepper_page
from .dot import FORMATS, GraphvizNotFoundError, RenderError, RenderTimeoutError, save_picture
from .language import speaks, speaks_language
from .playground_page import Playground
from .practice_page import Practice
from .stepper_page import NETWORK_FROM, Stepper

# The pictures and pages take lang= and notation= for one call (the playground has its own
# notation=, whose default is the tutorial's).
draw_dot = speaks(dot.draw_dot)
render = speaks(dot.render)
draw_network = speaks(network.draw_network)
stepper = speaks(stepper_page.stepper)
practice = speaks(practice_page.practice)
playground = speaks_language(playground_page.playground)

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
