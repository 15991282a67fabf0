"""Keras lowerings of the reductions (netir/ir/ops/reduce.py): one ``keras.ops`` call
over the reduced axes in Keras' order."""

from __future__ import annotations

from netir.emitters.keras3.layouts import keras_axis
from netir.emitters.keras3.node_layers import ops_call


def reduction(function: str):
    def lower(node, graph, inputs):
        layout = graph.input_shapes(node)[0].layout
        rank = len(layout)
        axes = tuple(sorted(keras_axis(a, layout) % (rank + 1) for a in node.attrs["axes"]))
        return ops_call(node, inputs, function, axis=axes, keepdims=node.attrs["keepdims"])

    return lower


LOWERINGS = {"mean": reduction("mean"), "sum": reduction("sum"), "max": reduction("max")}
