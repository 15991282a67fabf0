"""Keras lowerings of dropout and stochastic depth (netir/ir/ops/regularization.py)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import node_layer_name as _n


def dropout(plan, inputs):
    return layers.Dropout(plan.attrs["rate"], name=_n(plan))(inputs[0])


def stochastic_depth(plan, inputs):
    return L.StochasticDepth(plan.attrs["p"], plan.attrs["mode"], name=_n(plan))(inputs[0])


LOWERINGS = {"dropout": dropout, "stochastic_depth": stochastic_depth}
