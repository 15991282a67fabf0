"""The PyTorch source of the conv ops (``netir/ir/ops/conv.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build, input_of, pad4, symmetric, torch_pad

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("conv2d")
@_lower("conv3d")
def _convolution(node, graph):
    """``nn.Conv{rank}d``, or ``PaddedConv{rank}d`` where the padding is asymmetric."""
    a = node.attrs
    rank = len(a["kernel"])
    args = (("in_channels", input_of(graph, node)[0]), ("out_channels", a["out_channels"]),
            ("kernel_size", a["kernel"]))
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    if symmetric(a["padding"]):
        return build(f"nn.Conv{rank}d", *args, padding=tuple(p for p, _ in a["padding"]), **kw)
    return build(f"PaddedConv{rank}d", *args, pad=torch_pad(a["padding"]),
                 helpers=(f"PaddedConv{rank}d",), **kw)


@_lower("conv1d")
def _conv1d(node, graph):
    a = node.attrs
    args = (("in_channels", input_of(graph, node)[0]), ("out_channels", a["out_channels"]),
            ("kernel_size", a["kernel"]))
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    left, right = a["padding"]
    if left == right:
        return build("nn.Conv1d", *args, padding=left, **kw)
    return build("PaddedConv1d", *args, pad=(left, right), helpers=("PaddedConv1d",), **kw)


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph):
    a = node.attrs
    return build("nn.ConvTranspose2d", ("in_channels", input_of(graph, node)[0]),
              ("out_channels", a["out_channels"]), ("kernel_size", a["kernel"]),
              stride=a["stride"], padding=a["padding"], output_padding=a["output_padding"],
              groups=a["groups"], bias=a["bias"], dilation=a["dilation"])


_lower("zero_pad2d")(lambda node, graph: build(
    "nn.ZeroPad2d", ("padding", pad4(node.attrs["padding"]))))
