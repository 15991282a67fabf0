"""Pools (netir/ir/ops/pool.py): max, average and adaptive average pool modules and
functionals, of maps and volumes."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import axes
from netir.importers.pytorch.values import Unsupported


def _max_pool(rank: int):
    """``nn.MaxPool{rank}d`` / ``F.max_pool{rank}d`` as ``max_pool{rank}d``."""
    def pool(ctx, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
             return_indices=False):
        if axes(dilation, rank) != (1,) * rank or return_indices:
            raise Unsupported(f"a dilated max pool or one returning indices (the IR's "
                              f"max_pool{rank}d has neither)")
        stride = kernel_size if stride is None or stride == [] else stride
        return ctx.add(f"max_pool{rank}d", [x], {
            "kernel": axes(kernel_size, rank), "stride": axes(stride, rank),
            "padding": tuple((p, p) for p in axes(padding, rank)),
            "ceil_mode": bool(ceil_mode)})

    return pool


def _avg_pool(rank: int):
    """``nn.AvgPool{rank}d`` / ``F.avg_pool{rank}d`` as ``avg_pool{rank}d``."""
    def pool(ctx, x, kernel_size, stride=None, padding=0, ceil_mode=False,
             count_include_pad=True, divisor_override=None):
        if divisor_override is not None:
            raise Unsupported(f"avg_pool{rank}d with divisor_override (the IR's divisor is "
                              f"the window's count)")
        stride = kernel_size if stride is None or stride == [] else stride
        return ctx.add(f"avg_pool{rank}d", [x], {
            "kernel": axes(kernel_size, rank), "stride": axes(stride, rank),
            "padding": tuple((p, p) for p in axes(padding, rank)),
            "ceil_mode": bool(ceil_mode), "count_include_pad": bool(count_include_pad)})

    return pool


def _adaptive_avg_pool(rank: int):
    def pool(ctx, x, output_size):
        size = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
        size = tuple(x.shape[1 + i] if s is None else s for i, s in enumerate(size))
        return ctx.add(f"adaptive_avg_pool{rank}d", [x], {"output_size": axes(size, rank)})

    return pool


def _modules(rank: int, max_pool, avg_pool, adaptive) -> dict:
    max_, avg, adapt = _max_pool(rank), _avg_pool(rank), _adaptive_avg_pool(rank)
    return {
        max_pool: lambda ctx, m, x: max_(ctx, x, m.kernel_size, m.stride, m.padding,
                                         m.dilation, m.ceil_mode, m.return_indices),
        avg_pool: lambda ctx, m, x: avg(ctx, x, m.kernel_size, m.stride, m.padding,
                                        m.ceil_mode, m.count_include_pad, m.divisor_override),
        adaptive: lambda ctx, m, x: adapt(ctx, x, m.output_size),
    }


MODULES = {**_modules(2, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d),
           **_modules(3, nn.MaxPool3d, nn.AvgPool3d, nn.AdaptiveAvgPool3d)}
FUNCTIONS = {
    F.max_pool2d: _max_pool(2), F.avg_pool2d: _avg_pool(2),
    F.adaptive_avg_pool2d: _adaptive_avg_pool(2),
    F.max_pool3d: _max_pool(3), F.avg_pool3d: _avg_pool(3),
    F.adaptive_avg_pool3d: _adaptive_avg_pool(3),
}
METHODS: dict = {}
