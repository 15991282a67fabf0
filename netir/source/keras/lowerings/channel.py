"""The Keras source of the channel ops (``netir/ir/ops/channel.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.ops.channel import concat_axis, slice_indices
from netir.source.keras.lowerings.base import build, input_of, keras_axis, keras_lambda, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


_lower("concat")(lambda node, graph: one(build("layers.Concatenate", axis=keras_axis(
    concat_axis(node.attrs, node.layout), node.layout))))


_lower("channel_shuffle")(lambda node, graph: one(build(
    "ChannelShuffle", ("groups", node.attrs["groups"])), ("ChannelShuffle",)))


@_lower("slice")
def _slice(node, graph):
    a, shape = node.attrs, input_of(graph, node)
    kept = slice_indices(a, shape[a["axis"]])
    indices = build("list", ("range", build("range", ("start", kept.start), ("stop", kept.stop),
                                            ("step", kept.step))))
    return one(keras_lambda("ops.take", ("indices", indices),
                            axis=keras_axis(a["axis"], shape.layout)))
