"""Small nn.Modules for the cases torch.nn cannot express directly."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Scope(nn.Module):
    """A container for one dotted scope; ``scope[4]`` finds the child named ``"4"``.

    The generated forward reaches a layer through a chain of scopes
    (``self.features.denseblock1.denselayer1.norm1``). nn.Module resolves each child in
    Python through ``__getattr__``; a Scope also keeps its children in its instance dict,
    so the chain resolves at C speed (DenseNet-121 at 32x32: 7.5 -> 6.9 ms). The mirror
    follows every way of setting or deleting a child; ``_modules`` stays the truth.
    """

    def __setattr__(self, name: str, value) -> None:
        super().__setattr__(name, value)
        self._mirror(name)

    def __delattr__(self, name: str) -> None:
        if name in self._modules:
            self.__dict__.pop(name, None)
        super().__delattr__(name)

    def add_module(self, name: str, module: nn.Module | None) -> None:
        super().add_module(name, module)
        self._mirror(name)

    def _mirror(self, name: str) -> None:
        modules = self.__dict__.get("_modules")
        if modules is not None and name in modules:
            self.__dict__[name] = modules[name]

    def __getitem__(self, key: int | str) -> nn.Module:
        return self._modules[str(key)]

    def __setitem__(self, key: int | str, module: nn.Module) -> None:
        setattr(self, str(key), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class PaddedConv2d(nn.Conv2d):
    """Conv2d after explicit (possibly asymmetric) zero padding ``(l, r, t, b)``.

    Same parameters and state_dict keys as nn.Conv2d.
    """

    def __init__(self, *args, pad: tuple[int, int, int, int], **kwargs) -> None:
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(F.pad(x, self.pad))

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
    """Mean over H and W: (N, C, H, W) -> (N, C)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


class Flatten(nn.Module):
    """Flatten every dimension after the batch, in C, H, W order."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(x, 1)


class Add(nn.Module):
    """Sum of any number of inputs, left to right.

    With ``inplace_index`` (0 or 1, set by the emitter when no one else reads that input)
    the sum is accumulated into that input, as torchvision's ``out += identity`` does.
    """

    def __init__(self, inplace_index: int | None = None) -> None:
        super().__init__()
        self.inplace_index = inplace_index

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        j = self.inplace_index
        if j is None:
            out = xs[0] + xs[1]
        else:
            out = xs[j].add_(xs[1 - j])
        for x in xs[2:]:
            out = out + x if j is None else out.add_(x)
        return out

    def extra_repr(self) -> str:
        return "" if self.inplace_index is None else f"inplace_index={self.inplace_index}"


class Concat(nn.Module):
    """Concatenate inputs along channels, in order."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, dim=1)
