"""Convolutions (1-D, 2-D, transposed 2-D) and explicit zero padding."""

from __future__ import annotations

from netir.ir.arithmetic import (
    resolve_padding,
    same_padding,
    transposed_output_size,
    window_output_size,
    window_shape,
)
from netir.ir.attrs import Attr, boolean, integer, padding, padding1d, pair
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.layout import SEQUENCE
from netir.ir.ops.window import MAX_CHANNELS, describe_window, draw_padding, pair_text
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec
from netir.ir.rewrites import (
    Rewrites,
    add_padding,
    scale_output_channels,
    scale_transposed_output_channels,
)

__all__ = ["MAX_CHANNELS", "OPS", "describe_window", "draw_padding"]


def _conv1d_resolve(attrs, inputs):
    pad = attrs["padding"]
    if pad == "valid":
        pad = (0, 0)
    elif pad == "same":
        pad = same_padding(inputs[0][1], attrs["kernel"], attrs["stride"], attrs["dilation"])
    return {**attrs, "padding": pad}


def _conv1d_shape(attrs, inputs):
    c, length = inputs[0]
    g = attrs["groups"]
    if c % g or attrs["out_channels"] % g:
        raise ShapeError("groups must divide both the input and output channels",
                         f"groups={g}, in_channels={c}, out_channels={attrs['out_channels']}")
    k, d = attrs["kernel"], attrs["dilation"]
    n = window_output_size(length, k, attrs["stride"], attrs["padding"], d)
    if n < 1:
        raise ShapeError(f"kernel {(k - 1) * d + 1} is larger than the padded input "
                         f"{length + sum(attrs['padding'])}",
                         f"input {c}×{length}, kernel {k}, padding {attrs['padding']}, "
                         f"dilation {d}")
    return (attrs["out_channels"], n)


def _conv1d_draw(draw, st, inputs):
    c, length = inputs[0]
    groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    dilation = draw(st.sampled_from([1, 1, 2]))
    kernel = draw(st.integers(1, max(1, min(4, (length - 1) // dilation + 1))))
    kind = draw(st.sampled_from(["int", "pair", "same", "valid"]))
    pad = {"int": draw(st.integers(0, kernel)), "same": "same", "valid": "valid",
           "pair": (draw(st.integers(0, kernel)), draw(st.integers(0, kernel)))}[kind]
    return {"out_channels": groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups))),
            "kernel": kernel, "stride": draw(st.sampled_from([1, 1, 2, 3])),
            "dilation": dilation, "groups": groups, "padding": pad,
            "bias": draw(st.booleans())}


def _conv1d_describe(attrs) -> str:
    text = f"conv1d {attrs['kernel']}"
    text += f" /{attrs['stride']}" if attrs["stride"] != 1 else ""
    text += f", {attrs['out_channels']}"
    text += f", groups {attrs['groups']}" if attrs["groups"] > 1 else ""
    return text + (f", dilation {attrs['dilation']}" if attrs["dilation"] != 1 else "")


CONV1D = OpSpec(
    name="conv1d", category="conv", depth_layer=True, ranks=(2,), layouts=(SEQUENCE,),
    positional=("out_channels", "kernel"),
    doc="1-D cross-correlation over a sequence (C, L) -> (out, L'), weight OIL "
        "(out, in/groups, k); PyTorch's Conv1d.",
    attrs=(
        Attr("out_channels", integer(1), doc="number of output channels"),
        Attr("kernel", integer(1), 3, "kernel length"),
        Attr("stride", integer(1), 1, "stride"),
        Attr("padding", padding1d, 0,
             "explicit (left, right); 'same' resolves with TF's rule (odd cell after)"),
        Attr("dilation", integer(1), 1, "dilation"),
        Attr("groups", integer(1), 1, "channel groups; must divide in and out channels"),
        Attr("bias", boolean, True, "add a learned bias"),
    ),
    resolve=_conv1d_resolve, shape=_conv1d_shape,
    macs=lambda a, i, out: out[0] * out[1] * (i[0][0] // a["groups"]) * a["kernel"],
    parameters=(
        Param("weight", WEIGHT, "OIL", he_normal(fan_in_axes=(1, 2)),
              lambda a, i: (a["out_channels"], i[0][0] // a["groups"], a["kernel"]),
              doc="kernel (out, in / groups, k)"),
        Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["out_channels"],),
              present=lambda a: a["bias"], doc="per output channel, when bias=True"),
    ),
    describe=_conv1d_describe, overwritable=True, draw_attrs=_conv1d_draw,
    rewrites=Rewrites(absorb_channel_affine=scale_output_channels),
)


def _conv_resolve(attrs, inputs):
    hw = inputs[0][1:]
    return {**attrs, "padding": resolve_padding(attrs["padding"], hw, attrs["kernel"],
                                                attrs["stride"], attrs["dilation"])}


def _conv_shape(attrs, inputs):
    (c, h, w) = inputs[0]
    g = attrs["groups"]
    if c % g or attrs["out_channels"] % g:
        raise ShapeError("groups must divide both the input and output channels",
                         f"groups={g}, in_channels={c}, out_channels={attrs['out_channels']}")
    oh, ow = window_shape(inputs[0], attrs["kernel"], attrs["stride"], attrs["padding"],
                          attrs["dilation"])
    return (attrs["out_channels"], oh, ow)


_CONV_PARAMS = (
    Param("weight", WEIGHT, "OIHW", he_normal(fan_in_axes=(1, 2, 3)),
          lambda a, i: (a["out_channels"], i[0][0] // a["groups"], *a["kernel"]),
          doc="kernel (out, in / groups, kh, kw)"),
    Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["out_channels"],),
          present=lambda a: a["bias"], doc="per output channel, when bias=True"),
)


