"""ONNX lowerings of the ops along one axis (netir/ir/ops/channel.py): concat, channel
shuffle, slice."""

from __future__ import annotations

from netir.emitters.onnx.axes import attr_axis
from netir.emitters.onnx.protos import ints, op
from netir.ir.ops.channel import channel_shuffle_order, slice_indices


def concat(plan, inputs):
    return [op("Concat", inputs, plan.name, axis=attr_axis(plan, "axis"))]


def channel_shuffle(plan, inputs):
    """A ``Gather`` of the channels in the shuffled order."""
    order = ints(f"{plan.name}/order", channel_shuffle_order(plan.output[0],
                                                              plan.attrs["groups"]))
    return [order, op("Gather", [inputs[0], order.name], plan.name, axis=1)]


def slice_(plan, inputs):
    a = plan.attrs
    kept = slice_indices(a, plan.inputs[0][a["axis"]])
    names = [f"{plan.name}/{k}" for k in ("starts", "ends", "axes", "steps")]
    values = [[kept.start], [kept.stop], [attr_axis(plan, "axis")], [kept.step]]
    return [*(ints(n, v) for n, v in zip(names, values)),
            op("Slice", [inputs[0], *names], plan.name)]


LOWERINGS = {"concat": concat, "channel_shuffle": channel_shuffle, "slice": slice_}
