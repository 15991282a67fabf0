"""Keras lowering of the fully connected layer (netir/ir/ops/dense.py)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.node_layers import node_layer_name as _n


def dense(node, graph, inputs):
    return layers.Dense(node.attrs["units"], use_bias=node.attrs["bias"], name=_n(node))(
        inputs[0])


LOWERINGS = {"dense": dense}
