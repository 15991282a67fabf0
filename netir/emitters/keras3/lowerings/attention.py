"""Keras lowerings of matmul and attention (netir/ir/ops/attention.py): each reads its
inputs in their logical order and writes its output back to Keras' order
(:func:`netir.emitters.keras3.node_layers.in_keras_order`)."""

from __future__ import annotations

from netir.emitters.keras3 import attention_layers as A
from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import in_keras_order, logical_inputs
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.ops.attention import attention_scale


def matmul(plan, inputs):
    xs = logical_inputs(plan, inputs)
    return in_keras_order(plan, lambda name: L.OpsCall("matmul", name=name), xs)


def scaled_dot_product_attention(plan, inputs):
    xs = logical_inputs(plan, inputs)
    scale = attention_scale(plan.attrs, plan.inputs[0][-1])
    return in_keras_order(plan, lambda name: A.DotProductAttention(scale, name=name), xs)


def multi_head_attention(plan, inputs):
    """Keras' ``MultiHeadAttention`` on the plan's query, key and value, its per-head
    kernels read from torch's packed weights
    (:class:`netir.emitters.keras3.attention_layers.MultiHeadAttention`)."""
    d, heads = plan.output[-1], plan.attrs["num_heads"]
    layer = A.MultiHeadAttention(heads, d // heads, use_bias=plan.attrs["bias"], name=_n(plan))
    value_of = dict(zip(plan.node.inputs, inputs))
    query, key, value = (value_of[name] for name in plan.operands)
    return layer(query, value, key=key)


LOWERINGS = {"matmul": matmul, "scaled_dot_product_attention": scaled_dot_product_attention,
             "multi_head_attention": multi_head_attention}
