"""Convolution and explicit zero padding."""

from __future__ import annotations

from netir.ir.arithmetic import resolve_padding, window_shape
from netir.ir.attrs import Attr, boolean, integer, padding, pair
from netir.ir.errors import ShapeError
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites, add_padding, scale_output_channels

MAX_CHANNELS = 8  # property tests keep tensors small


def draw_padding(draw, st, kernel, *, below_kernel: bool, modes=("valid", "same")):
    """Any padding form the builder accepts: a mode in ``modes``, an int, an (h, w) pair
    or explicit ((top, bottom), (left, right)); each side at most the kernel (below it
    with ``below_kernel``, as pools require)."""
    hi = [k - 1 if below_kernel else k for k in kernel]
    kind = draw(st.sampled_from(["explicit", "int", "pair", *modes]))
    if kind == "int":
        return draw(st.integers(0, min(hi)))
    if kind == "pair":
        return (draw(st.integers(0, hi[0])), draw(st.integers(0, hi[1])))
    if kind == "explicit":
        return tuple((draw(st.integers(0, h)), draw(st.integers(0, h))) for h in hi)
    return kind


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

OPS = (CONV2D, ZERO_PAD2D)
