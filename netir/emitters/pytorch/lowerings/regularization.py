"""PyTorch lowerings of dropout and stochastic depth (netir/ir/ops/regularization.py):
the identity in eval mode."""

from __future__ import annotations

import torch
from torch import nn


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


LOWERINGS = {
    "dropout": lambda plan, inputs: nn.Dropout(plan.attrs["rate"]),
    "stochastic_depth": lambda plan, inputs: StochasticDepth(plan.attrs["p"],
                                                             plan.attrs["mode"]),
}
