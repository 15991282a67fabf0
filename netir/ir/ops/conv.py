"""Convolution and explicit zero padding."""

from __future__ import annotations

from netir.ir import arithmetic
from netir.ir.attrs import Attr, boolean, integer, padding, pair
from netir.ir.errors import ShapeError
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites, add_padding, scale_output_channels
from netir.ir.summary import format_shape as _fmt


def resolve_padding(attrs, in_hw, kernel, stride, dilation=(1, 1)):
    """Turn 'same'/'valid' into explicit ((top, bottom), (left, right)) pairs."""
    p = attrs["padding"]
    if p == "valid":
        return ((0, 0), (0, 0))
    if p == "same":
        return tuple(arithmetic.same_padding(in_hw[i], kernel[i], stride[i], dilation[i])
                     for i in range(2))
    return p


def window_shape(in_shape, kernel, stride, pad, dilation=(1, 1), ceil_mode=False):
    """Output (H, W) of a sliding window; ShapeError when it does not fit."""
    _, h, w = in_shape
    out = tuple(arithmetic.window_output_size((h, w)[i], kernel[i], stride[i], pad[i],
                                              dilation[i], ceil_mode) for i in range(2))
    if min(out) < 1:
        eff = tuple((kernel[i] - 1) * dilation[i] + 1 for i in range(2))
        padded = (h + pad[0][0] + pad[0][1], w + pad[1][0] + pad[1][1])
        raise ShapeError(f"kernel {_fmt(eff)} is larger than the padded input "
                         f"{_fmt(padded)}",
                         f"input {_fmt(in_shape)}, kernel {_fmt(kernel)}, padding {pad}, "
                         f"dilation {_fmt(dilation)}")
    return out


def _conv_resolve(attrs, inputs):
    hw = inputs[0][1:]
    return {**attrs, "padding": resolve_padding(attrs, hw, attrs["kernel"], attrs["stride"],
                                                attrs["dilation"])}


def _conv_shape(attrs, inputs):
    (c, h, w) = inputs[0]
    g = attrs["groups"]
    if c % g or attrs["out_channels"] % g:
        raise ShapeError("groups must divide both the input and output channels",
                         f"groups={g}, in_channels={c}, out_channels={attrs['out_channels']}")
    oh, ow = window_shape(inputs[0], attrs["kernel"], attrs["stride"], attrs["padding"],
                          attrs["dilation"])
    return (attrs["out_channels"], oh, ow)


def _conv_params(attrs, inputs):
    c = inputs[0][0]
    o = attrs["out_channels"]
    trainable = {"weight": (o, c // attrs["groups"], *attrs["kernel"])}
    if attrs["bias"]:
        trainable["bias"] = (o,)
    return trainable, {}


def _conv_macs(attrs, inputs, output):
    kh, kw = attrs["kernel"]
    return output[0] * output[1] * output[2] * (inputs[0][0] // attrs["groups"]) * kh * kw


def _hw(pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def describe_window(kind: str, attrs) -> str:
    """``conv 3×3 /2`` style text shared by conv and pooling labels."""
    k = attrs["kernel"]
    text = f"{kind} {k[0]}×{k[1]}"
    if attrs["stride"] and attrs["stride"] != (1, 1):
        text += f" /{_hw(attrs['stride'])}"
    return text


def _conv_describe(attrs) -> str:
    text = describe_window("conv", attrs) + f", {attrs['out_channels']}"
    if attrs["groups"] > 1:
        text += f", groups {attrs['groups']}"
    if attrs["dilation"] != (1, 1):
        text += f", dilation {_hw(attrs['dilation'])}"
    return text


CONV2D = OpSpec(
    name="conv2d", category="conv", ranks=(3,), positional=("out_channels", "kernel"),
    doc="2-D cross-correlation, weight OIHW (out, in/groups, kh, kw).",
    attrs=(
        Attr("out_channels", integer(1), doc="number of output channels"),
        Attr("kernel", pair(1), 3, "kernel size (kh, kw)"),
        Attr("stride", pair(1), 1, "stride (sh, sw)"),
        Attr("padding", padding, 0,
             "explicit ((top, bottom), (left, right)); 'same' resolves with TF's rule"),
        Attr("dilation", pair(1), 1, "dilation (dh, dw)"),
        Attr("groups", integer(1), 1, "channel groups; must divide in and out channels"),
        Attr("bias", boolean, True, "add a learned bias"),
    ),
    resolve=_conv_resolve, shape=_conv_shape, params=_conv_params, macs=_conv_macs,
    describe=_conv_describe,
    rewrites=Rewrites(
        absorb_channel_affine=scale_output_channels,
        absorb_zero_padding=lambda a, pad: {**a, "padding": add_padding(a["padding"], pad)}),
)


def _pad_resolve(attrs, inputs):
    if attrs["padding"] in ("same", "valid"):
        raise ShapeError("zero_pad2d takes explicit padding, not a mode",
                         repr(attrs["padding"]))
    return attrs


def _pad_shape(attrs, inputs):
    (c, h, w), ((top, bottom), (left, right)) = inputs[0], attrs["padding"]
    return (c, h + top + bottom, w + left + right)


ZERO_PAD2D = OpSpec(
    name="zero_pad2d", category="padding", ranks=(3,), positional=("padding",),
    doc="Pad H and W with zeros: ((top, bottom), (left, right)).",
    attrs=(Attr("padding", padding, doc="int, (h, w) or ((top, bottom), (left, right))"),),
    resolve=_pad_resolve, shape=_pad_shape, describe=lambda a: f"zero pad {a['padding']}",
    rewrites=Rewrites(identity=lambda a, inputs: not any(map(any, a["padding"])),
                      zero_padding=lambda a: a["padding"]),
)

OPS = (CONV2D, ZERO_PAD2D)
