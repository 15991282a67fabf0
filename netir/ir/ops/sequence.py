"""1-D convolution over sequences (C, L)."""

from __future__ import annotations

from netir.ir.arithmetic import same_padding, window_output_size
from netir.ir.attrs import Attr, boolean, integer, padding1d
from netir.ir.errors import ShapeError
from netir.ir.layout import SEQUENCE
from netir.ir.ops.conv import MAX_CHANNELS
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec


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
    name="conv1d", category="conv", ranks=(2,), layouts=(SEQUENCE,),
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
)

OPS = (CONV1D,)
