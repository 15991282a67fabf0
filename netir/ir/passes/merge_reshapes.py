"""Let a reshape read past the reshape before it: ``flatten(flatten(x)) = flatten(x)``.

Reshapes keep the elements in (C, H, W) order, so a chain of them equals its last one
applied to the chain's input, provided that gives the same shape (checked). The earlier
reshape is left for ``remove_dead_nodes`` if nothing else reads it.

Preserves: every node's output, in training and inference.
"""

from __future__ import annotations

from netir.ir.graph import Graph
from netir.ir.passes.rewrite import Edit, Pass, Rewrite, Weights


def plan(graph: Graph, weights: Weights | None, keep: frozenset[str]) -> Rewrite:
    rewrite = Rewrite()
    for node in graph.nodes:
        if not node.spec.rewrites.reshape or len(node.inputs) != 1:
            continue
        before = graph[node.inputs[0]]
        if not before.spec.rewrites.reshape or len(before.inputs) != 1:
            continue
        source = graph[before.inputs[0]]
        if tuple(node.spec.shape(node.attrs, [source.type])) == node.shape:
            rewrite.edits[node.name] = Edit(inputs=(source.name,))
    return rewrite


PASS = Pass("merge_reshapes", "every node's output, in training and inference", plan)
