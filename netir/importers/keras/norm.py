"""Normalisations (netir/ir/ops/norm.py): BatchNormalization, LayerNormalization,
Normalization.

BatchNormalization is imported exactly for inference: Keras' momentum m is the IR's
1 - m. (Keras updates its moving variance with the biased batch variance, the IR with
the unbiased one: training an imported network differs there.)
"""

from __future__ import annotations

import numpy as np
from keras import layers
from keras.src.applications import convnext

from netir.importers.keras.walk import Unsupported, variable


def _channels_last(layer, x) -> None:
    axes = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    if list(axes) not in ([-1], [len(x.shape)]):
        raise Unsupported(f"normalisation over axis {layer.axis} (the IR normalises the "
                          "features, Keras' last axis)")


def _batch_norm(ctx, layer, x, training=None, mask=None):
    _channels_last(layer, x)
    c = x.shape[x.layout.index("C")]
    gamma = variable(layer.gamma) if layer.scale else np.ones(c, np.float32)
    beta = variable(layer.beta) if layer.center else np.zeros(c, np.float32)
    return ctx.add("batch_norm", [x], {"eps": float(layer.epsilon),
                                       "momentum": 1.0 - float(layer.momentum)},
                   weights={"weight": gamma, "bias": beta,
                            "running_mean": variable(layer.moving_mean),
                            "running_var": variable(layer.moving_variance)})


def _layer_norm(ctx, layer, x):
    _channels_last(layer, x)
    if not (layer.scale and layer.center) or getattr(layer, "rms_scaling", False):
        raise Unsupported("LayerNormalization without gamma and beta, or RMS scaling")
    return ctx.add("layer_norm", [x], {"eps": float(layer.epsilon)},
                   weights={"weight": variable(layer.gamma), "bias": variable(layer.beta)})


def _normalization(ctx, layer, x):
    """``(x - mean) / max(sqrt(var), 1e-7)``: a batch norm of weight 1, bias 0 (to float
    rounding; the IR holds the statistics as trainable running statistics)."""
    if layer.invert:
        raise Unsupported("Normalization(invert=True)")
    _channels_last(layer, x)
    mean = variable(layer.mean).reshape(-1)
    std = np.maximum(np.sqrt(variable(layer.variance).reshape(-1)), 1e-7)
    c = mean.size
    return ctx.add("batch_norm", [x], {"eps": 1e-12, "momentum": 0.0},
                   weights={"weight": np.ones(c, np.float32), "bias": np.zeros(c, np.float32),
                            "running_mean": mean, "running_var": std * std})


def _layer_scale(ctx, layer, x):
    """keras.applications' ConvNeXt LayerScale: ``x * gamma`` per feature."""
    y = ctx.add("layer_scale", [x])
    (shape,) = ctx.graph.param_shapes(y.name)[0].values()
    ctx._take(y.name, {"weight": variable(layer.gamma).reshape(shape)})
    return y


LAYERS = {layers.BatchNormalization: _batch_norm, layers.LayerNormalization: _layer_norm,
          layers.Normalization: _normalization, convnext.LayerScale: _layer_scale}
