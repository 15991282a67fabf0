"""The NumPy meaning of the activations after ReLU/tanh/sigmoid/hardtanh/softmax (which
stay with the other built-ins in :mod:`.lowerings`): relu6, clip, leaky_relu, elu,
gelu (erf and tanh forms), silu, hardsigmoid, hardswish, softplus, mish and prelu.
Same signature and array conventions as :mod:`.lowerings`."""

from __future__ import annotations

import math

import numpy as np

from netir.emitters.reference.lowerings import _lower, feature_view


@_lower("relu6")
def relu6(node, inputs, params, run):
    return np.clip(inputs[0], 0, 6)


@_lower("clip")
def clip(node, inputs, params, run):
    """``max(x, min)`` then ``min(., max)``, a bound of None left out."""
    x, low, high = inputs[0], node.attrs["min"], node.attrs["max"]
    x = x if low is None else np.maximum(x, np.asarray(low, x.dtype))
    return x if high is None else np.minimum(x, np.asarray(high, x.dtype))


@_lower("leaky_relu")
def leaky_relu(node, inputs, params, run):
    x = inputs[0]
    return np.where(x > 0, x, node.attrs["negative_slope"] * x)


@_lower("elu")
def elu(node, inputs, params, run):
    x = inputs[0]
    return np.where(x > 0, x, node.attrs["alpha"] * np.expm1(np.minimum(x, 0)))


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[x.dtype])(x)


@_lower("gelu")
def gelu(node, inputs, params, run):
    """``x/2 · (1 + erf(x/√2))``, or the tanh form with ``approximate='tanh'``."""
    x = inputs[0]
    if node.attrs["approximate"] == "none":
        return 0.5 * x * (1 + _erf(x / math.sqrt(2.0)))
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return (1 + np.tanh(x / 2)) / 2


@_lower("silu")
def silu(node, inputs, params, run):
    return inputs[0] * _sigmoid(inputs[0])


@_lower("hardsigmoid")
def hardsigmoid(node, inputs, params, run):
    """``relu6(x + 3) / 6``."""
    return np.clip(inputs[0] + 3, 0, 6) / 6


@_lower("hardswish")
def hardswish(node, inputs, params, run):
    """``x · relu6(x + 3) / 6``."""
    return inputs[0] * np.clip(inputs[0] + 3, 0, 6) / 6


def _softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))``, never overflowing; x itself above 20, as PyTorch."""
    return np.where(x > 20, x, np.logaddexp(0, np.minimum(x, 20)))


@_lower("softplus")
def softplus(node, inputs, params, run):
    return _softplus(inputs[0])


@_lower("mish")
def mish(node, inputs, params, run):
    return inputs[0] * np.tanh(_softplus(inputs[0]))


@_lower("prelu")
def prelu(node, inputs, params, run):
    """``x`` where positive, else the slope (one, or per feature) times ``x``."""
    x = inputs[0]
    return np.where(x > 0, x, feature_view(x, params["weight"], node.layout) * x)
