"""The one error for a graph too large for what is asked of it (drawing, compiling, a program)."""

from __future__ import annotations


class GraphTooLargeError(ValueError):
    """The graph has more values than the tool that was asked to take it is made for."""


def check_graph_size(n_nodes: int, max_nodes: int, what: str, hint: str) -> None:
    """`GraphTooLargeError` when ``n_nodes`` is past ``max_nodes``; ValueError for a bad limit."""
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if n_nodes > max_nodes:
        raise GraphTooLargeError(f"the graph has {n_nodes} values, more than max_nodes={max_nodes}; {what}: {hint}")
