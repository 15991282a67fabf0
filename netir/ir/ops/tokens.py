"""Ops of the feature axis and token sequences: layer norm over the features at any
rank, and the moves between maps and tokens (``(C, H, W)`` <-> ``(H*W, C)``)."""

from __future__ import annotations

from netir.ir.attrs import Attr, integer, real
from netir.ir.errors import ShapeError
from netir.ir.layout import ANY_RANK, MAP, TOKENS
from netir.ir.params import BIAS, WEIGHT, Param, normal, uniform
from netir.ir.registry import OpSpec


def features(attrs, inputs):
    """Shape rule of a per-feature parameter: ``(C,)``, C the feature axis's size."""
    return (inputs[0].features,)


# A position whose features nearly agree (var ~ eps) amplifies float32 rounding by about
# 1 / (2 sqrt(eps)) in every framework: 160 at eps 1e-5, past the property tests' 1e-5.
# Random graphs draw larger eps; the per-op tests prove small ones on conditioned data.
_DRAWN_EPS = (1e-3, 1e-2, 0.1)

LAYER_NORM = OpSpec(
    name="layer_norm", category="norm", ranks=ANY_RANK,
    doc="(x - mean) / sqrt(var + eps) * weight + bias over the feature axis of every "
        "position (biased variance); eps is stated, PyTorch's default 1e-5 (Keras' 1e-3).",
    attrs=(Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),),
    parameters=(
        Param("weight", WEIGHT, "C", uniform(0.5, 1.5), features, doc="scale (gamma)"),
        Param("bias", BIAS, "C", normal(0.2), features, doc="shift (beta)"),
    ),
    describe=lambda a: "layer norm", overwritable=True,
    draw_attrs=lambda draw, st, inputs: {"eps": draw(st.sampled_from(_DRAWN_EPS))},
)


def _to_tokens_shape(attrs, inputs):
    c, h, w = inputs[0]
    return (h * w, c)


TO_TOKENS = OpSpec(
    name="to_tokens", category="reshape", ranks=(3,), layouts=(MAP,),
    doc="A map (C, H, W) as tokens (H*W, C), row-major over H then W (ViT's "
        "x.reshape(n, C, H*W).permute(0, 2, 1)).",
    shape=_to_tokens_shape, layout=lambda attrs, inputs, output: TOKENS,
    describe=lambda a: "to tokens",
)


def _from_tokens_shape(attrs, inputs):
    t, c = inputs[0]
    if attrs["height"] * attrs["width"] != t:
        raise ShapeError("height * width must equal the number of tokens",
                         f"height={attrs['height']}, width={attrs['width']}, tokens {t}")
    return (c, attrs["height"], attrs["width"])


def _from_tokens_draw(draw, st, inputs):
    t = inputs[0][0]
    height = draw(st.sampled_from([d for d in range(1, t + 1) if t % d == 0]))
    return {"height": height, "width": t // height}


FROM_TOKENS = OpSpec(
    name="from_tokens", category="reshape", ranks=(2,), layouts=(TOKENS,),
    positional=("height", "width"),
    doc="Tokens (H*W, C) as a map (C, H, W): the inverse of to_tokens.",
    attrs=(Attr("height", integer(1), doc="H of the map"),
           Attr("width", integer(1), doc="W of the map; height * width = tokens")),
    shape=_from_tokens_shape, layout=lambda attrs, inputs, output: MAP,
    draw_attrs=_from_tokens_draw,
    describe=lambda a: f"from tokens {a['height']}×{a['width']}",
)

OPS = (LAYER_NORM, TO_TOKENS, FROM_TOKENS)
