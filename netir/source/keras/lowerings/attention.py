"""The Keras source of the attention ops (``netir/ir/ops/attention.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.ops.attention import attention_scale
from netir.source.common import Code
from netir.source.keras.lowerings.base import Layers, build, in_keras_order, logical_inputs, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


@_lower("matmul")
def _matmul(node, graph):
    steps, call = logical_inputs(node, graph)
    matmul = build("layers.Lambda", ("function", build("lambda t: ops.matmul", ("t", Code("*t")))))
    return Layers((*steps, *in_keras_order(node, matmul, call)))


@_lower("scaled_dot_product_attention")
def _attention(node, graph):
    steps, call = logical_inputs(node, graph)
    scale = attention_scale(node.attrs, graph[node.inputs[0]].shape[-1])
    return Layers((*steps, *in_keras_order(node, build("DotProductAttention", ("scale", scale)),
                                           call)), ("DotProductAttention",))


@_lower("multi_head_attention")
def _multi_head_attention(node, graph):
    d, heads = node.shape[-1], node.attrs["num_heads"]
    key = "{1}" if len(node.inputs) > 1 else "{0}"
    value = "{2}" if len(node.inputs) > 2 else key
    return one(build("layers.MultiHeadAttention", ("num_heads", heads), ("key_dim", d // heads),
                     use_bias=node.attrs["bias"]), call=f"{{0}}, {value}, key={key}")
