"""Normalisations (netir/ir/ops/norm.py): BatchNormalization, LayerNormalization (the
ONNX backend's transposed form for features first), LRN (and its even-size form), the
ONNX backend's written-out group and instance norm.

ONNX's BatchNormalization momentum weighs the running statistic, the IR's the batch's:
``momentum = 1 − m``, read back as the ONNX backend noted it where the note agrees
with ONNX's float32, else as the shortest decimal that gives that float32."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import logical_axis
from netir.importers.onnx.units import Fold
from netir.importers.onnx.walk import Unsupported, float32
from netir.ir.layout import feature_axis


def _complement(stored: float) -> float:
    """The shortest decimal ``d`` with ``float32(1 − d)`` equal to ``stored``."""
    target = np.float32(stored)
    for digits in range(1, 18):
        d = float(f"{1.0 - float(target):.{digits}g}")
        if np.float32(1.0 - d) == target:
            return d
    return 1.0 - float(target)


def _batch_norm(ctx, unit):
    node = unit.head
    if ctx.extra_outputs_read():
        raise Unsupported("BatchNormalization in training mode (running statistics out)")
    x = ctx.x(node.input[0])
    names = ("weight", "bias", "running_mean", "running_var")
    weights = {p: ctx.const(t) for p, t in zip(names, node.input[1:5])}
    stored = unit.attr("momentum", 0.9)
    noted = unit.notes.get("momentum")
    exact = isinstance(noted, float) and np.float32(1.0 - noted) == np.float32(stored)
    return ctx.add("batch_norm", [x], {
        "eps": float32(unit.attr("epsilon", 1e-5)),
        "momentum": noted if exact else _complement(stored)}, weights=weights)


def _layer_norm(ctx, x, node, unit):
    if len(node.input) < 3 or not node.input[2]:
        raise Unsupported("LayerNormalization without a bias (the IR's layer_norm has one)")
    if unit.attr("stash_type", 1, node) != 1 or ctx.extra_outputs_read():
        raise Unsupported("LayerNormalization's mean and inverse deviation outputs")
    weights = {"weight": ctx.const(node.input[1]), "bias": ctx.const(node.input[2])}
    if weights["weight"].ndim != 1:
        raise Unsupported("LayerNormalization over several axes (the IR's is over the "
                          "features)")
    return ctx.add("layer_norm", [x], {"eps": float32(unit.attr("epsilon", 1e-5, node))},
                   weights=weights)


def _layer_norm_last(ctx, unit):
    x = ctx.x(unit.head.input[0])
    axis = logical_axis(x, unit.attr("axis", -1))
    if axis != len(x.shape) - 1 or axis != feature_axis(x.layout):
        raise Unsupported("LayerNormalization over an axis that is not the features")
    return _layer_norm(ctx, x, unit.head, unit)


def _layer_norm_moved(ctx, unit):
    """Transpose features last, LayerNormalization, Transpose back."""
    moved = unit.steps["features_last"]
    x = ctx.x(moved.input[0])
    return _layer_norm(ctx, x, unit.steps["normalised"], unit)


#: batch norm's eps and variance for an affine x·w + b: var + eps is 1 in float32 exactly
_TINY = 2.0**-24


def _affine(ctx, unit):
    """Mul by a per-channel constant, then Add of one (an exporter's batch norm folded
    to scale and shift): the IR's batch norm with mean 0 and variance + eps = 1, exact.
    Where the operands are not such constants, the Mul and Add as they are."""
    mul = unit.steps["mul"]
    shift = next(t for t in unit.head.input if t != mul.output[0])
    x_name = next((t for t in mul.input if t in ctx.values), None)
    scale = next((t for t in mul.input if t != x_name), None)
    if x_name is not None and ctx.is_const(scale) and ctx.is_const(shift):
        x = ctx.x(x_name)
        axis, c = feature_axis(x.layout), x.shape[feature_axis(x.layout)]
        want = tuple(c if i == axis else 1 for i in range(len(x.shape)))
        w, b = ctx.const(scale), ctx.const(shift)
        if axis == 0 and tuple(w.shape)[-len(want):] == want and \
                tuple(b.shape)[-len(want):] == want and w.size == b.size == c:
            return ctx.add("batch_norm", [x], {"eps": _TINY}, weights={
                "weight": w.reshape(-1), "bias": b.reshape(-1),
                "running_mean": np.zeros(c, np.float32),
                "running_var": np.full(c, 1.0 - _TINY, np.float32)})
    from netir.importers.onnx.elementwise import _binary

    product = _binary("mul")(ctx, type(unit)(mul))
    ctx.values[mul.output[0]] = product
    return _binary("add")(ctx, unit)


def _lrn(ctx, unit):
    x = ctx.x(unit.head.input[0])
    return ctx.add("local_response_norm", [x], {
        "size": int(unit.attr("size")), "alpha": float32(unit.attr("alpha", 1e-4)),
        "beta": float32(unit.attr("beta", 0.75)), "k": float32(unit.attr("bias", 1.0))})


_STATISTICS = ("grouped", "shape", "axes", "eps", "groups", "mean", "centred", "square",
               "var", "var_eps", "std", "scaled")
_AFFINE = ("normalised", "channel", "weight", "bias", "affine")


def _group_statistics(ctx, unit):
    """The ONNX backend's group and instance norm: statistics per sample and group of
    channels (one channel a group: instance norm), then the affine per channel."""
    s = unit.steps
    x = ctx.x(s["groups"].input[0])
    groups = int(ctx.const(s["grouped"].output[0])[1])
    eps = float32(ctx.const(s["eps"].output[0]).reshape(()))
    affine = "affine" in s
    weights = None
    if affine:
        weights = {"weight": ctx.const(s["weight"].input[0]),
                   "bias": ctx.const(s["bias"].input[0])}
    channels = x.shape[feature_axis(x.layout)]
    if groups == channels:
        return ctx.add("instance_norm", [x], {"eps": eps, "affine": affine},
                       weights=weights)
    return ctx.add("group_norm", [x], {"num_groups": groups, "eps": eps, "affine": affine},
                   weights=weights)


def _lrn_even(ctx, unit):
    """The ONNX backend's even-size LRN: an average pool of squares over channels."""
    s = unit.steps
    x = ctx.x(s["square"].input[0])
    size = int(unit.attr("kernel_shape", node=s["mean"])[0])
    value = {k: float32(ctx.const(s[k].output[0]).reshape(())) for k in ("alpha", "k",
                                                                         "beta")}
    return ctx.add("local_response_norm", [x], {"size": size, **value})


CHANNELS_FIRST = {"BatchNormalization", "InstanceNormalization", "LRN"}
FOLDS = [Fold("Add", (("Mul", "mul"),))]  # scale then shift: batch norm


def entries(entry):
    return [entry("BatchNormalization", _batch_norm),
            entry("LayerNormalization", _layer_norm_last, opsets=(17, 26)),
            entry("Transpose", _layer_norm_moved, steps=("features_last", "normalised")),
            entry("LRN", _lrn), entry("Add", _affine, steps=("mul",)),
            entry("Reshape", _group_statistics, steps=_STATISTICS),
            entry("Add", _group_statistics, steps=_STATISTICS + _AFFINE),
            entry("Div", _lrn_even, steps=("axis", "alpha", "k", "beta", "square", "stack",
                                           "mean", "unstack", "scaled", "base",
                                           "denominator"))]
