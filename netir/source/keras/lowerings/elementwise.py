"""The Keras source of the elementwise ops (``netir/ir/ops/elementwise.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.common import Code
from netir.source.keras.lowerings.base import build, keras_lambda, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


@_lower("add")
def _add(node, graph):
    if len(set(graph.input_shapes(node))) == 1:
        return one(build("layers.Add"))
    return one(build("BroadcastAdd"), ("BroadcastAdd",))


def _arithmetic(function: str):
    def lower(node, graph):
        if len(node.inputs) > 1:
            return one(build("layers.Lambda", ("function", build(f"lambda t: {function}",
                                                                 ("t", Code("*t"))))))
        return one(keras_lambda(function, ("scalar", node.attrs["scalar"])))

    return lower


for _op, _function in (("mul", "ops.multiply"), ("sub", "ops.subtract"),
                       ("div", "ops.divide"), ("maximum", "ops.maximum"),
                       ("minimum", "ops.minimum")):
    _lower(_op)(_arithmetic(_function))
