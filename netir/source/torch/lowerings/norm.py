"""The PyTorch source of the norm ops (``netir/ir/ops/norm.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build, input_of

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("batch_norm")
def _batch_norm(node, graph):
    shape = input_of(graph, node)
    dims = {1: 1, 2: 1, 3: 2, 4: 3}[len(shape)]
    return build(f"nn.BatchNorm{dims}d", ("num_features", shape[0]), eps=node.attrs["eps"],
              momentum=node.attrs["momentum"])


@_lower("layer_norm")
def _layer_norm(node, graph):
    shape = input_of(graph, node)
    last = shape.feature_axis == len(shape) - 1
    return build("nn.LayerNorm" if last else "FeatureLayerNorm", ("normalized_shape",
              shape.features), eps=node.attrs["eps"], helpers=() if last else ("FeatureLayerNorm",))


@_lower("group_norm")
def _group_norm(node, graph):
    a = node.attrs
    return build("nn.GroupNorm", ("num_groups", a["num_groups"]),
              ("num_channels", input_of(graph, node)[0]), eps=a["eps"], affine=a["affine"])


@_lower("instance_norm")
def _instance_norm(node, graph):
    shape = input_of(graph, node)
    return build(f"nn.InstanceNorm{len(shape) - 1}d", ("num_features", shape[0]),
              eps=node.attrs["eps"], affine=node.attrs["affine"])


@_lower("local_response_norm")
def _lrn(node, graph):
    a = node.attrs
    return build("nn.LocalResponseNorm", ("size", a["size"]), alpha=a["alpha"], beta=a["beta"],
              k=a["k"])
