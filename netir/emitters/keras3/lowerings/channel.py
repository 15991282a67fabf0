"""Keras lowerings of the channel ops (netir/ir/ops/channel.py); features are last in
every Keras tensor."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.layouts import keras_batch_axis
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call
from netir.ir.ops.channel import channel_shuffle_order, slice_indices


def concat(plan, inputs):
    axis = keras_batch_axis(plan.axes["axis"], plan.output.layout)
    return layers.Concatenate(axis=axis, name=_n(plan))(list(inputs))


def channel_shuffle(plan, inputs):
    """A gather of the channels (last axis) in the shuffled order."""
    order = channel_shuffle_order(plan.output.features, plan.attrs["groups"])
    return ops_call(plan, inputs, "take", indices=order, axis=-1)


def slice_(plan, inputs):
    source = plan.inputs[0]
    kept = list(slice_indices(plan.attrs, source[plan.attrs["axis"]]))
    return ops_call(plan, inputs, "take", indices=kept,
                    axis=keras_batch_axis(plan.axes["axis"], source.layout))


LOWERINGS = {"concat": concat, "channel_shuffle": channel_shuffle, "slice": slice_}
