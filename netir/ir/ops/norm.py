"""Normalisation: batch, local response, group, instance and layer norm."""

from __future__ import annotations

from math import prod

import numpy as np

from netir.ir.attrs import Attr, boolean, integer, real
from netir.ir.errors import ShapeError
from netir.ir.layout import ANY_RANK, FEATURES_FIRST, MAP, SEQUENCE, VOLUME
from netir.ir.params import (
    BIAS,
    COUNTER,
    RUNNING_STAT,
    WEIGHT,
    ZEROS,
    Param,
    channels,
    normal,
    uniform,
)
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites

# Random values keep the statistics away from the identity (mean 0, variance 1), so
# that a backend which ignored them would be caught.
_BN_PARAMS = (
    Param("weight", WEIGHT, "C", uniform(0.5, 1.5), channels, doc="scale (gamma)"),
    Param("bias", BIAS, "C", normal(0.2), channels, doc="shift (beta)"),
    Param("running_mean", RUNNING_STAT, "C", normal(0.2), channels),
    Param("running_var", RUNNING_STAT, "C", uniform(0.5, 1.5), channels),
    Param("num_batches_tracked", COUNTER, "", ZEROS, lambda a, i: (),
          doc="batches seen in training (PyTorch's counter; not a weight)"),
)


def _bn_affine(attrs, params):
    """Inference batch norm as ``x * scale + shift`` (float64)."""
    p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    scale = p["weight"] / np.sqrt(p["running_var"] + attrs["eps"])
    return scale, p["bias"] - p["running_mean"] * scale


BATCH_NORM = OpSpec(
    name="batch_norm", category="norm", ranks=ANY_RANK, layouts=FEATURES_FIRST,
    doc="Per-channel batch norm over every axis but the features (the first, C); momentum "
        "weighs the new batch statistic (PyTorch's).",
    attrs=(Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),
           Attr("momentum", real(0.0, 1.0), 0.1,
                "weight of the new batch statistic (Keras momentum = 1 - this)")),
    parameters=_BN_PARAMS, describe=lambda a: "batch norm", overwritable=True,
    draw_attrs=lambda draw, st, inputs: {
        "eps": draw(st.sampled_from([1e-5, 1e-3, 0.1])),
        "momentum": draw(st.sampled_from([0.1, 0.01, 0.99]))},
    rewrites=Rewrites(channel_affine=_bn_affine),
)

def _lrn_shape(attrs, inputs):
    c = inputs[0][0]
    if attrs["size"] > 2 * c - 1:
        raise ShapeError("LRN size must be at most 2·channels - 1 (a window that wide "
                         "already spans every channel from every position)",
                         f"size={attrs['size']}, channels={c}")
    return inputs[0]


LOCAL_RESPONSE_NORM = OpSpec(
    name="local_response_norm", category="norm", ranks=(3,), positional=("size",),
    doc="b = a / (k + alpha/n * sum of a^2 over n channels)^beta (PyTorch/ONNX).",
    attrs=(Attr("size", integer(1), doc="n, channels in the window"),
           Attr("alpha", real(0.0), 1e-4, "scale, divided by n"),
           Attr("beta", real(0.0), 0.75, "exponent"),
           Attr("k", real(0.0), 1.0, "additive constant")),
    shape=_lrn_shape, describe=lambda a: f"LRN {a['size']}",
    draw_attrs=lambda draw, st, inputs: {
        "size": draw(st.integers(1, min(5, 2 * inputs[0][0] - 1))),
        "alpha": draw(st.sampled_from([1e-4, 1e-2, 0.5])),
        "beta": draw(st.sampled_from([0.75, 0.5, 1.0])), "k": draw(st.sampled_from([1.0, 2.0]))},
)



# -- group and instance norm ----------------------------------------------------------------
_AFFINE_PARAMS = (
    Param("weight", WEIGHT, "C", uniform(0.5, 1.5), channels, present=lambda a: a["affine"],
          doc="per-channel scale, when affine"),
    Param("bias", BIAS, "C", normal(0.2), channels, present=lambda a: a["affine"],
          doc="per-channel shift, when affine"),
)


