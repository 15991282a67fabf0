"""Keras lowerings of the shape, learned-tensor and attention ops
(netir/ir/ops/shape.py, learned.py, attention.py).

Keras holds every tensor features last (:mod:`netir.emitters.keras3.layouts`). An op
whose meaning is tied to the logical order (reshape, matmul, attention) reads its
inputs in that order and writes its output back to Keras' order, each through an exact
``Permute`` that is left out where the two orders agree (tokens, features); a permute
or transpose is one ``Permute`` of the physical axes, or none.
"""

from __future__ import annotations

from keras import layers

from netir.emitters.backend import Lowerings
from netir.emitters.keras3 import attention_layers as A
from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call, to_logical_order
from netir.ir.layout import features_last
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.shape import dims_of

LOWERINGS = Lowerings("keras")  # merged into netir.emitters.keras3.lowerings
_lower = LOWERINGS.register


def _logical_inputs(node, graph, inputs):
    """Each input in its logical order (a Permute only where Keras' order differs)."""
    return [to_logical_order(x, graph[name].layout, helper_name(_n(node), f"in{i}"))
            for i, (x, name) in enumerate(zip(inputs, node.inputs))]


def _in_keras_order(node, make, x):
    """``make(name)`` applied to ``x`` (logical order), then the result moved to Keras'
    order; the layer that ends in the node's output carries the node's name."""
    order = features_last(node.layout)
    if order == tuple(range(len(order))):
        return make(_n(node))(x)
    y = make(helper_name(_n(node), "logical"))(x)
    return layers.Permute(tuple(i + 1 for i in order), name=_n(node))(y)


@_lower("reshape")
def _reshape(node, graph, inputs):
    """Row-major in the logical order: permute there, reshape, permute to Keras' order."""
    (x,) = _logical_inputs(node, graph, inputs)
    return _in_keras_order(node, lambda name: layers.Reshape(node.shape, name=name), x)


def keras_permutation(node, graph) -> tuple[int, ...]:
    """The node's logical permutation as one on Keras' axes (batch excluded): output
    Keras axis k reads input Keras axis ``result[k]``."""
    source = features_last(graph[node.inputs[0]].layout)
    dims = dims_of(node.attrs, len(node.shape))
    return tuple(source.index(dims[o]) for o in features_last(node.layout))


def _permute(node, graph, inputs):
    perm = keras_permutation(node, graph)
    if perm == tuple(range(len(perm))):  # tokens to a sequence: the same Keras order
        return layers.Identity(name=_n(node))(inputs[0])
    return layers.Permute(tuple(p + 1 for p in perm), name=_n(node))(inputs[0])


_lower("permute")(_permute)
_lower("transpose")(_permute)


@_lower("select")
def _select(node, graph, inputs):
    """``keras.ops.take`` with one index drops the axis; the axes left are already in
    the output's Keras order (as for a reduction)."""
    layout = graph[node.inputs[0]].layout
    axis, size = node.attrs["axis"], graph[node.inputs[0]].shape[node.attrs["axis"]]
    physical = features_last(layout).index(axis) + 1
    return ops_call(node, inputs, "take", indices=node.attrs["index"] % size, axis=physical)


@_lower("parameter")
def _parameter(node, graph, inputs):
    order = features_last(node.layout)
    return A.Parameter((1, *node.shape), tuple(order), name=_n(node))(inputs[0])


@_lower("layer_scale")
def _layer_scale(node, graph, inputs):
    return A.LayerScale(graph.param_shapes(node)[0]["weight"], name=_n(node))(inputs[0])


@_lower("matmul")
def _matmul(node, graph, inputs):
    xs = _logical_inputs(node, graph, inputs)
    return _in_keras_order(node, lambda name: L.OpsCall("matmul", name=name), xs)


@_lower("scaled_dot_product_attention")
def _attention(node, graph, inputs):
    xs = _logical_inputs(node, graph, inputs)
    scale = attention_scale(node.attrs, graph[node.inputs[0]].shape[-1])
    return _in_keras_order(node, lambda name: A.DotProductAttention(scale, name=name), xs)


@_lower("multi_head_attention")
def _multi_head_attention(node, graph, inputs):
    """Keras' ``MultiHeadAttention``, its per-head kernels read from torch's packed
    weights (:class:`netir.emitters.keras3.layers.MultiHeadAttention`)."""
    d, heads = node.shape[-1], node.attrs["num_heads"]
    layer = A.MultiHeadAttention(heads, d // heads, use_bias=node.attrs["bias"], name=_n(node))
    query = inputs[0]
    key = inputs[1] if len(inputs) > 1 else query
    value = inputs[2] if len(inputs) > 2 else key
    return layer(query, value, key=key)

