"""Fully connected layers."""

from __future__ import annotations

from math import prod

from netir.ir.attrs import Attr, boolean, integer
from netir.ir.layout import ANY_RANK
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites, scale_output_channels

_DENSE_PARAMS = (
    Param("weight", WEIGHT, "OI", he_normal(fan_in_axes=(1,)),
          lambda a, i: (a["units"], i[0].features), doc="(out, in)"),
    Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["units"],),
          present=lambda a: a["bias"], doc="per output feature, when bias=True"),
)


def _dense_shape(attrs, inputs):
    """The input with its feature axis resized to ``units``; the layout is kept."""
    x = inputs[0]
    return tuple(attrs["units"] if i == x.feature_axis else n for i, n in enumerate(x))


DENSE = OpSpec(
    name="dense", category="dense", depth_layer=True, ranks=ANY_RANK, positional=("units",),
    doc="y = x W^T + b on the feature axis of every position (features (C,); tokens; "
        "ConvNeXt's per-position Linear on a map); weight (out, in).",
    attrs=(Attr("units", integer(1), doc="output features"),
           Attr("bias", boolean, True, "add a learned bias")),
    shape=_dense_shape, parameters=_DENSE_PARAMS, overwritable=True,
    describe=lambda a: f"dense {a['units']}",
    draw_attrs=lambda draw, st, inputs: {"units": draw(st.integers(1, 12)),
                                         "bias": draw(st.booleans())},
    macs=lambda attrs, inputs, output: prod(output) * inputs[0].features,
    rewrites=Rewrites(absorb_channel_affine=scale_output_channels),
)

OPS = (DENSE,)
