"""PyTorch lowerings of the activations (netir/ir/ops/activation.py): torch.nn's own
modules, and the few that torch.nn cannot express directly."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Clip(nn.Module):
    """``torch.clamp(x, min, max)``; a bound of None is left out."""

    def __init__(self, low: float | None, high: float | None) -> None:
        super().__init__()
        self.low, self.high = low, high

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.low, self.high)

    def extra_repr(self) -> str:
        return f"min={self.low}, max={self.high}"


class HardSigmoid(nn.Module):
    """``relu6(x + 3) / 6``: nn.Hardsigmoid's forward, but a float64 backward exact
    (nn.Hardsigmoid multiplies the gradient by 1/6 in float32 precision)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu6(x + 3.0) / 6.0


class FeaturePReLU(nn.PReLU):
    """``nn.PReLU`` with one slope per feature of a features-last tensor (N, T, C):
    nn.PReLU reads its slopes along dim 1, so the features are moved there and back."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(-1, 1)).movedim(1, -1)


def prelu(plan, inputs):
    """nn.PReLU reads its slopes along dim 1; features elsewhere (tokens) move there."""
    count = plan.attrs["num_parameters"]
    return (FeaturePReLU if plan.feature_axis != 1 and count > 1 else nn.PReLU)(count)


LOWERINGS = {
    "relu": lambda plan, inputs: nn.ReLU(),
    "tanh": lambda plan, inputs: nn.Tanh(),
    "sigmoid": lambda plan, inputs: nn.Sigmoid(),
    "softmax": lambda plan, inputs: nn.Softmax(dim=plan.axes["axis"]),
    "hardtanh": lambda plan, inputs: nn.Hardtanh(plan.attrs["min_val"], plan.attrs["max_val"]),
    "relu6": lambda plan, inputs: nn.ReLU6(),
    "clip": lambda plan, inputs: Clip(plan.attrs["min"], plan.attrs["max"]),
    "leaky_relu": lambda plan, inputs: nn.LeakyReLU(plan.attrs["negative_slope"]),
    "elu": lambda plan, inputs: nn.ELU(plan.attrs["alpha"]),
    "gelu": lambda plan, inputs: nn.GELU(approximate=plan.attrs["approximate"]),
    "silu": lambda plan, inputs: nn.SiLU(),
    "hardswish": lambda plan, inputs: nn.Hardswish(),
    "hardsigmoid": lambda plan, inputs: HardSigmoid(),
    "mish": lambda plan, inputs: nn.Mish(),
    "softplus": lambda plan, inputs: nn.Softplus(),
    "prelu": prelu,
}
