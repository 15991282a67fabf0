"""The PyTorch lowering of conv1d, registered on import by :mod:`.lowerings`."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from netir.emitters.pytorch.lowerings import _lower


class PaddedConv1d(nn.Conv1d):
    """Conv1d after explicit (possibly asymmetric) zero padding ``(left, right)``; the
    parameters and state_dict keys of nn.Conv1d."""

    def __init__(self, *args, pad: tuple[int, int], **kwargs) -> None:
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(F.pad(x, self.pad), self.weight, self.bias)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", pad={self.pad}"


@_lower("conv1d")
def _conv1d(node, graph, inputs):
    a = node.attrs
    args = (graph.input_shapes(node)[0][0], a["out_channels"], a["kernel"])
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    left, right = a["padding"]
    if left == right:
        return nn.Conv1d(*args, padding=left, **kw)
    return PaddedConv1d(*args, pad=(left, right), **kw)
