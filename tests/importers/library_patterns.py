"""Modules written as torchvision writes them (its code, not its package: the pinned
environment has no torchvision), for the patterns its models import through.

Two classes take torchvision's qualified names, which is how the import table knows a
library's type without importing the library.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ChunkSplit(nn.Module):
    """ShuffleNet V2's unit: ``x.chunk(2, dim=1)``, one half through a branch."""

    def __init__(self) -> None:
        super().__init__()
        self.branch = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        x1, x2 = x.chunk(2, dim=1)
        return torch.cat((x1, self.branch(x2)), dim=1)


class GrowingConcat(nn.Module):
    """DenseNet's block: each layer reads the concatenation of every feature so far
    (its first layer a concatenation of one tensor); the block returns them all."""

    def __init__(self, layers: int = 3, growth: int = 2) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(3 + k * growth, growth, 3, padding=1)
                                   for k in range(layers))

    def forward(self, x):
        features = [x]
        for conv in self.convs:
            features.append(conv(torch.cat(features, 1)))
        return torch.cat(features, 1)


class ReshapedPatches(nn.Module):
    """torchvision's ViT input: ``reshape(n, d, h * w).permute(0, 2, 1)`` patches, a
    rank assertion, and a class token expanded to the batch read from the image."""

    def __init__(self, d: int = 8) -> None:
        super().__init__()
        self.d = d
        self.conv_proj = nn.Conv2d(3, d, 4, stride=4)
        self.class_token = nn.Parameter(torch.randn(1, 1, d))
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        n, _, h, w = x.shape
        x = self.conv_proj(x)
        x = x.reshape(n, self.d, (h // 4) * (w // 4)).permute(0, 2, 1)
        torch._assert(x.dim() == 3, "tokens")
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
        return self.head(x[:, 0] + x[:, 1])


class LayerNorm2d(nn.LayerNorm):
    """torchvision.models.convnext.LayerNorm2d's forward."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


LayerNorm2d.__module__ = "torchvision.models.convnext"


class StochasticDepth(nn.Module):
    """torchvision.ops.StochasticDepth: in eval mode, the identity."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty(x.shape[0], 1, 1, 1).bernoulli_(1.0 - self.p)
        return x * keep / (1.0 - self.p)


StochasticDepth.__module__ = "torchvision.ops.stochastic_depth"


class ConvNeXtStem(nn.Module):
    """ConvNeXt's stem and a residual through stochastic depth, torchvision's types."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 2, stride=2)
        self.norm = LayerNorm2d(8, eps=1e-6)
        self.block = nn.Conv2d(8, 8, 3, padding=1)
        self.stochastic_depth = StochasticDepth(0.1, "row")

    def forward(self, x):
        x = self.norm(self.conv(x))
        return x + self.stochastic_depth(self.block(x))


class DictOutput(nn.Module):
    """torchvision's segmentation models return ``{"out": ...}`` (and ``"aux"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Conv2d(3, 4, 3, padding=1)
        self.classifier = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        result = {}
        result["out"] = self.classifier(torch.relu(self.backbone(x)))
        return result


PATTERNS = {
    "chunk_split": (ChunkSplit, (2, 8, 6, 6)),
    "growing_concat": (GrowingConcat, (2, 3, 6, 6)),
    "reshaped_patches": (ReshapedPatches, (2, 3, 8, 8)),
    "convnext_stem": (ConvNeXtStem, (2, 3, 8, 8)),
    "dict_output": (DictOutput, (2, 3, 6, 6)),
}
