"""Ops along one axis (netir/ir/ops/channel.py): Concat, the ONNX backend's channel
shuffle (a Gather of the channels in the shuffled order), Slice of one axis."""

from __future__ import annotations

from netir.importers.onnx.common import feature_or_axis, int_list, logical_axis
from netir.importers.onnx.units import Fold
from netir.importers.onnx.walk import NoMatch, Unsupported
from netir.ir.layout import feature_axis
from netir.ir.ops.channel import channel_shuffle_order


def _concat(ctx, unit):
    xs = [ctx.x(t) for t in unit.head.input]
    axis = feature_or_axis(xs[0], unit.attr("axis"))
    return xs[0] if len(xs) == 1 else ctx.add("concat", xs, {"axis": axis})


def _shuffle(ctx, unit):
    """A Gather along the channels whose order is the IR's shuffle for some groups."""
    node = unit.head
    if not ctx.is_const(node.input[1]) or node.input[0] not in ctx.values:
        raise NoMatch("")
    x, order = ctx.x(node.input[0]), ctx.const(node.input[1])
    if unit.attr("axis", 0) != 1 or order.ndim != 1 or feature_axis(x.layout) != 0:
        raise NoMatch("")
    c = x.shape[0]
    for groups in range(2, c + 1):
        if c % groups == 0 and list(order) == list(channel_shuffle_order(c, groups)):
            return ctx.add("channel_shuffle", [x], {"groups": groups})
    raise NoMatch("a Gather of several indices (the IR's select takes one)")


def _shuffle_reshapes(ctx, unit):
    """(N, g, C/g, H, W), groups and channels swapped, back to (N, C, H, W): the IR's
    channel shuffle by g."""
    split, swap = unit.steps["split"], unit.steps["swap"]
    x = ctx.x(split.input[0])
    target = int_list(ctx.const(split.input[1]))
    back = int_list(ctx.const(unit.head.input[1]))
    perm = list(unit.attr("perm", [], swap))
    if len(x.shape) != 3 or len(target) != 5 or perm != [0, 2, 1, 3, 4] or \
            target[3:] not in ([0, 0], list(x.shape[1:])) or \
            target[1] * target[2] != x.shape[0] or back[1:] not in (
                [x.shape[0], *x.shape[1:]], [-1, *x.shape[1:]]):
        raise Unsupported("Reshape, Transpose, Reshape that is not a channel shuffle")
    return ctx.add("channel_shuffle", [x], {"groups": int(target[1])})


def _slice(ctx, unit):
    node = unit.head
    x = ctx.x(node.input[0])
    if ctx.opset < 10:
        starts, ends = unit.attr("starts"), unit.attr("ends")
        axes, steps = unit.attr("axes", list(range(len(starts)))), [1] * len(starts)
    else:
        starts, ends = (int_list(ctx.const(t)) for t in node.input[1:3])
        axes = int_list(ctx.const(ctx.input(3))) if ctx.input(3) else list(range(len(starts)))
        steps = int_list(ctx.const(ctx.input(4))) if ctx.input(4) else [1] * len(starts)
    if len(axes) != 1:
        raise Unsupported("a Slice of several axes (the IR's slice takes one)")
    axis = logical_axis(x, axes[0])
    n = x.shape[axis]
    kept = range(n)[slice(starts[0], ends[0], steps[0])]
    if steps[0] < 0 or not len(kept):
        raise Unsupported(f"a Slice with step {steps[0]} or nothing kept")
    stop = None if kept.stop >= n else int(kept.stop)
    return ctx.add("slice", [x], {"axis": axis, "start": int(kept.start), "stop": stop,
                                  "step": int(steps[0])})


def _split(ctx, unit):
    raise Unsupported("Split (several outputs; the IR's slice gives one)")


#: Reshape (N, g, C/g, H, W), Transpose, Reshape back: channel shuffle
FOLDS = [Fold("Reshape", (("Transpose", "swap"), ("Reshape", "split")))]


def entries(entry):
    return [entry("Concat", _concat), entry("Gather", _shuffle),
            entry("Gather", _shuffle, steps=("order",)),
            entry("Slice", _slice), entry("Slice", _slice, steps=("starts", "ends", "axes",
                                                                  "steps")),
            entry("Split", _split), entry("Reshape", _shuffle_reshapes,
                                          steps=("split", "swap"))]
