"""Keras lowerings of matmul and attention (netir/ir/ops/attention.py): each reads its
inputs in their logical order and writes its output back to Keras' order
(:func:`netir.emitters.keras3.node_layers.in_keras_order`)."""

from __future__ import annotations

from netir.emitters.keras3 import attention_layers as A
from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import in_keras_order, logical_inputs
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.ops.attention import attention_scale


def matmul(node, graph, inputs):
    xs = logical_inputs(node, graph, inputs)
    return in_keras_order(node, lambda name: L.OpsCall("matmul", name=name), xs)


def scaled_dot_product_attention(node, graph, inputs):
    xs = logical_inputs(node, graph, inputs)
    scale = attention_scale(node.attrs, graph[node.inputs[0]].shape[-1])
    return in_keras_order(node, lambda name: A.DotProductAttention(scale, name=name), xs)


def multi_head_attention(node, graph, inputs):
    """Keras' ``MultiHeadAttention``, its per-head kernels read from torch's packed
    weights (:class:`netir.emitters.keras3.attention_layers.MultiHeadAttention`)."""
    d, heads = node.shape[-1], node.attrs["num_heads"]
    layer = A.MultiHeadAttention(heads, d // heads, use_bias=node.attrs["bias"], name=_n(node))
    query = inputs[0]
    key = inputs[1] if len(inputs) > 1 else query
    value = inputs[2] if len(inputs) > 2 else key
    return layer(query, value, key=key)


LOWERINGS = {"matmul": matmul, "scaled_dot_product_attention": scaled_dot_product_attention,
             "multi_head_attention": multi_head_attention}
