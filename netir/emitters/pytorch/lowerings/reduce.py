"""PyTorch lowerings of the reductions (netir/ir/ops/reduce.py) over the plan's
batch-first axes."""

from __future__ import annotations

import torch
from torch import nn


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


def _reduction(module: type[_Reduce]):
    return lambda plan, inputs: module(plan.axes["axes"], plan.attrs["keepdims"])


LOWERINGS = {"mean": _reduction(Mean), "sum": _reduction(Sum), "max": _reduction(Amax)}
