"""The PyTorch lowering of dense (netir/ir/ops/dense.py): nn.Linear on the features."""

from __future__ import annotations

import torch
from torch import nn


class FeatureLinear(nn.Linear):
    """``nn.Linear`` on the features of a features-first tensor (N, C, ...): ConvNeXt's
    per-position Linear, the features moved last and back (torchvision permutes the
    same way); parameters stay ``weight`` (out, in) and ``bias``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


def dense(plan, inputs):
    """nn.Linear when the features are the last axis; features first, a subclass that
    moves them there."""
    source = plan.inputs[0]
    cls = nn.Linear if plan.feature_axis == len(source) else FeatureLinear
    return cls(source.features, plan.attrs["units"], bias=plan.attrs["bias"])


LOWERINGS = {"dense": dense}
