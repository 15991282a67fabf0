"""Keras lowerings of the reductions (netir/ir/ops/reduce.py): one ``keras.ops`` call
over the reduced axes in Keras' order."""

from __future__ import annotations

from netir.emitters.keras3.layouts import keras_batch_axis
from netir.emitters.keras3.node_layers import ops_call


def reduction(function: str):
    def lower(plan, inputs):
        layout, rank = plan.inputs[0].layout, len(plan.inputs[0]) + 1
        axes = tuple(sorted(keras_batch_axis(a, layout) % rank for a in plan.axes["axes"]))
        return ops_call(plan, inputs, function, axis=axes, keepdims=plan.attrs["keepdims"])

    return lower


LOWERINGS = {"mean": reduction("mean"), "sum": reduction("sum"), "max": reduction("max")}
