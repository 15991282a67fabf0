"""Keras lowerings of the shape ops (netir/ir/ops/shape.py).

Keras holds every tensor features last (:mod:`netir.emitters.keras3.layouts`). An op
whose meaning is tied to the logical order (reshape, flatten) reads its input in that
order, through an exact ``Permute`` that is left out where the two orders agree; a
permute or transpose is one ``Permute`` of the physical axes, or none.
"""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import (
    in_keras_order,
    logical_inputs,
    ops_call,
    to_logical_order,
)
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.layout import features_last
from netir.ir.ops.shape import dims_of


def reshape(node, graph, inputs):
    """Row-major in the logical order: permute there, reshape, permute to Keras' order."""
    (x,) = logical_inputs(node, graph, inputs)
    return in_keras_order(node, lambda name: layers.Reshape(node.shape, name=name), x)


def keras_permutation(node, graph) -> tuple[int, ...]:
    """The node's logical permutation as one on Keras' axes (batch excluded): output
    Keras axis k reads input Keras axis ``result[k]``."""
    source = features_last(graph[node.inputs[0]].layout)
    dims = dims_of(node.attrs, len(node.shape))
    return tuple(source.index(dims[o]) for o in features_last(node.layout))


def permute(node, graph, inputs):
    perm = keras_permutation(node, graph)
    if perm == tuple(range(len(perm))):  # tokens to a sequence: the same Keras order
        return layers.Identity(name=_n(node))(inputs[0])
    return layers.Permute(tuple(p + 1 for p in perm), name=_n(node))(inputs[0])


def select(node, graph, inputs):
    """``keras.ops.take`` with one index drops the axis; the axes left are already in
    the output's Keras order (as for a reduction)."""
    layout = graph[node.inputs[0]].layout
    axis, size = node.attrs["axis"], graph[node.inputs[0]].shape[node.attrs["axis"]]
    physical = features_last(layout).index(axis) + 1
    return ops_call(node, inputs, "take", indices=node.attrs["index"] % size, axis=physical)


def flatten(node, graph, inputs):
    """C, H, W order: a map flattens through a transpose back to channels first; other
    layouts through a Permute to their logical order where Keras' differs."""
    layout = graph[node.inputs[0]].layout
    if layout == "CHW":
        return L.ChannelsFirstFlatten(name=_n(node))(inputs[0])
    return layers.Flatten(name=_n(node))(to_logical_order(inputs[0], layout, _n(node)))


def to_tokens(node, graph, inputs):
    """(H, W, C) is already the token order, row-major over H then W: a reshape."""
    return layers.Reshape(node.shape, name=_n(node))(inputs[0])


def from_tokens(node, graph, inputs):
    c, h, w = node.shape
    return layers.Reshape((h, w, c), name=_n(node))(inputs[0])


LOWERINGS = {"reshape": reshape, "permute": permute, "transpose": permute, "select": select,
             "flatten": flatten, "to_tokens": to_tokens, "from_tokens": from_tokens}
