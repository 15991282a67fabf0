"""Keras lowering of the graph input (netir/ir/ops/io.py)."""

from __future__ import annotations

import keras

from netir.emitters.keras3.layouts import keras_shape
from netir.emitters.keras3.node_layers import node_layer_name as _n


def input_(node, graph, inputs):
    return keras.Input(shape=keras_shape(node.shape, node.layout), name=_n(node))


LOWERINGS = {"input": input_}
