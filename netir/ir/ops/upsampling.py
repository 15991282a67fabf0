"""Ops that grow a map: transposed convolution and resizing (nearest, bilinear)."""

from __future__ import annotations

from netir.ir.arithmetic import transposed_output_size
from netir.ir.attrs import Attr, boolean, choice, integer, optional_pair, pair
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.ops.conv import MAX_CHANNELS, describe_window
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec


def _transpose_resolve(attrs, inputs):
    for axis in range(2):
        op, s, d = (attrs[k][axis] for k in ("output_padding", "stride", "dilation"))
        if op >= max(s, d):
            raise AttributeValueError(
                "output_padding must be smaller than the stride or the dilation",
                f"output_padding={attrs['output_padding']}, stride={attrs['stride']}, "
                f"dilation={attrs['dilation']}")
    return attrs


def _transpose_shape(attrs, inputs):
    (c, h, w) = inputs[0]
    g = attrs["groups"]
    if c % g or attrs["out_channels"] % g:
        raise ShapeError("groups must divide both the input and output channels",
                         f"groups={g}, in_channels={c}, out_channels={attrs['out_channels']}")
    keys = ("kernel", "stride", "padding", "output_padding", "dilation")
    out = tuple(transposed_output_size(n, *(attrs[k][i] for k in keys))
                for i, n in enumerate((h, w)))
    if min(out) < 1:
        raise ShapeError("the padding removes the whole output",
                         f"input {h}×{w}, output {out[0]}×{out[1]}, padding {attrs['padding']}")
    return (attrs["out_channels"], *out)


def _transpose_macs(attrs, inputs, output):
    c, h, w = inputs[0]
    kh, kw = attrs["kernel"]
    return c * h * w * (attrs["out_channels"] // attrs["groups"]) * kh * kw


def _transpose_draw(draw, st, inputs):
    c = inputs[0][0]
    groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 3)))
    stride = draw(st.sampled_from([(1, 1), (2, 2), (2, 1), (3, 2)]))
    dilation = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (2, 2)]))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    return {"out_channels": groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups))),
            "kernel": kernel, "stride": stride, "dilation": dilation, "groups": groups,
            "padding": tuple(draw(st.integers(0, (k - 1) * d)) for k, d in zip(kernel, dilation)),
            "output_padding": output_padding, "bias": draw(st.booleans())}


def _transpose_describe(attrs) -> str:
    text = describe_window("conv transpose", attrs).replace(" /", " ×") + \
        f", {attrs['out_channels']}"
    return text + (f", groups {attrs['groups']}" if attrs["groups"] > 1 else "")


CONV_TRANSPOSE2D = OpSpec(
    name="conv_transpose2d", category="conv", ranks=(3,), positional=("out_channels", "kernel"),
    doc="2-D transposed convolution (PyTorch's ConvTranspose2d), weight IOHW "
        "(in, out/groups, kh, kw); output (n−1)·s − 2p + d·(k−1) + output_padding + 1.",
    attrs=(
        Attr("out_channels", integer(1), doc="number of output channels"),
        Attr("kernel", pair(1), 3, "kernel size (kh, kw)"),
        Attr("stride", pair(1), 1, "stride (sh, sw): the upscaling factor"),
        Attr("padding", pair(0), 0, "(ph, pw) removed from both sides of the output"),
        Attr("output_padding", pair(0), 0,
             "(oh, ow) added after the output; below max(stride, dilation)"),
        Attr("dilation", pair(1), 1, "dilation (dh, dw)"),
        Attr("groups", integer(1), 1, "channel groups; must divide in and out channels"),
        Attr("bias", boolean, True, "add a learned bias"),
    ),
    resolve=_transpose_resolve, shape=_transpose_shape, macs=_transpose_macs,
    parameters=(
        Param("weight", WEIGHT, "IOHW", he_normal(fan_in_axes=(0, 2, 3)),
              lambda a, i: (i[0][0], a["out_channels"] // a["groups"], *a["kernel"]),
              doc="kernel (in, out / groups, kh, kw)"),
        Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["out_channels"],),
              present=lambda a: a["bias"], doc="per output channel, when bias=True"),
    ),
    describe=_transpose_describe, overwritable=True, draw_attrs=_transpose_draw,
)


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

OPS = (CONV_TRANSPOSE2D, UPSAMPLE)
