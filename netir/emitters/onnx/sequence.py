"""The ONNX lowering of conv1d, registered on import by :mod:`.lowerings`."""

from __future__ import annotations

from netir.emitters.onnx.lowerings import _lower
from netir.emitters.onnx.protos import op, param


@_lower("conv1d")
def _conv1d(node, graph, inputs):
    """A 1-D ``Conv``: pads ``[left, right]``, weight (out, in/groups, k) as it is."""
    a = node.attrs
    args = [inputs[0], param(node, "weight")] + ([param(node, "bias")] if a["bias"] else [])
    return [op("Conv", args, node.name, kernel_shape=[a["kernel"]], strides=[a["stride"]],
               dilations=[a["dilation"]], pads=list(a["padding"]), group=a["groups"])]
