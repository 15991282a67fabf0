"""Normalisations (netir/ir/ops/norm.py, tokens.py): BatchNorm, LayerNorm, GroupNorm,
InstanceNorm, LocalResponseNorm modules; F.batch_norm, F.layer_norm and F.group_norm on a
module's learned tensors (timm's norm layers call them from their own forward)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import last_axis, learned, tensor_like, through
from netir.importers.pytorch.values import Permuted, Unsupported
from netir.ir.layout import feature_axis


def _batch_norm(ctx, m, x):
    if not (m.affine and m.track_running_stats) or m.momentum is None:
        raise Unsupported("batch norm without affine parameters, running statistics or a "
                          "momentum (the IR's batch_norm has all three)")
    return ctx.add("batch_norm", [x], {"eps": m.eps, "momentum": m.momentum}, source=m)


def layer_norm(ctx, m, x):
    """``nn.LayerNorm`` over the features: the last axis of tokens or features, or of a
    map permuted to put its features last (ConvNeXt's permute -> LayerNorm)."""
    if not m.elementwise_affine or getattr(m, "bias", None) is None:
        raise Unsupported("LayerNorm without its weight and bias (the IR's has both)")
    return _layer_norm(ctx, x, m.normalized_shape, m.eps, source=m)


def _layer_norm(ctx, x, normalized_shape, eps, *, source, name=None):
    tensor, last = last_axis(ctx, x)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not last or shape != (tensor.shape[tensor.layout.index("C")],):
        raise Unsupported(f"LayerNorm over {shape}, not over the feature axis alone (the "
                          "IR's layer_norm normalises the features)")
    return through(x, ctx.add("layer_norm", [tensor], {"eps": eps}, source=source, name=name))


def _f_layer_norm(ctx, x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``F.layer_norm`` with a module's weight and bias (timm's LayerNorm, LayerNorm2d)."""
    name, weights = learned(ctx, "layer_norm", weight=weight, bias=bias)
    return _layer_norm(ctx, x, normalized_shape, float(eps), source=weights, name=name)


def _f_batch_norm(ctx, x, running_mean, running_var, weight=None, bias=None, training=False,
                  momentum=0.1, eps=1e-5):
    """``F.batch_norm`` in inference with a module's statistics, weight and bias (timm's
    BatchNormAct2d): the IR's batch_norm on the channels."""
    if training:
        raise Unsupported("batch norm on the batch's own statistics (training=True; the "
                          "IR's batch_norm uses its running statistics at inference)")
    x = tensor_like(x)
    x = ctx.tensor(x)
    if feature_axis(x.layout) != 0:
        raise Unsupported(f"batch norm of a {x.layout} tensor: torch normalises dim 1, "
                          "which holds no features there")
    name, weights = learned(ctx, "batch_norm", weight=weight, bias=bias,
                            running_mean=running_mean, running_var=running_var)
    return ctx.add("batch_norm", [x], {"eps": float(eps), "momentum": float(momentum or 0.0)},
                   source=weights, name=name)


def _f_group_norm(ctx, x, num_groups, weight=None, bias=None, eps=1e-5):
    """``F.group_norm`` with a module's weight and bias, or neither."""
    x = ctx.tensor(tensor_like(x))
    if feature_axis(x.layout) != 0:
        raise Unsupported(f"group norm of a {x.layout} tensor: torch groups dim 1, which "
                          "holds no features there")
    affine = weight is not None or bias is not None
    name, weights = learned(ctx, "group_norm", weight=weight, bias=bias) if affine \
        else (None, None)
    return ctx.add("group_norm", [x], {"num_groups": int(num_groups), "eps": float(eps),
                                       "affine": affine}, source=weights, name=name)


def _layer_norm_2d(ctx, m, x):
    """torchvision's LayerNorm2d (ConvNeXt's): LayerNorm over a map's channels."""
    x = ctx.tensor(x)
    if x.layout != "CHW" or tuple(m.normalized_shape) != (x.shape[0],):
        raise Unsupported(f"LayerNorm2d over {tuple(m.normalized_shape)} of a {x.layout} "
                          f"{x.shape} tensor, not over a map's channels")
    return layer_norm(ctx, m, Permuted(x, (0, 2, 3, 1))).tensor  # it permutes back itself


def _group_norm(ctx, m, x):
    return ctx.add("group_norm", [x], {"num_groups": m.num_groups, "eps": m.eps,
                                       "affine": m.affine}, source=m)


def _instance_norm(ctx, m, x):
    if m.track_running_stats:
        raise Unsupported("instance norm with running statistics (the IR's has none)")
    return ctx.add("instance_norm", [x], {"eps": m.eps, "affine": m.affine}, source=m)


def _local_response_norm(ctx, m, x):
    return ctx.add("local_response_norm", [x], {"size": m.size, "alpha": m.alpha,
                                                "beta": m.beta, "k": m.k})


MODULES = {
    nn.BatchNorm1d: _batch_norm,
    nn.BatchNorm2d: _batch_norm,
    nn.BatchNorm3d: _batch_norm,
    nn.LayerNorm: layer_norm,
    nn.GroupNorm: _group_norm,
    nn.InstanceNorm1d: _instance_norm,
    nn.InstanceNorm2d: _instance_norm,
    nn.LocalResponseNorm: _local_response_norm,
    "torchvision.models.convnext.LayerNorm2d": _layer_norm_2d,
}
FUNCTIONS = {
    F.layer_norm: _f_layer_norm,
    F.batch_norm: _f_batch_norm,
    F.group_norm: _f_group_norm,
}
METHODS: dict = {}
