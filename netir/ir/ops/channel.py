"""Joining and splitting along a logical axis: concat, channel shuffle and slicing
(ShuffleNetV2's split and shuffle)."""

from __future__ import annotations

from netir.ir.attrs import Attr, integer, optional_integer
from netir.ir.errors import ShapeError
from netir.ir.layout import ANY_RANK, MAP, SEQUENCE, VOLUME
from netir.ir.ops.elementwise import same_layout
from netir.ir.registry import OpSpec


def channel_shuffle_order(channels: int, groups: int) -> list[int]:
    """Output channel i reads input channel ``order[i]``: torchvision's
    ``x.view(n, groups, c // groups, h, w).transpose(1, 2).reshape(n, c, h, w)``."""
    per = channels // groups
    return [g * per + k for k in range(per) for g in range(groups)]


def _shuffle_shape(attrs, inputs):
    if inputs[0][0] % attrs["groups"]:
        raise ShapeError("channel_shuffle groups must divide the channels",
                         f"groups={attrs['groups']}, channels={inputs[0][0]}")
    return inputs[0]


def concat_axis(attrs, layout: str) -> int:
    """The logical axis a concat joins: its ``axis``, or the feature axis when None."""
    return layout.index("C") if attrs["axis"] is None else attrs["axis"]


def _concat_shape(attrs, inputs):
    same_layout("concat", inputs)
    axis, first = concat_axis(attrs, inputs[0].layout), inputs[0]
    if axis >= len(first):
        raise ShapeError("concat axis out of range for the inputs",
                         f"axis={axis}, inputs {tuple(first)} {first.layout}")
    rest = [s[:axis] + s[axis + 1:] for s in inputs]
    if any(len(s) != len(first) or r != rest[0] for s, r in zip(inputs, rest)):
        raise ShapeError(f"concat along axis {axis} needs inputs of one rank and the same "
                         "size on every other axis", ", ".join(str(tuple(s)) for s in inputs))
    return (*first[:axis], sum(s[axis] for s in inputs), *first[axis + 1:])


def _concat_draw(draw, st, inputs):
    rank = len(inputs[0])
    return {"axis": draw(st.sampled_from([None, None, *range(rank)]))}


CONCAT = OpSpec(
    name="concat", category="merge", arity=(2, None), shape=_concat_shape,
    overwritable=True, ranks=ANY_RANK, draw_attrs=_concat_draw,
    attrs=(Attr("axis", optional_integer(0), None,
                "logical axis (batch excluded); None: the feature axis of the layout",
                axis="axis"),),
    describe=lambda a: "concat" if a["axis"] is None else f"concat axis {a['axis']}",
    doc="Concatenate along a logical axis (default the features), in input order.")


CHANNEL_SHUFFLE = OpSpec(
    name="channel_shuffle", category="reshape", ranks=(2, 3, 4),
    layouts=(SEQUENCE, MAP, VOLUME), positional=("groups",),
    doc="Interleave channel groups: (g, C/g) channels read as (C/g, g) "
        "(torchvision ShuffleNetV2's channel_shuffle).",
    attrs=(Attr("groups", integer(1), doc="groups; must divide the channels"),),
    shape=_shuffle_shape, describe=lambda a: f"channel shuffle {a['groups']}",
    draw_attrs=lambda draw, st, inputs: {"groups": draw(st.sampled_from(
        [d for d in range(1, inputs[0][0] + 1) if inputs[0][0] % d == 0]))},
)


def slice_indices(attrs, size: int) -> range:
    """The positions a slice keeps along its axis of length ``size`` (Python's rule,
    ``stop`` clipped to the size)."""
    stop = size if attrs["stop"] is None else min(attrs["stop"], size)
    return range(attrs["start"], stop, attrs["step"])


def _slice_shape(attrs, inputs):
    shape, axis = inputs[0], attrs["axis"]
    if axis >= len(shape):
        raise ShapeError("slice axis out of range for the input", f"axis={axis}, input {shape}")
    kept = len(slice_indices(attrs, shape[axis]))
    if kept == 0:
        raise ShapeError("slice keeps nothing", f"start={attrs['start']}, stop="
                         f"{attrs['stop']}, step={attrs['step']}, axis {axis} of {shape}")
    return (*shape[:axis], kept, *shape[axis + 1:])


def _slice_draw(draw, st, inputs):
    shape = inputs[0]
    axis = draw(st.integers(0, len(shape) - 1))
    start = draw(st.integers(0, shape[axis] - 1))
    stop = draw(st.sampled_from([None, start + 1, shape[axis] + 2]))
    return {"axis": axis, "start": start, "stop": stop, "step": draw(st.sampled_from([1, 2]))}


def _slice_describe(a) -> str:
    stop = "" if a["stop"] is None else a["stop"]
    step = "" if a["step"] == 1 else f":{a['step']}"
    return f"slice axis {a['axis']} [{a['start']}:{stop}{step}]"


SLICE = OpSpec(
    name="slice", category="reshape", ranks=ANY_RANK,
    positional=("axis", "start", "stop", "step"),
    doc="x[start:stop:step] along one logical axis (in the layout's order: 0 is C in "
        "CHW, T in TC); ShuffleNetV2's x.chunk(2, dim=1) is two slices of the channels.",
    attrs=(Attr("axis", integer(0), 0, "logical axis, batch excluded", axis="axis"),
           Attr("start", integer(0), 0, "first position kept"),
           Attr("stop", optional_integer(0), None, "end (exclusive, clipped); None: the end"),
           Attr("step", integer(1), 1, "stride between kept positions")),
    shape=_slice_shape, draw_attrs=_slice_draw, describe=_slice_describe,
)

OPS = (CONCAT, CHANNEL_SHUFFLE, SLICE)