def _one_value_per_group(size: int, groups: int, shape) -> None:
    """A group of one value has variance 0: the output would be the bias whatever the
    input (PyTorch refuses it for instance norm in training)."""
    if size == 1:
        raise ShapeError("each group normalises a single value (the output would not "
                         "depend on the input)", f"{groups} groups of input {shape}")


def _group_norm_shape(attrs, inputs):
    c, groups = inputs[0][0], attrs["num_groups"]
    if c % groups:
        raise ShapeError("group_norm num_groups must divide the channels",
                         f"num_groups={groups}, channels={c}")
    _one_value_per_group(prod(inputs[0]) // groups, groups, inputs[0])
    return inputs[0]


def _instance_norm_shape(attrs, inputs):
    _one_value_per_group(prod(inputs[0][1:]), inputs[0][0], inputs[0])
    return inputs[0]


def _group_norm_draw(draw, st, inputs):
    shape = inputs[0]
    fits = [d for d in range(1, shape[0] + 1) if shape[0] % d == 0 and prod(shape) // d > 1]
    return {"num_groups": draw(st.sampled_from(fits or [1])),
            "eps": draw(st.sampled_from([1e-5, 1e-3])), "affine": draw(st.booleans())}


GROUP_NORM = OpSpec(
    name="group_norm", category="norm", ranks=ANY_RANK, layouts=FEATURES_FIRST,
    positional=("num_groups",),
    doc="Per sample, normalise each group of C/num_groups channels (with every position) "
        "by its mean and biased variance: (x - mean) / sqrt(var + eps), then the "
        "per-channel affine (PyTorch's GroupNorm; features-first layouts).",
    attrs=(Attr("num_groups", integer(1), doc="channel groups; must divide the channels"),
           Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),
           Attr("affine", boolean, True, "learned per-channel weight and bias")),
    shape=_group_norm_shape, parameters=_AFFINE_PARAMS, overwritable=True,
    describe=lambda a: f"group norm {a['num_groups']}", draw_attrs=_group_norm_draw,
)

INSTANCE_NORM = OpSpec(
    name="instance_norm", category="norm", ranks=(2, 3, 4), layouts=(SEQUENCE, MAP, VOLUME),
    doc="Per sample and channel, normalise over the positions (L; H, W; D, H, W) by "
        "the mean and biased variance, then the optional per-channel affine (PyTorch's "
        "InstanceNorm1d/2d/3d, no running statistics).",
    attrs=(Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),
           Attr("affine", boolean, False, "learned per-channel weight and bias "
                "(PyTorch's default: none)")),
    shape=_instance_norm_shape, parameters=_AFFINE_PARAMS, overwritable=True,
    describe=lambda a: "instance norm",
    draw_attrs=lambda draw, st, inputs: {"eps": draw(st.sampled_from([1e-5, 1e-3])),
                                         "affine": draw(st.booleans())},
)

def features(attrs, inputs):
    """Shape rule of a per-feature parameter: ``(C,)``, C the feature axis's size."""
    return (inputs[0].features,)


# A position whose features nearly agree (var ~ eps) amplifies float32 rounding by about
# 1 / (2 sqrt(eps)) in every framework: 160 at eps 1e-5, past the property tests' 1e-5.
# Random graphs draw larger eps; the per-op tests prove small ones on conditioned data.
_DRAWN_EPS = (1e-3, 1e-2, 0.1)

LAYER_NORM = OpSpec(
    name="layer_norm", category="norm", ranks=ANY_RANK,
    doc="(x - mean) / sqrt(var + eps) * weight + bias over the feature axis of every "
        "position (biased variance); eps is stated, PyTorch's default 1e-5 (Keras' 1e-3).",
    attrs=(Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),),
    parameters=(
        Param("weight", WEIGHT, "C", uniform(0.5, 1.5), features, doc="scale (gamma)"),
        Param("bias", BIAS, "C", normal(0.2), features, doc="shift (beta)"),
    ),
    describe=lambda a: "layer norm", overwritable=True,
    draw_attrs=lambda draw, st, inputs: {"eps": draw(st.sampled_from(_DRAWN_EPS))},
)

OPS = (BATCH_NORM, LOCAL_RESPONSE_NORM, GROUP_NORM, INSTANCE_NORM, LAYER_NORM)
