"""Reductions over logical axes: mean, sum and max, with keepdims; global max pool.

Axes are logical (0 = channels, batch excluded) and never empty: an empty reduction is
refused (``torch.mean(x, dim=[])`` reduces every axis, NumPy's reduces none). The output
must be a tensor netir holds: reducing (C, H, W) over H and W gives (C,), with keepdims
(C, 1, 1), squeeze-excitation's gate shape.
"""

from __future__ import annotations

from netir.ir.attrs import Attr, axes_type, boolean
from netir.ir.errors import ShapeError
from netir.ir.ops.elementwise import TENSOR_RANKS
from netir.ir.registry import OpSpec


def _reduce_shape(attrs, inputs):
    shape, axes = inputs[0], attrs["axes"]
    if axes[-1] >= len(shape):
        raise ShapeError("reduction axis out of range for the input",
                         f"axes={axes}, input {shape}")
    if attrs["keepdims"]:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    out = tuple(n for i, n in enumerate(shape) if i not in axes)
    if len(out) not in TENSOR_RANKS:
        raise ShapeError(f"the result would have rank {len(out)}; netir holds ranks "
                         f"{TENSOR_RANKS} (keepdims=True keeps the rank)",
                         f"axes={axes}, input {shape}")
    return out


def _reduce_draw(draw, st, inputs):
    rank = len(inputs[0])
    keep = rank == 1 or draw(st.booleans())
    if not keep:  # rank 3 down to rank 1
        return {"axes": draw(st.sampled_from([(1, 2), (0, 1), (0, 2)])), "keepdims": False}
    subsets = [(0,)] if rank == 1 else [(1, 2), (0,), (2,), (0, 1, 2), (0, 2)]
    return {"axes": draw(st.sampled_from(subsets)), "keepdims": True}


def _reduction(name: str, what: str) -> OpSpec:
    return OpSpec(
        name=name, category="pool", ranks=TENSOR_RANKS, positional=("axes",),
        doc=f"The {what} over logical axes (0 = channels, batch excluded).",
        attrs=(Attr("axes", axes_type, doc="logical axes, non-empty"),
               Attr("keepdims", boolean, False, "keep each reduced axis with size 1")),
        shape=_reduce_shape, draw_attrs=_reduce_draw, overwritable=True,
        describe=lambda a: f"{name} {a['axes']}" + (" keepdims" if a["keepdims"] else ""))


MEAN = _reduction("mean", "mean")
SUM = _reduction("sum", "sum")
MAX = _reduction("max", "maximum")

GLOBAL_MAX_POOL = OpSpec(
    name="global_max_pool", category="pool", ranks=(3,),
    doc="Max over H and W: (C, H, W) -> (C,).",
    shape=lambda attrs, inputs: (inputs[0][0],), describe=lambda a: "global max pool",
    overwritable=True,
)

OPS = (MEAN, SUM, MAX, GLOBAL_MAX_POOL)
