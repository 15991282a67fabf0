"""The NumPy meaning of the feature-axis and token ops (netir/ir/ops/tokens.py). Same
signature and array conventions as :mod:`.lowerings`: arrays in the logical order,
batch first."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.lowerings import _lower


@_lower("layer_norm")
def layer_norm(node, inputs, params, run):
    """Per position, over the feature axis: ``(x - mean) / sqrt(var + eps) · weight +
    bias``, the variance biased (divided by C)."""
    x, axis = inputs[0], node.layout.index("C") + 1  # the layout is the input's
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    view = [1] * x.ndim
    view[axis] = -1
    y = (x - mean) / np.sqrt(var + np.asarray(node.attrs["eps"], x.dtype))
    return y * params["weight"].reshape(view) + params["bias"].reshape(view)


@_lower("to_tokens")
def to_tokens(node, inputs, params, run):
    """(N, C, H, W) -> (N, H*W, C), row-major over H then W."""
    n, c = inputs[0].shape[:2]
    return inputs[0].reshape(n, c, -1).transpose(0, 2, 1)


@_lower("from_tokens")
def from_tokens(node, inputs, params, run):
    """(N, H*W, C) -> (N, C, H, W)."""
    return inputs[0].transpose(0, 2, 1).reshape(inputs[0].shape[0], *node.shape)
