"""Keras lowerings of the learned tensors (netir/ir/ops/learned.py)."""

from __future__ import annotations

from netir.emitters.keras3 import attention_layers as A
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.layout import features_last


def parameter(plan, inputs):
    order = features_last(plan.output.layout)
    return A.Parameter((1, *plan.output), tuple(order), name=_n(plan))(inputs[0])


def layer_scale(plan, inputs):
    return A.LayerScale(plan.params["weight"], name=_n(plan))(inputs[0])


LOWERINGS = {"parameter": parameter, "layer_scale": layer_scale}
