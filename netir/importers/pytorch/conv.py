"""Convolutions (netir/ir/ops/conv.py, upsampling.py): torch's Conv1d, Conv2d, Conv3d
and ConvTranspose2d modules; F.conv2d on a module's weight and bias."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import axes, learned, pair, symmetric
from netir.importers.pytorch.values import Unsupported


def _zeros(m) -> None:
    if m.padding_mode != "zeros":
        raise Unsupported(f"padding_mode={m.padding_mode!r} (the IR pads convolutions with "
                          "zeros only)")


def _same(kernel, dilation) -> tuple[int, int]:
    """torch's padding='same': total d·(k − 1), the extra cell on the right."""
    total = dilation * (kernel - 1)
    return (total // 2, total - total // 2)


def conv2d(ctx, m, x, padding=None):
    """``nn.Conv2d``; ``padding`` ((top, bottom), (left, right)) overrides the module's."""
    _zeros(m)
    if padding is None:
        if isinstance(m.padding, str):
            padding = ((0, 0), (0, 0)) if m.padding == "valid" else tuple(
                _same(k, d) for k, d in zip(m.kernel_size, m.dilation))
        else:
            padding = symmetric(m.padding)
    return ctx.add("conv2d", [x], {
        "out_channels": m.out_channels, "kernel": pair(m.kernel_size), "stride": pair(m.stride),
        "padding": padding, "dilation": pair(m.dilation), "groups": m.groups,
        "bias": m.bias is not None}, source=m)


def conv1d(ctx, m, x, padding=None):
    """``nn.Conv1d``; ``padding`` (left, right) overrides the module's."""
    _zeros(m)
    if padding is None:
        if isinstance(m.padding, str):
            padding = (0, 0) if m.padding == "valid" else _same(m.kernel_size[0], m.dilation[0])
        else:
            padding = (m.padding[0], m.padding[0])
    return ctx.add("conv1d", [x], {
        "out_channels": m.out_channels, "kernel": m.kernel_size[0], "stride": m.stride[0],
        "padding": tuple(padding), "dilation": m.dilation[0], "groups": m.groups,
        "bias": m.bias is not None}, source=m)


def conv3d(ctx, m, x):
    """``nn.Conv3d``: one (before, after) pair per axis of a volume."""
    _zeros(m)
    if isinstance(m.padding, str):
        padding = ((0, 0),) * 3 if m.padding == "valid" else tuple(
            _same(k, d) for k, d in zip(m.kernel_size, m.dilation))
    else:
        padding = tuple((p, p) for p in axes(m.padding, 3))
    return ctx.add("conv3d", [x], {
        "out_channels": m.out_channels, "kernel": axes(m.kernel_size, 3),
        "stride": axes(m.stride, 3), "padding": padding, "dilation": axes(m.dilation, 3),
        "groups": m.groups, "bias": m.bias is not None}, source=m)


def _conv_transpose2d(ctx, m, x, output_size=None):
    _zeros(m)
    if output_size is not None:
        raise Unsupported("ConvTranspose2d called with output_size (the IR states "
                          "output_padding)")
    return ctx.add("conv_transpose2d", [x], {
        "out_channels": m.out_channels, "kernel": pair(m.kernel_size), "stride": pair(m.stride),
        "padding": pair(m.padding), "output_padding": pair(m.output_padding),
        "dilation": pair(m.dilation), "groups": m.groups, "bias": m.bias is not None},
        source=m)


def _f_conv2d(ctx, x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d`` with a module's weight (and bias) (timm's StdConv2d, Conv2dSame)."""
    learned_ = {"weight": weight} if bias is None else {"weight": weight, "bias": bias}
    name, weights = learned(ctx, "conv2d", **learned_)
    kernel = tuple(weights["weight"].shape[2:])
    if isinstance(padding, str):
        padding = ((0, 0), (0, 0)) if padding == "valid" else tuple(
            _same(k, d) for k, d in zip(kernel, pair(dilation)))
    else:
        padding = symmetric(padding)
    return ctx.add("conv2d", [x], {
        "out_channels": int(weights["weight"].shape[0]), "kernel": kernel,
        "stride": pair(stride), "padding": padding, "dilation": pair(dilation),
        "groups": int(groups), "bias": bias is not None}, source=weights, name=name)


MODULES = {
    nn.Conv2d: conv2d,
    nn.Conv1d: conv1d,
    nn.Conv3d: conv3d,
    nn.ConvTranspose2d: _conv_transpose2d,
}
FUNCTIONS = {F.conv2d: _f_conv2d}
METHODS: dict = {}
