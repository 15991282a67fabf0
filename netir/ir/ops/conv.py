"""Convolutions (one declaration for 1-, 2- and 3-D; transposed 2-D) and explicit zero
padding."""

from __future__ import annotations

from math import prod

from netir.ir.arithmetic import same_padding, transposed_output_size
from netir.ir.attrs import Attr, boolean, integer, padding_of, sizes
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.layout import MAP, SEQUENCE, VOLUME
from netir.ir.ops.window import (
    KERNEL_NAMES,
    MAX_CHANNELS,
    describe_window,
    dims_text,
    draw_padding,
    pair_text,
    per_axis,
    stored,
    window_sizes,
)
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec
from netir.ir.rewrites import (
    Rewrites,
    add_padding,
    scale_output_channels,
    scale_transposed_output_channels,
)

__all__ = ["MAX_CHANNELS", "OPS", "describe_window", "draw_padding"]


def _conv1d_draw(draw, st, inputs):
    c, length = inputs[0]
    groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    dilation = draw(st.sampled_from([1, 2]))
    kernel = draw(st.integers(1, max(1, min(4, (length - 1) // dilation + 1))))
    kind = draw(st.sampled_from(["int", "pair", "same", "valid"]))
    pad = {"int": draw(st.integers(0, kernel)), "same": "same", "valid": "valid",
           "pair": (draw(st.integers(0, kernel)), draw(st.integers(0, kernel)))}[kind]
    return {"out_channels": groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups))),
            "kernel": kernel, "stride": draw(st.sampled_from([1, 1, 2, 3])),
            "dilation": dilation, "groups": groups, "padding": pad,
            "bias": draw(st.booleans())}


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


def _conv3d_draw(draw, st, inputs):
    """conv3d's attributes for a small volume: kernels of at most 3 a side, so that
    property tests stay in milliseconds."""
    c, *sizes = inputs[0]
    groups = draw(st.sampled_from([d for d in range(1, c + 1) if c % d == 0]))
    dilation = draw(st.sampled_from([(1, 1, 1), (1, 1, 1), (1, 2, 2), (2, 1, 1)]))
    kernel = tuple(draw(st.integers(1, min(3, (s - 1) // d + 1)))
                   for s, d in zip(sizes, dilation))
    return {"out_channels": groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups))),
            "kernel": kernel, "dilation": dilation, "groups": groups,
            "stride": draw(st.sampled_from([(1, 1, 1), (1, 1, 1), (1, 2, 2), (2, 2, 2)])),
            "padding": draw_padding(draw, st, kernel, below_kernel=False),
            "bias": draw(st.booleans())}


#: Per window rank: the input layout and the weight's spatial letters.
_LAYOUT = {1: SEQUENCE, 2: MAP, 3: VOLUME}
_LETTERS = {1: "L", 2: "HW", 3: "DHW"}
_DOC = {
    1: "1-D cross-correlation over a sequence (C, L) -> (out, L'), weight OIL "
       "(out, in/groups, k); PyTorch's Conv1d.",
    2: "2-D cross-correlation, weight OIHW (out, in/groups, kh, kw).",
    3: "3-D cross-correlation over a volume (C, D, H, W), weight OIDHW "
       "(out, in/groups, kd, kh, kw); PyTorch's Conv3d.",
}
_PADDING_DOC = {
    1: "explicit (left, right); 'same' resolves with TF's rule (odd cell after)",
    2: "explicit ((top, bottom), (left, right)); 'same' resolves with TF's rule",
    3: "explicit ((front, back), (top, bottom), (left, right)); 'same' resolves with "
       "TF's rule",
}


def check_groups(attrs, channels: int) -> None:
    """ShapeError unless ``groups`` divides the input and output channels."""
    g = attrs["groups"]
    if channels % g or attrs["out_channels"] % g:
        raise ShapeError("groups must divide both the input and output channels",
                         f"groups={g}, in_channels={channels}, "
                         f"out_channels={attrs['out_channels']}")


def convolution(rank: int, draw_attrs=None) -> OpSpec:
    """The cross-correlation over ``rank`` window axes (1: a sequence CL, 2: a map CHW,
    3: a volume CDHW), PyTorch's ConvNd: one declaration of attributes, padding, shape,
    MACs, parameters and rewrites, its rank from the input layout."""
    view = {k: (lambda a, k=k: per_axis(a[k], rank)) for k in ("kernel", "stride",
                                                               "dilation", "padding")}

    def resolve(attrs, inputs):
        pad = attrs["padding"]
        if pad in ("same", "valid"):
            k, s, d = view["kernel"](attrs), view["stride"](attrs), view["dilation"](attrs)
            pad = stored(tuple((0, 0) if pad == "valid" else same_padding(n, *w)
                                for n, *w in zip(inputs[0][1:], k, s, d)), rank)
        return {**attrs, "padding": pad}

    def shape(attrs, inputs):
        check_groups(attrs, inputs[0][0])
        k, s, p, d = (view[n](attrs) for n in ("kernel", "stride", "padding", "dilation"))
        return (attrs["out_channels"], *window_sizes(inputs[0], k, s, p, d, attrs["padding"]))

    def macs(attrs, inputs, output):
        return prod(output) * (inputs[0][0] // attrs["groups"]) * prod(view["kernel"](attrs))

    def describe(attrs) -> str:
        stride, dilation = view["stride"](attrs), view["dilation"](attrs)
        text = f"{'conv' if rank == 2 else f'conv{rank}d'} {dims_text(view['kernel'](attrs))}"
        text += f" /{pair_text(stride)}" if set(stride) != {1} else ""
        text += f", {attrs['out_channels']}"
        text += f", groups {attrs['groups']}" if attrs["groups"] > 1 else ""
        return text + (f", dilation {pair_text(dilation)}" if set(dilation) != {1} else "")

    def absorb_zero_padding(attrs, pad):
        return {**attrs, "padding": stored(add_padding(view["padding"](attrs), pad), rank)}

    def per(what: str) -> str:  # "stride (sh, sw)"; rank 1 names no axes
        return f" ({', '.join(what + k[1:] for k in KERNEL_NAMES[rank])})" if rank > 1 else ""

    return OpSpec(
        name=f"conv{rank}d", category="conv", depth_layer=True, ranks=(rank + 1,),
        layouts=(_LAYOUT[rank],), positional=("out_channels", "kernel"), doc=_DOC[rank],
        attrs=(
            Attr("out_channels", integer(1), doc="number of output channels"),
            Attr("kernel", sizes(rank, 1), 3, "kernel length" if rank == 1 else
                 f"kernel size ({', '.join(KERNEL_NAMES[rank])})"),
            Attr("stride", sizes(rank, 1), 1, "stride" + per("s")),
            Attr("padding", padding_of(rank), 0, _PADDING_DOC[rank]),
            Attr("dilation", sizes(rank, 1), 1, "dilation" + per("d")),
            Attr("groups", integer(1), 1, "channel groups; must divide in and out channels"),
            Attr("bias", boolean, True, "add a learned bias"),
        ),
        resolve=resolve, shape=shape, macs=macs, describe=describe,
        parameters=(
            Param("weight", WEIGHT, "OI" + _LETTERS[rank],
                  he_normal(fan_in_axes=tuple(range(1, rank + 2))),
                  lambda a, i: (a["out_channels"], i[0][0] // a["groups"],
                                *view["kernel"](a)),
                  doc=f"kernel (out, in / groups, {', '.join(KERNEL_NAMES[rank])})"),
            Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["out_channels"],),
                  present=lambda a: a["bias"], doc="per output channel, when bias=True"),
        ),
        overwritable=True, draw_attrs=draw_attrs,
        rewrites=Rewrites(absorb_channel_affine=scale_output_channels,
                          absorb_zero_padding=absorb_zero_padding),
    )


