"""PyTorch modules of the feature-axis and token ops (see ``netir/ir/ops/tokens.py``)."""

from __future__ import annotations

import torch
from torch import nn


class FeatureLayerNorm(nn.LayerNorm):
    """``nn.LayerNorm`` over the features of a features-first tensor (C, ...): the
    feature axis is moved last and back, as torchvision's ConvNeXt ``LayerNorm2d``
    does; parameters stay ``weight`` and ``bias`` of shape (C,)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


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


class FeaturePReLU(nn.PReLU):
    """``nn.PReLU`` with one slope per feature of a features-last tensor (N, T, C):
    nn.PReLU reads its slopes along dim 1, so the features are moved there and back."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(-1, 1)).movedim(1, -1)


class FeatureLinear(nn.Linear):
    """``nn.Linear`` on the features of a features-first tensor (N, C, ...): ConvNeXt's
    per-position Linear, the features moved last and back (torchvision permutes the
    same way); parameters stay ``weight`` (out, in) and ``bias``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)
