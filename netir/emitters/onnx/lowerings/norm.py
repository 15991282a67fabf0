"""ONNX lowerings of the normalisations (netir/ir/ops/norm.py), in opset-18 ops."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.axes import features_last
from netir.emitters.onnx.protos import const, ints, note, op, param


def batch_norm(plan, inputs):
    """ONNX's momentum weighs the running statistic, the IR's the new batch's; ONNX's is
    a float32, so the IR's is noted as well."""
    params = [param(plan, p) for p in ("weight", "bias", "running_mean", "running_var")]
    return [note(op("BatchNormalization", [inputs[0], *params], plan.name,
                    epsilon=plan.attrs["eps"], momentum=1.0 - plan.attrs["momentum"]),
                 momentum=plan.attrs["momentum"])]


def local_response_norm(plan, inputs):
    """ONNX LRN for odd sizes. For an even ``n`` ONNX sums over channels
    ``[c - (n-2)/2, c + n/2]`` and the IR (PyTorch) over ``[c - n/2, c + (n-2)/2]``,
    and onnxruntime refuses even sizes: the sum of squares is then a 3-D average pool
    over channels, as PyTorch computes it."""
    a, x, name = plan.attrs, inputs[0], plan.name
    n = a["size"]
    if n % 2:
        return [op("LRN", inputs, name, size=n, alpha=a["alpha"], beta=a["beta"], bias=a["k"])]
    axis = ints(f"{name}/axis", [1])
    alpha = const(f"{name}/alpha", np.float32(a["alpha"]))
    k = const(f"{name}/k", np.float32(a["k"]))
    beta = const(f"{name}/beta", np.float32(a["beta"]))
    return [
        axis, alpha, k, beta,
        op("Mul", [x, x], f"{name}/square"),
        op("Unsqueeze", [f"{name}/square", axis.name], f"{name}/stack"),
        op("AveragePool", [f"{name}/stack"], f"{name}/mean", kernel_shape=[n, 1, 1],
           strides=[1, 1, 1], pads=[n // 2, 0, 0, (n - 1) // 2, 0, 0], count_include_pad=1),
        op("Squeeze", [f"{name}/mean", axis.name], f"{name}/unstack"),
        op("Mul", [f"{name}/unstack", alpha.name], f"{name}/scaled"),
        op("Add", [f"{name}/scaled", k.name], f"{name}/base"),
        op("Pow", [f"{name}/base", beta.name], f"{name}/denominator"),
        op("Div", [x, f"{name}/denominator"], name),
    ]


def _group_statistics(plan, inputs, groups: int):
    """``(x - mean) / sqrt(var + eps)`` per sample and group of channels (with the
    positions), written out: ``GroupNormalization``'s scale is per group before opset 21."""
    x, name, shape = inputs[0], plan.name, plan.inputs[0]
    grouped = ints(f"{name}/grouped", [0, groups, -1])
    back = ints(f"{name}/shape", [0, *shape])
    axes = ints(f"{name}/axes", [2])
    eps = const(f"{name}/eps", np.float32(plan.attrs["eps"]))
    affine = plan.attrs["affine"]
    out = f"{name}/normalised" if affine else name
    protos = [grouped, back, axes, eps,
              op("Reshape", [x, grouped.name], f"{name}/groups"),
              op("ReduceMean", [f"{name}/groups", axes.name], f"{name}/mean", keepdims=1),
              op("Sub", [f"{name}/groups", f"{name}/mean"], f"{name}/centred"),
              op("Mul", [f"{name}/centred", f"{name}/centred"], f"{name}/square"),
              op("ReduceMean", [f"{name}/square", axes.name], f"{name}/var", keepdims=1),
              op("Add", [f"{name}/var", eps.name], f"{name}/var_eps"),
              op("Sqrt", [f"{name}/var_eps"], f"{name}/std"),
              op("Div", [f"{name}/centred", f"{name}/std"], f"{name}/scaled"),
              op("Reshape", [f"{name}/scaled", back.name], out)]
    if not affine:
        return protos
    channel = ints(f"{name}/channel", [shape[0]] + [1] * (len(shape) - 1))
    return [*protos, channel,
            op("Reshape", [param(plan, "weight"), channel.name], f"{name}/weight"),
            op("Reshape", [param(plan, "bias"), channel.name], f"{name}/bias"),
            op("Mul", [out, f"{name}/weight"], f"{name}/affine"),
            op("Add", [f"{name}/affine", f"{name}/bias"], name)]


def group_norm(plan, inputs):
    return _group_statistics(plan, inputs, plan.attrs["num_groups"])


def instance_norm(plan, inputs):
    return _group_statistics(plan, inputs, plan.output[0])


def layer_norm(plan, inputs):
    """``LayerNormalization`` normalises trailing axes: features-first tensors are
    transposed to features last and back."""
    rank, axis = len(plan.output) + 1, plan.feature_axis
    params = [param(plan, p) for p in ("weight", "bias")]
    if axis == rank - 1:
        return [op("LayerNormalization", [inputs[0], *params], plan.name, axis=-1,
                   epsilon=plan.attrs["eps"])]
    last, back = features_last(rank, axis)
    moved, normed = f"{plan.name}/features_last", f"{plan.name}/normalised"
    return [op("Transpose", inputs, moved, perm=last),
            op("LayerNormalization", [moved, *params], normed, axis=-1,
               epsilon=plan.attrs["eps"]),
            op("Transpose", [normed], plan.name, perm=back)]


LOWERINGS = {
    "batch_norm": batch_norm,
    "local_response_norm": local_response_norm,
    "group_norm": group_norm,
    "instance_norm": instance_norm,
    "layer_norm": layer_norm,
}
