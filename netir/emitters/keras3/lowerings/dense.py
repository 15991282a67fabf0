"""Keras lowering of the fully connected layer (netir/ir/ops/dense.py)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.node_layers import node_layer_name as _n


def dense(plan, inputs):
    return layers.Dense(plan.attrs["units"], use_bias=plan.attrs["bias"], name=_n(plan))(
        inputs[0])


LOWERINGS = {"dense": dense}
