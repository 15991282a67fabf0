"""Modules the IR cannot express as they stand (each line that must be reported is
marked with a ``# refused:`` comment, so tests find its line number in this file)."""

from __future__ import annotations

import torch
from torch import nn


class ThreeUnsupported(nn.Module):
    """A supported conv, then three things the IR has no op for: a function, a tensor
    method and a module."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        x = self.conv(x)
        x = torch.cumsum(x, dim=1)  # refused: torch.cumsum
        x = x.flip(3)  # refused: Tensor.flip
        return self.shuffle(x)  # refused: PixelShuffle


class AppliedTwice(nn.Module):
    """One convolution applied twice: its weights are shared by two call sites."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.body = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x):
        x = self.stem(x)
        x = self.body(x)  # refused: first call
        return self.body(x)  # refused: second call


class ReluTwice(nn.Module):
    """A ReLU module (no weights) applied twice: nothing is shared, so it imports."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(self.act(x)))


def small_convnet() -> nn.Module:
    """A plain conv net with no arguments (the CLI's ``package.module:callable`` spec)."""
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5))
