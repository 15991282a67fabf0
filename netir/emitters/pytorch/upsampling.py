"""The PyTorch lowerings of the upsampling ops (conv_transpose2d, upsample), registered on
import by :mod:`.lowerings`; same signature as there."""

from __future__ import annotations

from torch import nn

from netir.emitters.pytorch.lowerings import _lower


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph, inputs):
    a = node.attrs
    return nn.ConvTranspose2d(graph.input_shapes(node)[0][0], a["out_channels"], a["kernel"],
                              stride=a["stride"], padding=a["padding"],
                              output_padding=a["output_padding"], groups=a["groups"],
                              bias=a["bias"], dilation=a["dilation"])


@_lower("upsample")
def _upsample(node, graph, inputs):
    """``nn.Upsample`` to the output size: for an integer factor PyTorch's scale
    ``in/out`` is the factor's inverse, exactly."""
    a = node.attrs
    return nn.Upsample(size=tuple(node.shape[1:]), mode=a["mode"],
                       align_corners=a["align_corners"] if a["mode"] == "bilinear" else None)
