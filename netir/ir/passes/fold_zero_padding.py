"""Fold an explicit zero pad into the padding of the conv that reads it.

A conv pads with zeros itself, so ``conv(pad(x, p), padding=q) = conv(x, padding=p+q)``
exactly. Only into ops that declare it (a max pool pads with -inf, so never there) and
only where the conv is the pad's sole reader and the pad's value is not kept.

Preserves: every kept node's output, in training as at inference.
"""

from __future__ import annotations

from netir.ir.graph import Graph
from netir.ir.passes.rewrite import Edit, Pass, Rewrite, Weights, consumers


def plan(graph: Graph, weights: Weights | None, keep: frozenset[str]) -> Rewrite:
    rewrite = Rewrite()
    for pad in graph.nodes:
        padding = pad.spec.rewrites.zero_padding
        if padding is None or pad.name in keep:
            continue
        readers = consumers(graph, pad.name)
        if len(readers) != 1:
            continue
        reader = graph[readers[0]]
        absorb = reader.spec.rewrites.absorb_zero_padding
        if absorb is None or reader.inputs != (pad.name,) or rewrite.touched(reader.name):
            continue
        rewrite.edits[reader.name] = Edit(attrs=absorb(reader.attrs, padding(pad.attrs)))
        rewrite.dropped[pad.name] = pad.inputs[0]
    return rewrite


PASS = Pass("fold_zero_padding", "every kept node's output, in training and inference",
            plan)
