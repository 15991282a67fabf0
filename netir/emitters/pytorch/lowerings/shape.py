"""PyTorch lowerings of the shape ops (netir/ir/ops/shape.py). Tensors are in the
logical order, batch first, as every PyTorch lowering sees them."""

from __future__ import annotations

import torch
from torch import nn

from netir.ir.ops.shape import dims_of


class Reshape(nn.Module):
    """``x.reshape(n, *shape)``: the logical (row-major) order read into ``shape``."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = list(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape([x.shape[0]] + self.shape)

    def extra_repr(self) -> str:
        return f"shape={tuple(self.shape)}"


class Permute(nn.Module):
    """``x.permute(dims)``, ``dims`` batch included (the batch stays first)."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        super().__init__()
        self.dims = list(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(self.dims)

    def extra_repr(self) -> str:
        return f"dims={tuple(self.dims)}"


class Select(nn.Module):
    """``x.select(dim, index)``, ``dim`` batch included."""

    def __init__(self, dim: int, index: int) -> None:
        super().__init__()
        self.dim, self.index = dim, index

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.select(self.dim, self.index)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, index={self.index}"


class Flatten(nn.Module):
    """Flatten every dimension after the batch, in C, H, W order."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(x, 1)


class ToTokens(nn.Module):
    """(N, C, H, W) -> (N, H*W, C), ViT's ``reshape(n, c, h*w).permute(0, 2, 1)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(2).transpose(1, 2)


class FromTokens(nn.Module):
    """(N, H*W, C) -> (N, C, H, W), the inverse of :class:`ToTokens`."""

    def __init__(self, height: int, width: int) -> None:
        super().__init__()
        self.height, self.width = height, width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(1, 2).unflatten(2, (self.height, self.width))


def permute(plan, inputs):
    """A permutation (its ``dims``) or two swapped axes, of the batched tensor: the
    plan's batch-first axes (the batch axis stays first)."""
    return Permute(dims_of(plan.axes, len(plan.inputs[0]) + 1))


LOWERINGS = {
    "reshape": lambda plan, inputs: Reshape(plan.output),
    "permute": permute,
    "transpose": permute,
    "select": lambda plan, inputs: Select(plan.axes["axis"], plan.attrs["index"]),
    "flatten": lambda plan, inputs: Flatten(),
    "to_tokens": lambda plan, inputs: ToTokens(),
    "from_tokens": lambda plan, inputs: FromTokens(plan.attrs["height"], plan.attrs["width"]),
}
