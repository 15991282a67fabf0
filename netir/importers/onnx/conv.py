"""Convolutions and zero padding (netir/ir/ops/conv.py): Conv (a zero Pad before it
folded into its padding), ConvTranspose, Pad. ONNX's weights are the neutral layout."""

from __future__ import annotations

from netir.importers.onnx.common import pad_amounts, pairs, window_pads
from netir.importers.onnx.units import Fold
from netir.importers.onnx.walk import Unsupported

_CONV = {1: "conv1d", 2: "conv2d", 3: "conv3d"}


def _conv(ctx, unit):
    node = unit.head
    x = ctx.x(unit.steps["pad"].input[0] if "pad" in unit.steps else node.input[0])
    weight = ctx.const(node.input[1])
    rank = weight.ndim - 2
    if rank not in _CONV or len(x.shape) != rank + 1:
        raise Unsupported(f"a {rank}-d convolution of a rank-{len(x.shape) + 1} tensor")
    kernel = tuple(unit.attr("kernel_shape", weight.shape[2:]))
    stride = tuple(unit.attr("strides", [1] * rank))
    dilation = tuple(unit.attr("dilations", [1] * rank))
    padding = window_pads(unit, x.shape[1:], kernel, stride, dilation)
    if "pad" in unit.steps:
        extra = pad_amounts(ctx, unit.steps["pad"], rank + 2)[2:]
        padding = tuple((a + c, b + d) for (a, b), (c, d) in zip(padding, extra))
    bias = len(node.input) > 2 and bool(node.input[2])
    weights = {"weight": weight}
    if bias:
        weights["bias"] = ctx.const(node.input[2])
    one = (lambda v: v[0]) if rank == 1 else tuple
    return ctx.add(_CONV[rank], [x], {
        "out_channels": int(weight.shape[0]), "kernel": one(kernel), "stride": one(stride),
        "padding": padding if rank > 1 else padding[0], "dilation": one(dilation),
        "groups": int(unit.attr("group", 1)), "bias": bias}, weights=weights)


def _conv_transpose(ctx, unit):
    """The ONNX backend's pads are ``p`` before and ``p − output_padding`` after."""
    node = unit.head
    x, weight = ctx.x(node.input[0]), ctx.const(node.input[1])
    if weight.ndim != 4:
        raise Unsupported(f"a {weight.ndim - 2}-d ConvTranspose (the IR's is 2-d)")
    if unit.attr("output_shape") is not None or unit.attr("auto_pad", "NOTSET") not in \
            ("NOTSET", "", "VALID"):
        raise Unsupported("ConvTranspose by output_shape or auto_pad SAME")
    groups = int(unit.attr("group", 1))
    padding = pairs(unit.attr("pads"), 2)
    added = unit.attr("output_padding", [0, 0])
    cut = tuple(b for b, _ in padding)
    extra = tuple(b - a + e for (b, a), e in zip(padding, added))
    if any(e < 0 for e in extra):
        raise Unsupported(f"ConvTranspose pads {padding} cut more after than before")
    bias = len(node.input) > 2 and bool(node.input[2])
    weights = {"weight": weight, **({"bias": ctx.const(node.input[2])} if bias else {})}
    return ctx.add("conv_transpose2d", [x], {
        "out_channels": int(weight.shape[1]) * groups, "kernel": tuple(weight.shape[2:]),
        "stride": tuple(unit.attr("strides", [1, 1])), "padding": cut,
        "output_padding": extra, "dilation": tuple(unit.attr("dilations", [1, 1])),
        "groups": groups, "bias": bias}, weights=weights)


def _conv_transpose_extended(ctx, unit):
    """The ONNX backend's output_padding past the padding: ConvTranspose (step
    ``full``), a zero Pad after, then the bias (when there is one) added."""
    s = unit.steps
    full = s["full"]
    pad = s.get("extended") or unit.head
    x, weight = ctx.x(full.input[0]), ctx.const(full.input[1])
    groups = int(unit.attr("group", 1, full))
    padding = pairs(unit.attr("pads", None, full), 2)
    cut = tuple(b for b, _ in padding)
    amounts = pad_amounts(ctx, pad, 4)[2:]
    extra = tuple(b - a + after for (b, a), (_, after) in zip(padding, amounts))
    bias = "bias" in s
    weights = {"weight": weight, **({"bias": ctx.const(s["bias"].input[0])} if bias else {})}
    return ctx.add("conv_transpose2d", [x], {
        "out_channels": int(weight.shape[1]) * groups, "kernel": tuple(weight.shape[2:]),
        "stride": tuple(unit.attr("strides", [1, 1], full)), "padding": cut,
        "output_padding": extra, "dilation": tuple(unit.attr("dilations", [1, 1], full)),
        "groups": groups, "bias": bias}, weights=weights)


def _pad(ctx, unit):
    x = ctx.x(unit.head.input[0])
    amounts = pad_amounts(ctx, unit.head, len(x.shape) + 1)[2:]
    if len(amounts) != 2:
        raise Unsupported(f"a Pad of {len(amounts)} window axes (the IR's zero_pad2d pads 2)")
    return ctx.add("zero_pad2d", [x], {"padding": tuple(amounts)})


CHANNELS_FIRST = {"Conv", "ConvTranspose"}
FOLDS = [Fold("Conv", (("Pad", "pad"),))]  # a zero Pad into the Conv that reads it


def entries(entry):
    return [entry("Conv", _conv), entry("Conv", _conv, steps=("pad",)),
            entry("ConvTranspose", _conv_transpose),
            entry("Pad", _pad), entry("Pad", _pad, steps=("pads", "axes")),
            entry("Pad", _conv_transpose_extended, steps=("full", "pads", "axes")),
            entry("Add", _conv_transpose_extended, steps=(
                "full", "extended", "extended/pads", "extended/axes", "bias_shape",
                "bias"))]
