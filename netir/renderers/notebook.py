"""Notebook display of a graph: block-level SVG, text when `dot` or graphviz is missing."""

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
