"""Shape ops (netir/ir/ops/shape.py, channel.py, regularization.py): Flatten, Reshape,
Dropout, ZeroPadding2D, Concatenate.

Keras flattens and reshapes in its own (channels-last) order: a map is first made the
IR's tokens (H·W, C), row-major over H then W as Keras holds it, so that the flatten
or reshape that follows reads Keras' order.
"""

from __future__ import annotations

import numpy as np
from keras import layers
from keras.src.applications import convnext

from netir.importers.keras.common import logical_axis
from netir.importers.keras.walk import Unsupported


def _keras_order(ctx, x):
    """``x`` with its logical order equal to Keras' (a map as tokens; the layer's own
    node comes after, so this one is ``<layer>_tokens``)."""
    if x.layout == "CHW" and x.shape[1] * x.shape[2] > 1:
        ctx._first = True
        out = ctx.add("to_tokens", [x], role="tokens")
        ctx._first = False
        return out
    if x.layout in ("C", "TC") or (x.layout == "CHW"):
        return x
    raise Unsupported(f"a reshape of a {x.layout} tensor in Keras' order")


def _flatten(ctx, layer, x):
    return ctx.add("flatten", [_keras_order(ctx, x)])


def _reshape(ctx, layer, x):
    target = tuple(int(v) for v in layer.target_shape)
    if -1 in target:
        known = int(np.prod([v for v in target if v != -1]))
        target = tuple(int(np.prod(x.shape)) // known if v == -1 else v for v in target)
    source = _keras_order(ctx, x)
    if len(target) == 1:
        return ctx.add("reshape", [source], {"shape": target, "layout": "C"})
    if len(target) == 2:
        return ctx.add("reshape", [source], {"shape": target, "layout": "TC"})
    if len(target) == 3:
        h, w, c = target
        if h * w == 1:
            return ctx.add("reshape", [source], {"shape": (c, 1, 1), "layout": "CHW"})
        tokens = ctx.add("reshape", [source], {"shape": (h * w, c), "layout": "TC"},
                         role="tokens")
        return ctx.add("from_tokens", [tokens], {"height": h, "width": w})
    raise Unsupported(f"Reshape to {target}")


def _dropout(ctx, layer, x, training=None):
    return ctx.add("dropout", [x], {"rate": float(layer.rate)})


def _stochastic_depth(ctx, layer, x, training=None):
    """keras.applications' ConvNeXt StochasticDepth: per sample, kept with 1 - rate and
    divided by it, torchvision's mode 'row'."""
    return ctx.add("stochastic_depth", [x], {"p": float(layer.drop_path_rate), "mode": "row"})


def _cropping(ctx, layer, x):
    """Cropping2D ((top, bottom), (left, right)): a slice of H, then of W (the first
    takes the layer's name only if it is the last)."""
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise Unsupported("data_format='channels_first' (imported models are channels last)")
    y = x
    for axis, (before, after) in zip(("H", "W"), layer.cropping):
        if before or after:
            n = y.shape[y.layout.index(axis)]
            y = ctx.add("slice", [y], {"axis": y.layout.index(axis), "start": int(before),
                                       "stop": n - int(after)}, role=f"crop_{axis.lower()}")
    return y


def _zero_pad(ctx, layer, x):
    return ctx.add("zero_pad2d", [x], {"padding": tuple(tuple(p) for p in layer.padding)})


def _concat(ctx, layer, xs):
    return ctx.add("concat", list(xs), {"axis": logical_axis(xs[0], layer.axis)})


LAYERS = {layers.Flatten: _flatten, layers.Reshape: _reshape, layers.Dropout: _dropout,
          layers.ZeroPadding2D: _zero_pad, layers.Concatenate: _concat,
          convnext.StochasticDepth: _stochastic_depth, layers.Cropping2D: _cropping}
