"""Remove nodes that no output (or other kept node) depends on; inputs always stay.

Preserves: every kept node's output and the model's inputs, in training and inference.
"""

from __future__ import annotations

import networkx as nx

from netir.ir.graph import Graph
from netir.ir.passes.rewrite import Pass, Rewrite, Weights


def plan(graph: Graph, weights: Weights | None, keep: frozenset[str]) -> Rewrite:
    live = set(keep) | {n.name for n in graph.inputs}
    for name in list(live):
        live |= nx.ancestors(graph.nx, name)
    return Rewrite(dropped={n.name: None for n in graph.nodes if n.name not in live})


PASS = Pass("remove_dead_nodes", "every kept node's output and the inputs, in training "
            "and inference", plan)
