"""The Keras source of the shape ops (``netir/ir/ops/shape.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.layout import features_last
from netir.ir.ops.shape import dims_of
from netir.source.keras.lowerings.base import (
    Layers,
    Step,
    build,
    in_keras_order,
    keras_lambda,
    logical_inputs,
    one,
    to_logical,
)

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


@_lower("flatten")
def _flatten(node, graph):
    layout = graph[node.inputs[0]].layout
    if layout == "CHW":
        return one(build("ChannelsFirstFlatten"), ("ChannelsFirstFlatten",))
    return Layers((*to_logical(layout, "to_logical", None), Step(build("layers.Flatten"))))


_lower("to_tokens")(lambda node, graph: one(build("layers.Reshape",
                                                  ("target_shape", tuple(node.shape)))))


_lower("from_tokens")(lambda node, graph: one(build(
    "layers.Reshape", ("target_shape", (node.shape[1], node.shape[2], node.shape[0])))))


@_lower("reshape")
def _reshape(node, graph):
    steps, call = logical_inputs(node, graph)
    return Layers((*steps, *in_keras_order(
        node, build("layers.Reshape", ("target_shape", tuple(node.shape))), call)))


def _permute(node, graph):
    source = features_last(graph[node.inputs[0]].layout)
    dims = dims_of(node.attrs, len(node.shape))
    perm = tuple(source.index(dims[o]) for o in features_last(node.layout))
    if perm == tuple(range(len(perm))):
        return one(build("layers.Identity"))
    return one(build("layers.Permute", ("dims", tuple(p + 1 for p in perm))))


_lower("permute")(_permute)


_lower("transpose")(_permute)


@_lower("select")
def _select(node, graph):
    layout, shape = graph[node.inputs[0]].layout, graph[node.inputs[0]].shape
    axis = node.attrs["axis"]
    physical = features_last(layout).index(axis) + 1
    return one(keras_lambda("ops.take", ("index", node.attrs["index"] % shape[axis]),
                            axis=physical))
