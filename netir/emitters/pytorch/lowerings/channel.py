"""PyTorch lowerings of the channel ops (netir/ir/ops/channel.py): concatenation, the
channel shuffle and slices, along the plan's batch-first axes."""

from __future__ import annotations

import torch
from torch import nn

from netir.ir.ops.channel import slice_indices


class Concat(nn.Module):
    """Concatenate a list of inputs along ``dim`` (batch included: 1 is the first
    logical axis), in order (``variadic``, as Add)."""

    variadic = True

    def __init__(self, dim: int = 1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(xs, dim=self.dim)


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


def slice_(plan, inputs):
    a = plan.attrs
    kept = slice_indices(a, plan.inputs[0][a["axis"]])
    return Take(plan.axes["axis"], list(kept))


LOWERINGS = {
    "concat": lambda plan, inputs: Concat(plan.axes["axis"]),
    "channel_shuffle": lambda plan, inputs: nn.ChannelShuffle(plan.attrs["groups"]),
    "slice": slice_,
}
