"""Resizing a map: nearest and bilinear upsampling."""

from __future__ import annotations

from netir.ir.attrs import Attr, boolean, choice, optional_pair
from netir.ir.errors import AttributeValueError
from netir.ir.registry import OpSpec


def _resize_resolve(attrs, inputs):
    if (attrs["scale_factor"] is None) == (attrs["size"] is None):
        raise AttributeValueError("give exactly one of scale_factor and size",
                                  f"scale_factor={attrs['scale_factor']}, size={attrs['size']}")
    if attrs["align_corners"] and attrs["mode"] == "nearest":
        raise AttributeValueError("align_corners applies to bilinear resizing only",
                                  f"mode={attrs['mode']!r}, align_corners=True")
    return attrs


def _resize_shape(attrs, inputs):
    c, h, w = inputs[0]
    if attrs["size"] is not None:
        return (c, *attrs["size"])
    sh, sw = attrs["scale_factor"]
    return (c, h * sh, w * sw)


def _resize_draw(draw, st, inputs):
    mode = draw(st.sampled_from(["nearest", "bilinear"]))
    attrs = {"mode": mode, "align_corners": mode == "bilinear" and draw(st.booleans())}
    if draw(st.booleans()):
        return {**attrs, "scale_factor": (draw(st.integers(1, 3)), draw(st.integers(1, 2)))}
    return {**attrs, "size": (draw(st.integers(1, 9)), draw(st.integers(1, 9)))}


def _resize_describe(attrs) -> str:
    by = (f"×{attrs['scale_factor'][0]}" if attrs["scale_factor"] is not None
          and len(set(attrs["scale_factor"])) == 1 else
          f"×{attrs['scale_factor']}" if attrs["scale_factor"] is not None
          else f"→ {attrs['size'][0]}×{attrs['size'][1]}")
    corners = ", align corners" if attrs["align_corners"] else ""
    return f"upsample {attrs['mode']} {by}{corners}"


UPSAMPLE = OpSpec(
    name="upsample", category="reshape", ranks=(3,), positional=("scale_factor",),
    doc="Resize H and W as torch.nn.functional.interpolate (no antialiasing): nearest "
        "(source ⌊dst·in/out⌋) or bilinear (half-pixel centres, or align_corners).",
    attrs=(
        Attr("scale_factor", optional_pair(1), None, "integer factor (sh, sw); or give size"),
        Attr("size", optional_pair(1), None, "output (H, W); or give scale_factor"),
        Attr("mode", choice("nearest", "bilinear"), "nearest", "interpolation"),
        Attr("align_corners", boolean, False,
             "bilinear: corner pixels of input and output coincide (else half-pixel centres)"),
    ),
    resolve=_resize_resolve, shape=_resize_shape, describe=_resize_describe,
    draw_attrs=_resize_draw, overwritable=True,
)

OPS = (UPSAMPLE,)
