"""Normalisations (netir/ir/ops/norm.py, tokens.py): BatchNorm, LayerNorm, GroupNorm,
InstanceNorm, LocalResponseNorm modules."""

from __future__ import annotations

from torch import nn

from netir.importers.pytorch.common import features_last, through
from netir.importers.pytorch.values import Permuted, Unsupported


def _batch_norm(ctx, m, x):
    if not (m.affine and m.track_running_stats) or m.momentum is None:
        raise Unsupported("batch norm without affine parameters, running statistics or a "
                          "momentum (the IR's batch_norm has all three)")
    return ctx.add("batch_norm", [x], {"eps": m.eps, "momentum": m.momentum}, source=m)


def layer_norm(ctx, m, x):
    """``nn.LayerNorm`` over the features: the last axis of tokens or features, or of a
    map permuted to put its features last (ConvNeXt's permute -> LayerNorm)."""
    tensor, last = features_last(x)
    if not last or tuple(m.normalized_shape) != (tensor.shape[tensor.layout.index("C")],):
        raise Unsupported(f"LayerNorm over {tuple(m.normalized_shape)}, not over the feature "
                          "axis alone (the IR's layer_norm normalises the features)")
    if not m.elementwise_affine or getattr(m, "bias", None) is None:
        raise Unsupported("LayerNorm without its weight and bias (the IR's has both)")
    return through(x, ctx.add("layer_norm", [tensor], {"eps": m.eps}, source=m))


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
    nn.LayerNorm: layer_norm,
    nn.GroupNorm: _group_norm,
    nn.InstanceNorm1d: _instance_norm,
    nn.InstanceNorm2d: _instance_norm,
    nn.LocalResponseNorm: _local_response_norm,
    "torchvision.models.convnext.LayerNorm2d": _layer_norm_2d,
}
FUNCTIONS: dict = {}
METHODS: dict = {}
