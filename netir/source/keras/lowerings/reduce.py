"""The Keras source of the reduce ops (``netir/ir/ops/reduce.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import input_of, keras_axis, keras_lambda, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


def _reduce(function: str):
    def lower(node, graph):
        layout = input_of(graph, node).layout
        rank = len(layout)
        axes = tuple(sorted(keras_axis(a, layout) % (rank + 1) for a in node.attrs["axes"]))
        return one(keras_lambda(function, axis=axes, keepdims=node.attrs["keepdims"]))

    return lower


for _op, _function in (("mean", "ops.mean"), ("sum", "ops.sum"), ("max", "ops.max")):
    _lower(_op)(_reduce(_function))
