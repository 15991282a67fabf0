"""Hand-written PyTorch modules, as people write them (not netir's emitted classes)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def small_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
        nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(16), nn.Hardswish(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Dropout(0.2), nn.Linear(16, 10))


class Residual(nn.Module):
    """A ResNet basic block: ``out += identity`` and F.relu."""

    def __init__(self, c: int = 8) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x
        return F.relu(out)


class MeanPoolHead(nn.Module):
    """``x.mean((2, 3), keepdim=True)`` as a global pool, then a squeeze-excite style
    gate and ``x.view(n, -1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.gate = nn.Conv2d(8, 8, 1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.stem(x)
        s = torch.sigmoid(self.gate(x.mean((2, 3), keepdim=True)))
        x = x * s
        x = x.mean((2, 3))
        return self.fc(x.view(x.size(0), -1))


class ConvNeXtBlock(nn.Module):
    """permute -> LayerNorm -> Linear -> GELU -> Linear -> permute back, plus the input."""

    def __init__(self, c: int = 8) -> None:
        super().__init__()
        self.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.fc1 = nn.Linear(c, 4 * c)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(4 * c, c)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.fc2(self.act(self.fc1(self.norm(y))))
        return x + y.permute(0, 3, 1, 2)


class Shuffle(nn.Module):
    """ShuffleNet's view / transpose / view channel shuffle between two convolutions."""

    def __init__(self, groups: int = 2) -> None:
        super().__init__()
        self.groups = groups
        self.a = nn.Conv2d(3, 8, 1, groups=1)
        self.b = nn.Conv2d(8, 8, 1, groups=2)

    def forward(self, x):
        x = self.a(x)
        n, c, h, w = x.size()
        x = x.view(n, self.groups, c // self.groups, h, w)
        x = torch.transpose(x, 1, 2).contiguous()
        x = x.view(n, -1, h, w)
        return torch.cat([self.b(x), x], dim=1)


class TinyViT(nn.Module):
    """Patches as tokens (flatten(2).transpose(1, 2)), a class token, a position
    embedding, one attention block with nn.MultiheadAttention, the class token's head."""

    def __init__(self, d: int = 16, heads: int = 2) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, d, 4, stride=4)
        self.cls = nn.Parameter(torch.randn(1, 1, d))
        self.pos = nn.Parameter(torch.randn(1, 5, d))
        self.ln = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        n = x.shape[0]
        x = torch.cat([self.cls.expand(n, -1, -1), x], dim=1) + self.pos
        y = self.ln(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return self.head(x[:, 0])


ACTIVATIONS = (nn.ReLU(), nn.ReLU6(), nn.Hardtanh(-2.0, 2.5), nn.LeakyReLU(0.2), nn.ELU(0.7),
               nn.GELU(), nn.GELU(approximate="tanh"), nn.SiLU(), nn.Hardswish(),
               nn.Hardsigmoid(), nn.Sigmoid(), nn.Tanh(), nn.Mish(), nn.Softplus(),
               nn.PReLU(), nn.PReLU(8), nn.Softmax(dim=1))


def activations() -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), *ACTIVATIONS)


class Conv3DSimple(nn.Conv3d):
    """torchvision's video block conv: an nn.Conv3d whose class adds only __init__ and a
    static method (it computes as nn.Conv3d)."""

    def __init__(self, in_planes, out_planes, stride=1, padding=1):
        super().__init__(in_planes, out_planes, (3, 3, 3), stride, padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        return stride, stride, stride


class DoubledConv(nn.Conv2d):
    """An nn.Conv2d whose forward is its own: traced into, not taken as a leaf."""

    def forward(self, x):
        return super().forward(x) * 2.0


def subclasses() -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 3, 1), DoubledConv(3, 4, 3, padding=1))


class Video(nn.Module):
    """torchvision's video ResNets in small: Conv3d stems with per-axis strides and
    padding, BatchNorm3d, a (2+1)-D factorised conv, the 3-D pools (S3D's padded max pool,
    a ceil-mode one, an average pool) and an adaptive pool to one cell."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv3d(3, 8, (3, 5, 5), (1, 2, 2), (1, 2, 2), bias=False),
                                  nn.BatchNorm3d(8), nn.ReLU(inplace=True))
        self.spatial = nn.Conv3d(8, 6, (1, 3, 3), padding=(0, 1, 1), groups=2)
        self.block = Conv3DSimple(8, 8)
        self.temporal = nn.Conv3d(6, 8, (3, 1, 1), padding=(1, 0, 0), dilation=(1, 1, 1))
        self.pool = nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1))
        self.ceil = nn.MaxPool3d(2, ceil_mode=True)
        self.avg = nn.AvgPool3d((1, 2, 2), padding=(0, 1, 0), count_include_pad=False)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        x = self.block(self.pool(self.stem(x)))
        x = x + self.temporal(torch.relu(self.spatial(x)))
        x = self.avg(self.ceil(x))
        x = nn.functional.adaptive_avg_pool3d(x, 1).flatten(1)
        return self.head(x)


#: name: (module factory, example input shape)
PLAIN = {
    "small_cnn": (small_cnn, (2, 3, 16, 16)),
    "residual": (Residual, (2, 8, 8, 8)),
    "mean_pool_head": (MeanPoolHead, (2, 3, 8, 8)),
    "convnext_block": (ConvNeXtBlock, (2, 8, 8, 8)),
    "shuffle": (Shuffle, (2, 3, 6, 6)),
    "tiny_vit": (TinyViT, (2, 3, 8, 8)),
    "activations": (activations, (2, 3, 6, 6)),
    "video": (Video, (2, 3, 5, 12, 13)),
    "subclasses": (subclasses, (2, 3, 6, 6)),
}
