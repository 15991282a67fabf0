"""PyTorch lowerings of the normalizations (netir/ir/ops/norm.py): torch.nn's modules of
the input's rank, over its features."""

from __future__ import annotations

import torch
from torch import nn


class FeatureLayerNorm(nn.LayerNorm):
    """``nn.LayerNorm`` over the features of a features-first tensor (C, ...): the
    feature axis is moved last and back, as torchvision's ConvNeXt ``LayerNorm2d``
    does; parameters stay ``weight`` and ``bias`` of shape (C,)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


#: By the input's rank (batch excluded): features, a sequence, a map, a volume.
_BATCH_NORM = {1: nn.BatchNorm1d, 2: nn.BatchNorm1d, 3: nn.BatchNorm2d, 4: nn.BatchNorm3d}
_INSTANCE_NORM = {2: nn.InstanceNorm1d, 3: nn.InstanceNorm2d, 4: nn.InstanceNorm3d}


def batch_norm(plan, inputs):
    source, a = plan.inputs[0], plan.attrs
    return _BATCH_NORM[len(source)](source.features, eps=a["eps"], momentum=a["momentum"])


def local_response_norm(plan, inputs):
    a = plan.attrs
    return nn.LocalResponseNorm(a["size"], alpha=a["alpha"], beta=a["beta"], k=a["k"])


def group_norm(plan, inputs):
    a = plan.attrs
    return nn.GroupNorm(a["num_groups"], plan.inputs[0].features, eps=a["eps"],
                        affine=a["affine"])


def instance_norm(plan, inputs):
    source = plan.inputs[0]
    return _INSTANCE_NORM[len(source)](source.features, eps=plan.attrs["eps"],
                                       affine=plan.attrs["affine"])


def layer_norm(plan, inputs):
    """nn.LayerNorm when the features are the last axis, else a subclass that moves
    them there."""
    source = plan.inputs[0]
    cls = nn.LayerNorm if plan.feature_axis == len(source) else FeatureLayerNorm
    return cls(source.features, eps=plan.attrs["eps"])


LOWERINGS = {
    "batch_norm": batch_norm,
    "local_response_norm": local_response_norm,
    "group_norm": group_norm,
    "instance_norm": instance_norm,
    "layer_norm": layer_norm,
}
