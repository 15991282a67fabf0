"""Pools (netir/ir/ops/pool.py): max, average and adaptive average pool modules and
functionals, of maps and volumes."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import axes, pair, symmetric
from netir.importers.pytorch.values import Unsupported


def _max_pool2d(ctx, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    if pair(dilation) != (1, 1) or return_indices:
        raise Unsupported("a dilated max pool or one returning indices (the IR's max_pool2d "
                          "has neither)")
    stride = kernel_size if stride is None or stride == [] else stride
    return ctx.add("max_pool2d", [x], {"kernel": pair(kernel_size), "stride": pair(stride),
                                       "padding": symmetric(padding),
                                       "ceil_mode": bool(ceil_mode)})


def _avg_pool2d(ctx, x, kernel_size, stride=None, padding=0, ceil_mode=False,
                count_include_pad=True, divisor_override=None):
    if divisor_override is not None:
        raise Unsupported("avg_pool2d with divisor_override (the IR's divisor is the "
                          "window's count)")
    stride = kernel_size if stride is None or stride == [] else stride
    return ctx.add("avg_pool2d", [x], {"kernel": pair(kernel_size), "stride": pair(stride),
                                       "padding": symmetric(padding),
                                       "ceil_mode": bool(ceil_mode),
                                       "count_include_pad": bool(count_include_pad)})


def _adaptive_avg_pool2d(ctx, x, output_size):
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    size = tuple(x.shape[1 + i] if s is None else s for i, s in enumerate(size))
    return ctx.add("adaptive_avg_pool2d", [x], {"output_size": pair(size)})


def _max_pool3d(ctx, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    if axes(dilation, 3) != (1, 1, 1) or return_indices:
        raise Unsupported("a dilated max pool or one returning indices (the IR's max_pool3d "
                          "has neither)")
    stride = kernel_size if stride is None or stride == [] else stride
    return ctx.add("max_pool3d", [x], {"kernel": axes(kernel_size, 3),
                                       "stride": axes(stride, 3),
                                       "padding": tuple((p, p) for p in axes(padding, 3)),
                                       "ceil_mode": bool(ceil_mode)})


def _avg_pool3d(ctx, x, kernel_size, stride=None, padding=0, ceil_mode=False,
                count_include_pad=True, divisor_override=None):
    if divisor_override is not None:
        raise Unsupported("avg_pool3d with divisor_override (the IR's divisor is the "
                          "window's count)")
    stride = kernel_size if stride is None or stride == [] else stride
    return ctx.add("avg_pool3d", [x], {"kernel": axes(kernel_size, 3),
                                       "stride": axes(stride, 3),
                                       "padding": tuple((p, p) for p in axes(padding, 3)),
                                       "ceil_mode": bool(ceil_mode),
                                       "count_include_pad": bool(count_include_pad)})


def _adaptive_avg_pool3d(ctx, x, output_size):
    size = (output_size,) * 3 if isinstance(output_size, int) else tuple(output_size)
    size = tuple(x.shape[1 + i] if s is None else s for i, s in enumerate(size))
    return ctx.add("adaptive_avg_pool3d", [x], {"output_size": axes(size, 3)})


MODULES = {
    nn.MaxPool3d: lambda ctx, m, x: _max_pool3d(ctx, x, m.kernel_size, m.stride, m.padding,
                                                m.dilation, m.ceil_mode, m.return_indices),
    nn.AvgPool3d: lambda ctx, m, x: _avg_pool3d(ctx, x, m.kernel_size, m.stride, m.padding,
                                                m.ceil_mode, m.count_include_pad,
                                                m.divisor_override),
    nn.AdaptiveAvgPool3d: lambda ctx, m, x: _adaptive_avg_pool3d(ctx, x, m.output_size),
    nn.MaxPool2d: lambda ctx, m, x: _max_pool2d(ctx, x, m.kernel_size, m.stride, m.padding,
                                                m.dilation, m.ceil_mode, m.return_indices),
    nn.AvgPool2d: lambda ctx, m, x: _avg_pool2d(ctx, x, m.kernel_size, m.stride, m.padding,
                                                m.ceil_mode, m.count_include_pad,
                                                m.divisor_override),
    nn.AdaptiveAvgPool2d: lambda ctx, m, x: _adaptive_avg_pool2d(ctx, x, m.output_size),
}
FUNCTIONS = {
    F.max_pool3d: _max_pool3d,
    F.avg_pool3d: _avg_pool3d,
    F.adaptive_avg_pool3d: _adaptive_avg_pool3d,
    F.max_pool2d: _max_pool2d,
    F.avg_pool2d: _avg_pool2d,
    F.adaptive_avg_pool2d: _adaptive_avg_pool2d,
}
METHODS: dict = {}