def _conv_draw(draw, st, inputs):
    c, h, w = inputs[0]
    groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    dilation = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (2, 2)]))
    kmax = [min(4, (s - 1) // d + 1) for s, d in zip((h, w), dilation)]
    kernel = (draw(st.integers(1, kmax[0])), draw(st.integers(1, kmax[1])))
    return {"out_channels": groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups))),
            "kernel": kernel, "dilation": dilation, "groups": groups,
            "stride": draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (3, 3)])),
            "padding": draw_padding(draw, st, kernel, below_kernel=False),
            "bias": draw(st.booleans())}


def _conv_macs(attrs, inputs, output):
    kh, kw = attrs["kernel"]
    return output[0] * output[1] * output[2] * (inputs[0][0] // attrs["groups"]) * kh * kw


def _conv_describe(attrs) -> str:
    text = describe_window("conv", attrs) + f", {attrs['out_channels']}"
    if attrs["groups"] > 1:
        text += f", groups {attrs['groups']}"
    if attrs["dilation"] != (1, 1):
        text += f", dilation {pair_text(attrs['dilation'])}"
    return text


CONV2D = OpSpec(
    name="conv2d", category="conv", depth_layer=True, ranks=(3,),
    positional=("out_channels", "kernel"),
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
    resolve=_conv_resolve, shape=_conv_shape, parameters=_CONV_PARAMS, macs=_conv_macs,
    describe=_conv_describe, overwritable=True, draw_attrs=_conv_draw,
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
    draw_attrs=lambda draw, st, inputs: {
        "padding": draw_padding(draw, st, (2, 2), below_kernel=False, modes=())},
)


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
    name="conv_transpose2d", category="conv", depth_layer=True, ranks=(3,),
    positional=("out_channels", "kernel"),
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
    rewrites=Rewrites(absorb_channel_affine=scale_transposed_output_channels),
)

OPS = (CONV1D, CONV2D, CONV_TRANSPOSE2D, ZERO_PAD2D)
