"""The NumPy meaning of the activations (netir/ir/ops/activation.py), element by
element but for softmax (along an axis) and prelu (a slope per feature)."""

from __future__ import annotations

import math

import numpy as np

from netir.emitters.reference.axes import along, batch_axis


def relu(plan, inputs):
    return np.maximum(inputs[0], 0)


def tanh(plan, inputs):
    return np.tanh(inputs[0])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, written as ``(1 + tanh(x/2)) / 2`` so it never overflows."""
    return (1 + np.tanh(x / 2)) / 2


def sigmoid(plan, inputs):
    return _sigmoid(inputs[0])


def hardtanh(plan, inputs):
    """Clip to ``[min_val, max_val]``."""
    return np.clip(inputs[0], plan.attrs["min_val"], plan.attrs["max_val"])


def softmax(plan, inputs):
    """Along the logical axis ``axis`` (0 = the first after the batch)."""
    axis = batch_axis(plan, "axis")
    e = np.exp(inputs[0] - inputs[0].max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def relu6(plan, inputs):
    return np.clip(inputs[0], 0, 6)


def clip(plan, inputs):
    """``max(x, min)`` then ``min(., max)``, a bound of None left out."""
    x, low, high = inputs[0], plan.attrs["min"], plan.attrs["max"]
    x = x if low is None else np.maximum(x, np.asarray(low, inputs.dtype))
    return x if high is None else np.minimum(x, np.asarray(high, inputs.dtype))


def leaky_relu(plan, inputs):
    x = inputs[0]
    return np.where(x > 0, x, plan.attrs["negative_slope"] * x)


def elu(plan, inputs):
    x = inputs[0]
    return np.where(x > 0, x, plan.attrs["alpha"] * np.expm1(np.minimum(x, 0)))


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[x.dtype])(x)


def gelu(plan, inputs):
    """``x/2 · (1 + erf(x/√2))``, or the tanh form with ``approximate='tanh'``."""
    x = inputs[0]
    if plan.attrs["approximate"] == "none":
        return 0.5 * x * (1 + _erf(x / math.sqrt(2.0)))
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def silu(plan, inputs):
    return inputs[0] * _sigmoid(inputs[0])


def hardsigmoid(plan, inputs):
    """``relu6(x + 3) / 6``."""
    return np.clip(inputs[0] + 3, 0, 6) / 6


def hardswish(plan, inputs):
    """``x · relu6(x + 3) / 6``."""
    return inputs[0] * np.clip(inputs[0] + 3, 0, 6) / 6


def _softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))``, never overflowing; x itself above 20, as PyTorch."""
    return np.where(x > 20, x, np.logaddexp(0, np.minimum(x, 20)))


def softplus(plan, inputs):
    return _softplus(inputs[0])


def mish(plan, inputs):
    return inputs[0] * np.tanh(_softplus(inputs[0]))


def prelu(plan, inputs):
    """``x`` where positive, else the slope (one, or per feature) times ``x``."""
    x = inputs[0]
    return np.where(x > 0, x, along(inputs.params["weight"], plan.feature_axis, x.ndim) * x)


LOWERINGS = {"relu": relu, "tanh": tanh, "sigmoid": sigmoid, "hardtanh": hardtanh,
             "softmax": softmax, "relu6": relu6, "clip": clip, "leaky_relu": leaky_relu,
             "elu": elu, "gelu": gelu, "silu": silu, "hardsigmoid": hardsigmoid,
             "hardswish": hardswish, "softplus": softplus, "mish": mish, "prelu": prelu}
