"""PyTorch lowerings of the pools (netir/ir/ops/pool.py), one per declaration at every
rank: ``nn.MaxPool{rank}d`` / ``nn.AvgPool{rank}d`` where torch's own padding rule is
the IR's, else the exact modules below, which pad by the window plan's ``exact``
padding (the declared one, ceil mode's overhang added after) and run an unpadded,
floor-mode pool; ``nn.AdaptiveAvgPool{rank}d``; the global pools over the plan's
position axes."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from netir.emitters.pytorch.lowerings.reduce import Amax
from netir.emitters.pytorch.padding import torch_pad
from netir.ir import arithmetic


class MaxPoolExact(nn.Module):
    """Max pool of a map or a volume (``len(kernel)`` axes) after padding with -inf
    (padded cells never win); ``pad`` in ``F.pad``'s order, the last axis first."""

    def __init__(self, kernel, stride, pad) -> None:
        super().__init__()
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.pad, value=float("-inf"))
        if len(self.kernel) == 3:
            return F.max_pool3d(x, self.kernel, self.stride)
        return F.max_pool2d(x, self.kernel, self.stride)

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}, pad={self.pad}"


class AvgPoolExact(nn.Module):
    """Average pool of a map or a volume with netir's divisor per output cell
    (count_include_pad, ceil_mode): zero-pads by ``pad`` (``F.pad``'s order), averages
    each whole window, rescales by window size over ``divisor`` (one per output cell)."""

    def __init__(self, kernel, stride, pad, divisor) -> None:
        super().__init__()
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)
        scale = torch.as_tensor(math.prod(kernel) / divisor, dtype=torch.float32)
        self.register_buffer("scale", scale, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.pad)
        if len(self.kernel) == 3:
            x = F.avg_pool3d(x, self.kernel, self.stride)
        else:
            x = F.avg_pool2d(x, self.kernel, self.stride)
        return x * self.scale.to(x.dtype)

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}, pad={self.pad}"


class GlobalAvgPool(nn.Module):
    """Mean over the positions ``dims`` (batch first): H and W of (N, C, H, W) by
    default, T of tokens (N, T, C) with ``dims=(1,)``."""

    def __init__(self, dims: tuple[int, ...] = (2, 3)) -> None:
        super().__init__()
        self.dims = list(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=self.dims)


_MAX = {2: nn.MaxPool2d, 3: nn.MaxPool3d}
_AVG = {2: nn.AvgPool2d, 3: nn.AvgPool3d}
_ADAPTIVE = {2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d}


def _native(window) -> bool:
    """torch's pools implement the IR rule exactly for symmetric padding <= kernel/2."""
    return window.symmetric and all(
        before <= k // 2 for (before, _), k in zip(window.padding, window.kernel))


def _before(window) -> tuple[int, ...]:
    return tuple(before for before, _ in window.padding)


def max_pool(plan, inputs):
    w = plan.window
    if _native(w):
        return _MAX[w.rank](w.kernel, w.stride, _before(w), ceil_mode=plan.attrs["ceil_mode"])
    return MaxPoolExact(w.kernel, w.stride, torch_pad(w.exact))


def avg_pool(plan, inputs):
    a, w = plan.attrs, plan.window
    if _native(w):
        return _AVG[w.rank](w.kernel, w.stride, _before(w), ceil_mode=a["ceil_mode"],
                            count_include_pad=a["count_include_pad"])
    sizes = tuple(plan.inputs[0][axis - 1] for axis in plan.positions)
    divisor = arithmetic.avg_pool_divisor(sizes, w.kernel, w.stride, w.padding,
                                          a["ceil_mode"], a["count_include_pad"])
    return AvgPoolExact(w.kernel, w.stride, torch_pad(w.exact), divisor)


def adaptive_avg_pool(plan, inputs):
    return _ADAPTIVE[len(plan.positions)](plan.attrs["output_size"])


LOWERINGS = {
    "max_pool2d": max_pool,
    "max_pool3d": max_pool,
    "avg_pool2d": avg_pool,
    "avg_pool3d": avg_pool,
    "global_avg_pool": lambda plan, inputs: GlobalAvgPool(plan.positions),
    "global_max_pool": lambda plan, inputs: Amax(plan.positions, False),
    "adaptive_avg_pool2d": adaptive_avg_pool,
    "adaptive_avg_pool3d": adaptive_avg_pool,
}
