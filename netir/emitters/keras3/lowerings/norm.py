"""Keras lowerings of the normalisations (netir/ir/ops/norm.py); the features are the
last axis of every Keras tensor."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.batchnorm import BatchNorm
from netir.emitters.keras3.node_layers import node_layer_name as _n


def batch_norm(plan, inputs):
    a = plan.attrs
    return BatchNorm(axis=-1, epsilon=a["eps"], momentum=1.0 - a["momentum"],
                     name=_n(plan))(inputs[0])


def local_response_norm(plan, inputs):
    a = plan.attrs
    return L.LocalResponseNorm(a["size"], a["alpha"], a["beta"], a["k"], name=_n(plan))(
        inputs[0])


def _group_normalization(plan, groups: int, inputs):
    """Keras' GroupNormalization over the channels (last axis), gamma then beta: the
    declared weight and bias."""
    a = plan.attrs
    return layers.GroupNormalization(groups, axis=-1, epsilon=a["eps"], center=a["affine"],
                                     scale=a["affine"], name=_n(plan))(inputs[0])


def group_norm(plan, inputs):
    return _group_normalization(plan, plan.attrs["num_groups"], inputs)


def instance_norm(plan, inputs):
    """One group per channel."""
    return _group_normalization(plan, plan.output.features, inputs)


def layer_norm(plan, inputs):
    """Keras holds the features last at every layout, so the axis is always -1;
    epsilon is the IR's (Keras' own default, 1e-3, is not PyTorch's 1e-5)."""
    return L.LayerNorm(axis=-1, epsilon=plan.attrs["eps"], name=_n(plan))(inputs[0])


LOWERINGS = {"batch_norm": batch_norm, "local_response_norm": local_response_norm,
             "group_norm": group_norm, "instance_norm": instance_norm,
             "layer_norm": layer_norm}
