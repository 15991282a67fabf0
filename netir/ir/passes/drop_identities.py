"""Drop nodes that return their input unchanged at inference (dropout, a flatten of a
vector, a zero-size pad, a 1×1 stride-1 pool).

Preserves: every kept node's inference output.
"""

from __future__ import annotations

from netir.ir.graph import Graph
from netir.ir.passes.rewrite import Pass, Rewrite, Weights


def plan(graph: Graph, weights: Weights | None, keep: frozenset[str]) -> Rewrite:
    rewrite = Rewrite()
    for node in graph.nodes:
        rule = node.spec.rewrites.identity
        if (rule is not None and node.name not in keep and len(node.inputs) == 1
                and rule(node.attrs, graph.input_shapes(node))):
            rewrite.dropped[node.name] = node.inputs[0]
    return rewrite


PASS = Pass("drop_identities", "every kept node's inference output", plan,
            inference_only=True)
