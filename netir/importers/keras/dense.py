"""Dense (netir/ir/ops/dense.py): Keras' ``(in, out)`` kernel is the IR's ``OI``
transposed; on a map (features last in Keras) a 1x1 conv2d."""

from __future__ import annotations

from keras import layers

from netir.importers.keras.common import activation
from netir.importers.keras.walk import variable


def _dense(ctx, layer, x):
    kernel = variable(layer.kernel).T
    weights = {"weight": kernel}
    if layer.use_bias:
        weights["bias"] = variable(layer.bias)
    if x.layout == "CHW":
        y = ctx.add("conv2d", [x], {"out_channels": layer.units, "kernel": (1, 1),
                                    "bias": layer.use_bias},
                    weights={**weights, "weight": kernel[:, :, None, None]})
    else:
        y = ctx.add("dense", [x], {"units": layer.units, "bias": layer.use_bias},
                    weights=weights)
    return activation(ctx, layer, y)


LAYERS = {layers.Dense: _dense}