CONV1D = convolution(1, _conv1d_draw)
CONV2D = convolution(2, _conv_draw)
CONV3D = convolution(3, _conv3d_draw)


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


def transposed_convolution(rank: int, draw_attrs=None) -> OpSpec:
    """The transposed convolution over ``rank`` window axes, PyTorch's ConvTransposeNd:
    weight IO + the axes' letters, ``(in, out / groups, kernel...)``."""
    names = KERNEL_NAMES[rank]

    def each(what: str) -> str:
        return f"({', '.join(what + k[1:] for k in names)})"

    def resolve(attrs, inputs):
        for op, s, d in zip(*(per_axis(attrs[k], rank)
                              for k in ("output_padding", "stride", "dilation"))):
            if op >= max(s, d):
                raise AttributeValueError(
                    "output_padding must be smaller than the stride or the dilation",
                    f"output_padding={attrs['output_padding']}, stride={attrs['stride']}, "
                    f"dilation={attrs['dilation']}")
        return attrs

    def shape(attrs, inputs):
        check_groups(attrs, inputs[0][0])
        keys = ("kernel", "stride", "padding", "output_padding", "dilation")
        out = tuple(transposed_output_size(n, *w) for n, *w in zip(
            inputs[0][1:], *(per_axis(attrs[k], rank) for k in keys)))
        if min(out) < 1:
            raise ShapeError("the padding removes the whole output",
                             f"input {dims_text(inputs[0][1:])}, output {dims_text(out)}, "
                             f"padding {attrs['padding']}")
        return (attrs["out_channels"], *out)

    def describe(attrs) -> str:
        text = describe_window("conv transpose", attrs).replace(" /", " ×") + \
            f", {attrs['out_channels']}"
        return text + (f", groups {attrs['groups']}" if attrs["groups"] > 1 else "")

    letters = _LETTERS[rank]
    return OpSpec(
        name=f"conv_transpose{rank}d", category="conv", depth_layer=True, ranks=(rank + 1,),
        layouts=(_LAYOUT[rank],), positional=("out_channels", "kernel"),
        doc=f"{rank}-D transposed convolution (PyTorch's ConvTranspose{rank}d), weight "
            f"IO{letters} (in, out/groups, {', '.join(names)}); output (n−1)·s − 2p + "
            "d·(k−1) + output_padding + 1.",
        attrs=(
            Attr("out_channels", integer(1), doc="number of output channels"),
            Attr("kernel", sizes(rank, 1), 3, f"kernel size ({', '.join(names)})"),
            Attr("stride", sizes(rank, 1), 1, f"stride {each('s')}: the upscaling factor"),
            Attr("padding", sizes(rank, 0), 0,
                 f"{each('p')} removed from both sides of the output"),
            Attr("output_padding", sizes(rank, 0), 0,
                 f"{each('o')} added after the output; below max(stride, dilation)"),
            Attr("dilation", sizes(rank, 1), 1, f"dilation {each('d')}"),
            Attr("groups", integer(1), 1, "channel groups; must divide in and out channels"),
            Attr("bias", boolean, True, "add a learned bias"),
        ),
        resolve=resolve, shape=shape, describe=describe,
        macs=lambda a, i, out: prod(i[0]) * (a["out_channels"] // a["groups"])
        * prod(per_axis(a["kernel"], rank)),
        parameters=(
            Param("weight", WEIGHT, "IO" + letters,
                  he_normal(fan_in_axes=(0, *range(2, rank + 2))),
                  lambda a, i: (i[0][0], a["out_channels"] // a["groups"],
                                *per_axis(a["kernel"], rank)),
                  doc=f"kernel (in, out / groups, {', '.join(names)})"),
            Param("bias", BIAS, "O", normal(0.1), lambda a, i: (a["out_channels"],),
                  present=lambda a: a["bias"], doc="per output channel, when bias=True"),
        ),
        overwritable=True, draw_attrs=draw_attrs,
        rewrites=Rewrites(absorb_channel_affine=scale_transposed_output_channels),
    )


CONV_TRANSPOSE2D = transposed_convolution(2, _transpose_draw)

_PAD_DOC = {1: ("L", "(left, right)"), 2: ("H and W", "((top, bottom), (left, right))"),
            3: ("D, H and W", "((front, back), (top, bottom), (left, right))")}


def zero_padding(rank: int, draw_attrs=None) -> OpSpec:
    """Explicit zero padding of ``rank`` window axes."""
    name = f"zero_pad{rank}d"

    def resolve(attrs, inputs):
        if attrs["padding"] in ("same", "valid"):
            raise ShapeError(f"{name} takes explicit padding, not a mode",
                             repr(attrs["padding"]))
        return attrs

    def shape(attrs, inputs):
        return (inputs[0][0], *(n + sum(p) for n, p in
                                zip(inputs[0][1:], per_axis(attrs["padding"], rank))))

    axes, explicit = _PAD_DOC[rank]
    return OpSpec(
        name=name, category="padding", ranks=(rank + 1,), layouts=(_LAYOUT[rank],),
        positional=("padding",), doc=f"Pad {axes} with zeros: {explicit}.",
        attrs=(Attr("padding", padding_of(rank),
                    doc="int, (h, w) or ((top, bottom), (left, right))" if rank == 2
                    else f"int, one per axis or {explicit}"),),
        resolve=resolve, shape=shape, describe=lambda a: f"zero pad {a['padding']}",
        rewrites=Rewrites(
            identity=lambda a, inputs: not any(map(any, per_axis(a["padding"], rank))),
            zero_padding=lambda a: per_axis(a["padding"], rank)),
        draw_attrs=draw_attrs,
    )


ZERO_PAD2D = zero_padding(2, lambda draw, st, inputs: {
    "padding": draw_padding(draw, st, (2, 2), below_kernel=False, modes=())})

OPS = (CONV1D, CONV2D, CONV3D, CONV_TRANSPOSE2D, ZERO_PAD2D)
