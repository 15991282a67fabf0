"""A graph as a document: JSON, files and the summary table. A mixin of
:class:`netir.ir.graph.Graph`; thin wrappers over :mod:`netir.ir.serialize` and
:mod:`netir.ir.summary`, imported when called (they import the graph module)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netir.ir.graph import Graph


class Documents:
    """``to_json``/``from_json``, ``save``/``load`` and ``summary`` of a graph."""

    def to_json(self) -> str:
        from netir.ir.serialize import graph_to_json

        return graph_to_json(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> Graph:
        from netir.ir.serialize import graph_from_json

        return graph_from_json(text)

    def save(self, path) -> None:
        from netir.ir.serialize import save_graph

        save_graph(self, path)

    @classmethod
    def load(cls, path) -> Graph:
        from netir.ir.serialize import load_graph

        return load_graph(path)

    def summary(self, *, print_fn=print) -> str:
        """Print and return a per-node table: name, op, output shape, params, MACs."""
        from netir.ir.summary import summary_text

        text = summary_text(self)
        if print_fn is not None:
            print_fn(text)
        return text
