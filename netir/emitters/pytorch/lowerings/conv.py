"""PyTorch lowerings of the convolutions and zero padding (netir/ir/ops/conv.py).

One lowering serves conv1d, conv2d and conv3d: ``nn.Conv{rank}d`` for symmetric
padding, else :class:`PaddedConv`, both read from the node's window plan. Weights are
the neutral (out, in/groups, *kernel), torch's own; state_dict keys ``<node>.weight``
and ``<node>.bias``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.conv import _ConvNd

from netir.emitters.pytorch.padding import torch_pad
from netir.ir.ops.window import per_axis


class PaddedConv(_ConvNd):
    """A convolution of any rank after explicit (possibly asymmetric) zero padding
    ``pad`` (``F.pad``'s order: the last axis first). torch's convolution base, so the
    parameters, their initialization and the state_dict keys are those of
    ``nn.Conv{rank}d``; ``torch.convolution`` is the N-d op every ``nn.Conv{rank}d``
    calls."""

    def __init__(self, in_channels: int, out_channels: int, kernel: tuple[int, ...], *,
                 stride: tuple[int, ...], dilation: tuple[int, ...], groups: int,
                 bias: bool, pad: tuple[int, ...]) -> None:
        zeros = (0,) * len(kernel)
        super().__init__(in_channels, out_channels, tuple(kernel), tuple(stride), zeros,
                         tuple(dilation), False, zeros, groups, bias, "zeros")
        self.pad = tuple(pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.convolution(F.pad(x, self.pad), self.weight, self.bias, self.stride,
                                 self.padding, self.dilation, False, self.output_padding,
                                 self.groups)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", pad={self.pad}"


_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}


def convolution(plan, inputs):
    """``nn.Conv{rank}d`` when each axis pads alike before and after, else
    :class:`PaddedConv` of the declared padding."""
    a, w = plan.attrs, plan.window
    args = (plan.inputs[0].features, a["out_channels"], w.kernel)
    kw = dict(stride=w.stride, dilation=w.dilation, groups=a["groups"], bias=a["bias"])
    if w.symmetric:
        return _CONV[w.rank](*args, padding=tuple(before for before, _ in w.padding), **kw)
    return PaddedConv(*args, pad=torch_pad(w.padding), **kw)


def transposed_convolution(plan, inputs):
    a = plan.attrs
    return nn.ConvTranspose2d(plan.inputs[0].features, a["out_channels"], a["kernel"],
                              stride=a["stride"], padding=a["padding"],
                              output_padding=a["output_padding"], groups=a["groups"],
                              bias=a["bias"], dilation=a["dilation"])


def zero_padding(plan, inputs):
    return nn.ZeroPad2d(torch_pad(per_axis(plan.attrs["padding"], len(plan.positions))))


LOWERINGS = {
    "conv1d": convolution,
    "conv2d": convolution,
    "conv3d": convolution,
    "conv_transpose2d": transposed_convolution,
    "zero_pad2d": zero_padding,
}
