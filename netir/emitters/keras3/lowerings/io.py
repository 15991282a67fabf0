"""Keras lowering of the graph input (netir/ir/ops/io.py)."""

from __future__ import annotations

import keras

from netir.emitters.keras3.layouts import keras_shape
from netir.emitters.keras3.node_layers import node_layer_name as _n


def input_(plan, inputs):
    return keras.Input(shape=keras_shape(plan.output, plan.output.layout), name=_n(plan))


LOWERINGS = {"input": input_}
