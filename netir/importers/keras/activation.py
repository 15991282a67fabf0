"""Activations (netir/ir/ops/activation.py): Activation, ReLU, LeakyReLU, ELU, Softmax."""

from __future__ import annotations

from keras import layers

from netir.importers.keras.common import logical_axis
from netir.importers.keras.walk import Unsupported

#: keras.activations names -> (IR op, attrs)
_NAMED = {"relu": ("relu", None), "sigmoid": ("sigmoid", None), "tanh": ("tanh", None),
          "relu6": ("relu6", None), "silu": ("silu", None), "swish": ("silu", None),
          "hard_sigmoid": ("hardsigmoid", None), "hard_silu": ("hardswish", None),
          "hard_swish": ("hardswish", None), "mish": ("mish", None),
          "softplus": ("softplus", None), "elu": ("elu", {"alpha": 1.0}),
          "gelu": ("gelu", {"approximate": "none"})}


def by_name(ctx, name: str, x, role=None):
    if name == "softmax":
        return ctx.add("softmax", [x], {"axis": logical_axis(x, -1)}, role=role)
    if name not in _NAMED:
        raise Unsupported(f"the activation {name!r} (no IR op)")
    op, attrs = _NAMED[name]
    return ctx.add(op, [x], attrs, role=role)


def _activation(ctx, layer, x):
    """``Activation('linear')`` is the identity: no node (ConvNeXt's ``identity``)."""
    name = getattr(layer.activation, "__name__", str(layer.activation))
    return x if name == "linear" else by_name(ctx, name, x)


def _relu(ctx, layer, x):
    slope, top, threshold = (float(layer.negative_slope), layer.max_value,
                             float(layer.threshold))
    if threshold != 0.0:
        raise Unsupported(f"ReLU with threshold={threshold} (no IR op)")
    if top is None:
        return ctx.add("relu", [x]) if slope == 0.0 else \
            ctx.add("leaky_relu", [x], {"negative_slope": slope})
    if slope == 0.0 and float(top) == 6.0:
        return ctx.add("relu6", [x])
    if slope == 0.0:
        return ctx.add("hardtanh", [x], {"min_val": 0.0, "max_val": float(top)})
    raise Unsupported("ReLU with both max_value and negative_slope (no IR op)")


def _leaky(ctx, layer, x):
    return ctx.add("leaky_relu", [x], {"negative_slope": float(layer.negative_slope)})


def _elu(ctx, layer, x):
    return ctx.add("elu", [x], {"alpha": float(layer.alpha)})


def _softmax(ctx, layer, x, mask=None):
    axes = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    if len(axes) != 1:
        raise Unsupported("softmax over several axes (the IR's is over one)")
    return ctx.add("softmax", [x], {"axis": logical_axis(x, axes[0])})


LAYERS = {layers.Activation: _activation, layers.ReLU: _relu, layers.LeakyReLU: _leaky,
          layers.ELU: _elu, layers.Softmax: _softmax}
