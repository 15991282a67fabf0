"""Keras lowering of upsampling (netir/ir/ops/resize.py): PyTorch's ``interpolate``
written with ``keras.ops`` (:class:`netir.emitters.keras3.upsampling.Resize2D`)."""

from __future__ import annotations

from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.upsampling import Resize2D


def upsample(plan, inputs):
    a = plan.attrs
    return Resize2D(plan.inputs[0][1:], plan.output[1:], a["mode"],
                    a["align_corners"], name=_n(plan))(inputs[0])


LOWERINGS = {"upsample": upsample}
