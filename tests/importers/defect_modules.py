"""Modules that once made the importer fail with a raw exception (each a small form of
a timm pattern); each now imports or is refused naming the node and what the IR lacks."""

from __future__ import annotations

import torch
from torch import nn


class CachedBias(nn.Module):
    """A bias computed in forward and cached on the module in eval mode (timm's LeViT
    and EfficientFormer attention-bias cache): tracing must not leave a traced value
    in the cache, or a second trace reads the first one's."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.scale = nn.Parameter(torch.ones(1, 4, 1, 1) * 0.5)
        self.cache: dict = {}

    def bias(self, device):
        if self.training:
            return self.scale
        if str(device) not in self.cache:
            self.cache[str(device)] = self.scale
        return self.cache[str(device)]

    def forward(self, x):
        return self.conv(x) + self.bias(x.device)


class OptionalMask(nn.Module):
    """``forward(x, mask=None)`` branching on ``mask is not None`` (timm's ViT blocks):
    the mask is left at its default, not traced as a tensor."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x, mask=None):
        x = self.fc(x)
        if mask is not None:
            x = x.masked_fill(mask, 0.0)
        return x


class SoftmaxOfParameter(nn.Module):
    """A learned tensor given straight to softmax (timm's EfficientViM weights)."""

    def __init__(self) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.zeros(4))
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        return self.conv(x) * self.weights.softmax(-1).view(1, -1, 1, 1)  # refused: softmax


class LinearOfBuffer(nn.Module):
    """A Linear applied to a buffer (Swin V2's continuous position bias MLP)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("table", torch.randn(5, 2))
        self.mlp = nn.Linear(2, 4)
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x) + self.mlp(self.table).mean(0)  # refused: mlp


class SpaceToDepth(nn.Module):
    """A view to rank 6 (TResNet's space-to-depth): more axes than the IR's tensors."""

    def forward(self, x):
        n, c, h, w = x.size()
        x = x.view(n, c, h // 2, 2, w // 2, 2)  # refused: view
        x = x.permute(0, 3, 5, 1, 2, 4).contiguous()
        return x.view(n, c * 4, h // 2, w // 2)


class SplitAfterUnsupported(nn.Module):
    """A tuple-valued call on the output of an unsupported node (res2net's split after
    a node the IR lacks): its parts are not traced constants handed to the conv."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        x = torch.cumsum(x, dim=1)  # refused: cumsum
        a, b = torch.tensor_split(x, 2, dim=1)  # refused: tensor_split
        return self.conv(a[:, :2]) + b[:, :2]


class SizeBranches(nn.Module):
    """Control flow on sizes, which fx cannot trace (timm's VGG pre-logits, ViT's
    dynamic sizes, Hiera's ``len``): captured by torch.export instead."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 4)
        self.cls = nn.Parameter(torch.randn(1, 1, 8))

    def forward(self, x):
        assert x.ndim == 4
        x = torch.relu(self.bn(self.conv(x)))
        if x.shape[-1] > 4:
            x = x[:, :, :4, :4]
        n = len(x)
        tokens = x.flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls.expand(n, -1, -1), tokens], dim=1)
        tokens = self.norm(tokens).reshape(n, -1, 2, 4).permute(2, 0, 1, 3)
        a, b = tokens.unbind(0)
        return self.fc(torch.cat([a, b], dim=-1).mean(1))


class ValueBranch(nn.Module):
    """Control flow on a value: neither fx nor torch.export can capture it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        x = self.conv(x)
        if x.sum() > 0:
            return x
        return -x
