"""How a pass changes a graph: it plans a :class:`Rewrite`; :func:`apply` rebuilds.

A pass never edits a graph (nodes are immutable once inferred). It returns the nodes
to drop, each with the node its consumers read instead, and the nodes to rebuild with
new attributes, inputs or parameters. :func:`apply` replays the graph through the
validating builder with those edits, so every rewritten graph is checked and
shape-inferred exactly like a hand-built one, and carries the neutral weights along.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from netir.ir.bulk import collector_paused
from netir.ir.errors import GraphError
from netir.ir.graph import Graph
from netir.ir.node import Node

Params = dict[str, np.ndarray]
Weights = dict[str, Params]


@dataclass(frozen=True)
class Edit:
    """New attributes, inputs (names in the old graph) or parameters for one node;
    None keeps the old ones."""

    attrs: Mapping[str, Any] | None = None
    inputs: tuple[str, ...] | None = None
    params: Params | None = None


@dataclass
class Rewrite:
    """``dropped``: node -> the node its consumers read instead (None: it has none);
    ``edits``: node -> :class:`Edit`."""

    dropped: dict[str, str | None] = field(default_factory=dict)
    edits: dict[str, Edit] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.dropped or self.edits)

    def touched(self, name: str) -> bool:
        return name in self.dropped or name in self.edits


@dataclass(frozen=True)
class Pass:
    """One graph pass: ``plan(graph, weights, keep) -> Rewrite``.

    ``preserves`` states in one line what stays equal; ``inference_only`` passes change
    what training would compute and run only when optimising for inference. ``keep``
    names nodes whose values must stay available under their names (the outputs).
    """

    name: str
    preserves: str
    plan: Callable[[Graph, Weights | None, frozenset[str]], Rewrite]
    inference_only: bool = False


def consumers(graph: Graph, name: str) -> list[str]:
    """Names of the nodes that read ``name`` (each once)."""
    return list(graph.nx.successors(name))


def node_params(weights: Weights | None, node: Node) -> Params | None:
    """The node's neutral parameters, or None without weights; GraphError if absent."""
    if weights is None:
        return None
    if node.name not in weights:
        raise GraphError("the weights have no parameters for this node",
                         f"nodes with weights: {len(weights)}", node=node.name, op=node.op)
    return weights[node.name]


@collector_paused()
def apply(graph: Graph, weights: Weights | None, rewrite: Rewrite,
          ) -> tuple[Graph, Weights | None]:
    """A new graph (same name and outputs) with ``rewrite`` made, and its weights.

    Unchanged parameters are shared with ``weights``, not copied. Raises GraphError if
    a dropped node would be read with nowhere to read from, or any builder error if an
    edit does not give a valid node.
    """
    def source(name: str) -> str:
        while name in rewrite.dropped:
            target = rewrite.dropped[name]
            if target is None:
                raise GraphError("a dropped node is still read", repr(name), node=name,
                                 op=graph[name].op)
            name = target
        return name

    out = Graph(graph.name)
    new_weights: Weights | None = None if weights is None else {}
    for node in graph.nodes:
        if node.name in rewrite.dropped:
            continue
        edit = rewrite.edits.get(node.name, Edit())
        inputs = node.inputs if edit.inputs is None else edit.inputs
        attrs = node.attrs if edit.attrs is None else edit.attrs
        out.add_node(node.op, [source(i) for i in inputs], name=node.name, attrs=attrs)
        if new_weights is not None:
            params = edit.params if edit.params is not None else weights.get(node.name)
            if params:
                new_weights[node.name] = params
    outputs = [source(n.name) for n in graph.outputs]
    if [n.name for n in out.outputs] != outputs:
        out.output(*outputs)
    return out, new_weights
