"""Ops that join branches: element-wise add and concat along a logical axis."""

from __future__ import annotations

from netir.ir.attrs import Attr, optional_integer
from netir.ir.errors import ShapeError
from netir.ir.layout import ANY_RANK
from netir.ir.ops.elementwise import broadcast_all, same_layout
from netir.ir.registry import OpSpec


def _add_shape(attrs, inputs):
    return broadcast_all("add", inputs)


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


ADD = OpSpec(name="add", category="merge", arity=(2, None), shape=_add_shape,
             in_place=True, overwritable=True, ranks=ANY_RANK,
             doc="Element-wise sum (residual connections); inputs of one rank and layout "
                 "broadcast NumPy's way on the logical axes, as mul.")
CONCAT = OpSpec(
    name="concat", category="merge", arity=(2, None), shape=_concat_shape,
    overwritable=True, ranks=ANY_RANK, draw_attrs=_concat_draw,
    attrs=(Attr("axis", optional_integer(0), None,
                "logical axis (batch excluded); None: the feature axis of the layout"),),
    describe=lambda a: "concat" if a["axis"] is None else f"concat axis {a['axis']}",
    doc="Concatenate along a logical axis (default the features), in input order.")

OPS = (ADD, CONCAT)
