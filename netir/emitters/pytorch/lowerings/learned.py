"""PyTorch lowerings of the learned tensors (netir/ir/ops/learned.py): bare parameters
at the node's path (:class:`~netir.emitters.pytorch.lowered.BareParameter`), as
torchvision holds a ViT's ``class_token`` and a ConvNeXt block's ``layer_scale``."""

from __future__ import annotations

import torch

from netir.emitters.pytorch.lowered import BareParameter


def expand_to_batch(parameter: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The (1, *S) parameter repeated for each sample of x's batch (torchvision's
    ``class_token.expand(n, -1, -1)``, as a copy: a view of a parameter would require
    gradients even under ``torch.no_grad``)."""
    return parameter.repeat([x.shape[0]] + [1] * (parameter.dim() - 1))


def scale_by(parameter: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """ConvNeXt's ``layer_scale * x``, the (C, 1, 1) scale broadcast over the batch."""
    return parameter * x


LOWERINGS = {
    "parameter": lambda plan, inputs: BareParameter((1, *plan.output), expand_to_batch),
    "layer_scale": lambda plan, inputs: BareParameter(plan.params["weight"], scale_by),
}
