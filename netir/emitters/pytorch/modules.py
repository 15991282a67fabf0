"""Small nn.Modules for the cases torch.nn cannot express directly."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class PaddedConv2d(nn.Conv2d):
    """Conv2d after explicit (possibly asymmetric) zero padding ``(l, r, t, b)``.

    Same parameters and state_dict keys as nn.Conv2d.
    """

    def __init__(self, *args, pad: tuple[int, int, int, int], **kwargs) -> None:
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(F.pad(x, self.pad), self.weight, self.bias)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", pad={self.pad}"


class MaxPoolExact(nn.Module):
    """Max pool after padding with -inf (padded cells never win); ``pad=(l, r, t, b)``."""

    def __init__(self, kernel, stride, pad) -> None:
        super().__init__()
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.pad, value=float("-inf"))
        return F.max_pool2d(x, self.kernel, self.stride)

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}, pad={self.pad}"


class AvgPoolExact(nn.Module):
    """Average pool with netir's divisor per output cell (count_include_pad, ceil_mode).

    Zero-pads by ``pad=(l, r, t, b)``, sums each window, divides by ``divisor``.
    """

    def __init__(self, kernel, stride, pad, divisor) -> None:
        super().__init__()
        self.kernel, self.stride, self.pad = tuple(kernel), tuple(stride), tuple(pad)
        scale = torch.as_tensor(kernel[0] * kernel[1] / divisor, dtype=torch.float32)
        self.register_buffer("scale", scale, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(F.pad(x, self.pad), self.kernel, self.stride)
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


class Flatten(nn.Module):
    """Flatten every dimension after the batch, in C, H, W order."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(x, 1)


class Add(nn.Module):
    """Sum of a list of inputs, left to right.

    With ``inplace_index`` (0 or 1, set by the emitter when no one else reads that input)
    the sum is accumulated into that input, as torchvision's ``out += identity`` does.
    Takes one list (``variadic``), not ``*xs``, so ``torch.jit.script`` compiles it.
    """

    variadic = True

    def __init__(self, inplace_index: int | None = None) -> None:
        super().__init__()
        self.inplace_index = inplace_index

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        j = self.inplace_index
        if j is None:
            out = xs[0] + xs[1]
            for x in xs[2:]:
                out = out + x
        else:
            out = xs[j].add_(xs[1 - j])
            for x in xs[2:]:
                out = out.add_(x)
        return out

    def extra_repr(self) -> str:
        return "" if self.inplace_index is None else f"inplace_index={self.inplace_index}"


class Concat(nn.Module):
    """Concatenate a list of inputs along ``dim`` (batch included: 1 is the first
    logical axis), in order (``variadic``, as Add)."""

    variadic = True

    def __init__(self, dim: int = 1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(xs, dim=self.dim)


class Clip(nn.Module):
    """``torch.clamp(x, min, max)``; a bound of None is left out."""

    def __init__(self, low: float | None, high: float | None) -> None:
        super().__init__()
        self.low, self.high = low, high

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.low, self.high)

    def extra_repr(self) -> str:
        return f"min={self.low}, max={self.high}"


class _Arithmetic(nn.Module):
    """``f(x, y)`` broadcasting, or ``f(x, scalar)`` for one input (the constant as a
    0-d tensor of x's dtype: ``torch.maximum`` takes no Python number). One subclass per
    function, so that ``torch.jit.script`` compiles each."""

    def __init__(self, scalar: float | None = None) -> None:
        super().__init__()
        self.scalar = scalar

    def other(self, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if y is not None:
            return y
        scalar = self.scalar
        assert scalar is not None
        return torch.full((), scalar, dtype=x.dtype, device=x.device)

    def extra_repr(self) -> str:
        return "" if self.scalar is None else f"scalar={self.scalar}"


class Mul(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.mul(x, self.other(x, y))


class Sub(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sub(x, self.other(x, y))


class Div(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.div(x, self.other(x, y))


class Maximum(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.maximum(x, self.other(x, y))


class Minimum(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.minimum(x, self.other(x, y))


class _Reduce(nn.Module):
    """A reduction over ``dims`` (batch first) with ``keepdim``; one subclass per
    function, so that ``torch.jit.script`` compiles each."""

    def __init__(self, dims: tuple[int, ...], keepdim: bool) -> None:
        super().__init__()
        self.dims, self.keepdim = list(dims), keepdim

    def extra_repr(self) -> str:
        return f"dim={self.dims}, keepdim={self.keepdim}"


class Mean(_Reduce):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.mean(x, dim=self.dims, keepdim=self.keepdim)


class Sum(_Reduce):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sum(x, dim=self.dims, keepdim=self.keepdim)


class Amax(_Reduce):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.amax(x, dim=self.dims, keepdim=self.keepdim)


class Take(nn.Module):
    """The positions ``index`` along ``dim`` (a slice's kept positions), as
    ``index_select``; the index is a non-persistent buffer, not a weight."""

    def __init__(self, dim: int, index: list[int]) -> None:
        super().__init__()
        self.dim = dim
        self.register_buffer("index", torch.tensor(index, dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.index_select(x, self.dim, self.index)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, index={self.index.tolist()}"


class StochasticDepth(nn.Dropout):
    """torchvision.ops.stochastic_depth: the identity in eval mode; in training each
    sample (``row``) or the batch is zeroed with probability ``p`` and the rest divided
    by ``1 - p``. A Dropout, so that whatever switches dropout off switches it off."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__(p)
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode}"


class HardSigmoid(nn.Module):
    """``relu6(x + 3) / 6``: nn.Hardsigmoid's forward, but a float64 backward exact
    (nn.Hardsigmoid multiplies the gradient by 1/6 in float32 precision)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu6(x + 3.0) / 6.0
