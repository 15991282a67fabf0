"""Fold an inference batch norm into the conv or dense layer before it.

``bn(conv(x)) = conv'(x)`` with ``weight' = weight * s`` and ``bias' = bias * s + t``
per output channel, where ``s = gamma / sqrt(var + eps)`` and ``t = beta - mean * s``
(arithmetic in float64, stored in the weights' dtype). Only where the batch norm is the
layer's sole reader and the layer's own value is not kept; the folded layer keeps the
layer's name, so its parameters keep their paths.

Preserves: every kept node's inference output (to float rounding).
"""

from __future__ import annotations

from netir.ir.graph import Graph
from netir.ir.passes.rewrite import Edit, Pass, Rewrite, Weights, consumers, node_params


def plan(graph: Graph, weights: Weights | None, keep: frozenset[str]) -> Rewrite:
    rewrite = Rewrite()
    for norm in graph.nodes:
        affine = norm.spec.rewrites.channel_affine
        if affine is None or norm.name in keep or len(norm.inputs) != 1:
            continue
        layer = graph[norm.inputs[0]]
        absorb = layer.spec.rewrites.absorb_channel_affine
        if (absorb is None or layer.name in keep or rewrite.touched(layer.name)
                or consumers(graph, layer.name) != [norm.name]):
            continue
        norm_params = node_params(weights, norm)
        scale, shift = (None, None) if norm_params is None else affine(norm.attrs,
                                                                        norm_params)
        attrs, params = absorb(layer.attrs, node_params(weights, layer), scale, shift)
        rewrite.edits[layer.name] = Edit(attrs=attrs, params=params)
        rewrite.dropped[norm.name] = layer.name
    return rewrite


PASS = Pass("fold_batch_norm", "every kept node's inference output, to float rounding",
            plan, inference_only=True)
