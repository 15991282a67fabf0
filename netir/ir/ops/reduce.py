"""Reductions over logical axes: mean, sum and max, with keepdims.

Axes are logical (batch excluded, numbered in the layout's order: 0 is C in ``CHW``, T
in ``TC``) and never empty: an empty reduction is refused (``torch.mean(x, dim=[])``
reduces every axis, NumPy's reduces none). With keepdims the layout is kept: reducing
(C, H, W) over H and W gives (C, 1, 1), squeeze-excitation's gate shape. Without it
the output keeps the letters of the axes left (see :func:`reduced_layout`).
"""

from __future__ import annotations

from netir.ir.attrs import Attr, axes_type, boolean
from netir.ir.errors import ShapeError
from netir.ir.layout import ANY_RANK, FEATURES, TOKENS, default_layout
from netir.ir.registry import OpSpec


def reduced_layout(layout: str, axes: tuple[int, ...]) -> str:
    """The layout of ``layout`` reduced over ``axes`` without keepdims: the letters left
    when they still hold the features (``CDHW`` less D is ``CHW``, ``TC`` less T is
    ``C``); one axis left without them is a plain vector ``C`` (a (C, H, W) map summed
    over C and H is a (W,) vector). Any other result has no layout: ShapeError."""
    left = "".join(a for i, a in enumerate(layout) if i not in axes)
    if left == "TC" or (left[:1] == "C" and len(left) <= 4):
        return TOKENS if left == "TC" else default_layout(len(left))
    if len(left) == 1:
        return FEATURES
    raise ShapeError(f"the result would have rank {len(left)} with axes {left or '()'} of "
                     f"{layout}, which no layout holds (keepdims=True keeps the rank)",
                     f"axes={axes}, layout {layout}")


def _reduce_shape(attrs, inputs):
    shape, axes = inputs[0], attrs["axes"]
    if axes[-1] >= len(shape):
        raise ShapeError("reduction axis out of range for the input",
                         f"axes={axes}, input {tuple(shape)}")
    if attrs["keepdims"]:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    reduced_layout(shape.layout, axes)
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _reduce_layout(attrs, inputs, output):
    layout = inputs[0].layout
    return layout if attrs["keepdims"] else reduced_layout(layout, attrs["axes"])


def _reduce_draw(draw, st, inputs):
    layout = inputs[0].layout
    rank = len(layout)
    subsets = [tuple(i for i in range(rank) if mask >> i & 1) for mask in range(1, 2 ** rank)]
    axes = draw(st.sampled_from(subsets))
    try:
        reduced_layout(layout, axes)
    except ShapeError:
        return {"axes": axes, "keepdims": True}
    return {"axes": axes, "keepdims": rank == 1 or draw(st.booleans())}


def _reduction(name: str, what: str) -> OpSpec:
    return OpSpec(
        name=name, category="pool", ranks=ANY_RANK, positional=("axes",),
        doc=f"The {what} over logical axes (batch excluded, in the layout's order).",
        attrs=(Attr("axes", axes_type, doc="logical axes, non-empty", axis="axis"),
               Attr("keepdims", boolean, False, "keep each reduced axis with size 1")),
        shape=_reduce_shape, layout=_reduce_layout, draw_attrs=_reduce_draw,
        overwritable=True,
        describe=lambda a: f"{name} {a['axes']}" + (" keepdims" if a["keepdims"] else ""))


MEAN = _reduction("mean", "mean")
SUM = _reduction("sum", "sum")
MAX = _reduction("max", "maximum")

OPS = (MEAN, SUM, MAX)
