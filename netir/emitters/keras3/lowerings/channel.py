"""Keras lowerings of the channel ops (netir/ir/ops/channel.py); features are last in
every Keras tensor."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.layouts import keras_axis
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call
from netir.ir.ops.channel import channel_shuffle_order, concat_axis, slice_indices


def concat(node, graph, inputs):
    axis = keras_axis(concat_axis(node.attrs, node.layout), node.layout)
    return layers.Concatenate(axis=axis, name=_n(node))(list(inputs))


def channel_shuffle(node, graph, inputs):
    """A gather of the channels (last axis) in the shuffled order."""
    order = channel_shuffle_order(node.shape[0], node.attrs["groups"])
    return ops_call(node, inputs, "take", indices=order, axis=-1)


def slice_(node, graph, inputs):
    a, shape = node.attrs, graph.input_shapes(node)[0]
    kept = list(slice_indices(a, shape[a["axis"]]))
    return ops_call(node, inputs, "take", indices=kept,
                    axis=keras_axis(a["axis"], shape.layout))


LOWERINGS = {"concat": concat, "channel_shuffle": channel_shuffle, "slice": slice_}
