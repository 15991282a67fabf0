"""Keras lowerings of the learned tensors (netir/ir/ops/learned.py)."""

from __future__ import annotations

from netir.emitters.keras3 import attention_layers as A
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.layout import features_last


def parameter(node, graph, inputs):
    order = features_last(node.layout)
    return A.Parameter((1, *node.shape), tuple(order), name=_n(node))(inputs[0])


def layer_scale(node, graph, inputs):
    return A.LayerScale(graph.param_shapes(node)[0]["weight"], name=_n(node))(inputs[0])


LOWERINGS = {"parameter": parameter, "layer_scale": layer_scale}
