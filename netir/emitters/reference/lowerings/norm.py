"""The NumPy meaning of the normalisations (netir/ir/ops/norm.py): batch norm (inference
and a training pass), local response norm, group and instance norm, layer norm."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from netir.emitters.reference.axes import along


def batch_norm(plan, inputs):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel.

    Inference uses the running statistics. Training uses the batch's mean and biased
    variance, records them in ``run.batch_stats`` and updates the running statistics
    PyTorch's way: ``new = (1 - momentum) · old + momentum · batch``, the variance
    term being the unbiased (n - 1) one.
    """
    x, a, params, run = inputs[0], plan.attrs, inputs.params, inputs.run
    axis = plan.feature_axis
    mean, var = params["running_mean"], params["running_var"]
    if run.training:
        axes = tuple(i for i in range(x.ndim) if i != axis)
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        count = x.size // x.shape[axis]
        run.batch_stats[plan.name] = {"mean": mean, "var": var}
        m = a["momentum"]
        params["running_mean"] = (1 - m) * params["running_mean"] + m * mean
        unbiased = var * count / max(count - 1, 1)
        params["running_var"] = (1 - m) * params["running_var"] + m * unbiased
    scale = params["weight"] / np.sqrt(var + np.asarray(a["eps"], inputs.dtype))
    shift = params["bias"] - mean * scale
    return x * along(scale, axis, x.ndim) + along(shift, axis, x.ndim)


def local_response_norm(plan, inputs):
    """``b_c = a_c / (k + alpha/n · Σ a_j²)^beta``, j over ``n`` channels from
    ``c - n//2`` to ``c + (n-1)//2`` (channels outside count as zero)."""
    x, a = inputs[0], plan.attrs
    n = a["size"]
    sq = np.pad(x * x, ((0, 0), (n // 2, (n - 1) // 2), (0, 0), (0, 0)))
    total = sliding_window_view(sq, n, axis=1).sum(axis=-1)
    return x / (a["k"] + a["alpha"] / n * total) ** a["beta"]


def _group_normalise(plan, inputs, groups: int):
    """``(x - mean) / sqrt(var + eps)`` over each sample's group of channels (with every
    position), biased variance, then the per-channel affine when declared."""
    x, params = inputs[0], inputs.params
    g = x.reshape(x.shape[0], groups, -1)
    mean = g.mean(axis=-1, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=-1, keepdims=True)
    y = ((g - mean) / np.sqrt(var + np.asarray(plan.attrs["eps"], inputs.dtype))
         ).reshape(x.shape)
    if "weight" in params:
        y = y * along(params["weight"], 1, y.ndim) + along(params["bias"], 1, y.ndim)
    return y


def group_norm(plan, inputs):
    return _group_normalise(plan, inputs, plan.attrs["num_groups"])


def instance_norm(plan, inputs):
    """Group norm with one channel per group."""
    return _group_normalise(plan, inputs, inputs[0].shape[1])


def layer_norm(plan, inputs):
    """Per position, over the feature axis: ``(x - mean) / sqrt(var + eps) · weight +
    bias``, the variance biased (divided by C)."""
    x, axis, params = inputs[0], plan.feature_axis, inputs.params
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    y = (x - mean) / np.sqrt(var + np.asarray(plan.attrs["eps"], inputs.dtype))
    return y * along(params["weight"], axis, x.ndim) + along(params["bias"], axis, x.ndim)


LOWERINGS = {"batch_norm": batch_norm, "local_response_norm": local_response_norm,
             "group_norm": group_norm, "instance_norm": instance_norm,
             "layer_norm": layer_norm}
