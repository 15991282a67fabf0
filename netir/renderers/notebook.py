"""Notebook display of a graph: block-level SVG, text when `dot` or graphviz is missing.

The IR does not know its renderers: :func:`register_notebook_display` (called when
``netir`` is imported) gives :class:`Graph` its ``_repr_mimebundle_``.
"""

from __future__ import annotations

from netir.ir.graph import Graph


def mimebundle(graph: Graph) -> dict[str, str]:
    text = {"text/plain": repr(graph)}
    try:
        from netir.renderers.diagram import dot_program, run_dot
        from netir.renderers.dot import to_dot
    except ImportError:  # the `render` extra (graphviz) is not installed
        return {"text/plain": graph.summary(print_fn=None)}
    if dot_program() is None:
        return {"text/plain": graph.summary(print_fn=None)}
    return {**text, "image/svg+xml": run_dot(to_dot(graph, "block"), "svg").decode()}


def _repr_mimebundle_(self: Graph, include=None, exclude=None) -> dict[str, str]:
    """Jupyter: the block-level SVG, or the text summary when `dot` is missing."""
    return mimebundle(self)


def register_notebook_display() -> None:
    """Let Jupyter display every :class:`Graph` through :func:`mimebundle`."""
    Graph._repr_mimebundle_ = _repr_mimebundle_
