"""The Keras source of the norm ops (``netir/ir/ops/norm.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import build, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


_lower("batch_norm")(lambda node, graph: one(build(
    "BatchNorm", epsilon=node.attrs["eps"], momentum=1.0 - node.attrs["momentum"]),
    ("BatchNorm",)))


_lower("layer_norm")(lambda node, graph: one(build("LayerNorm", epsilon=node.attrs["eps"]),
                                             ("LayerNorm",)))


_lower("local_response_norm")(lambda node, graph: one(build(
    "LocalResponseNorm", *((k, node.attrs[k]) for k in ("size", "alpha", "beta", "k"))),
    ("LocalResponseNorm",)))


@_lower("group_norm")
def _group_norm(node, graph):
    a = node.attrs
    return one(build("layers.GroupNormalization", ("groups", a["num_groups"]), epsilon=a["eps"],
                     center=a["affine"], scale=a["affine"]))


@_lower("instance_norm")
def _instance_norm(node, graph):
    a = node.attrs
    return one(build("layers.GroupNormalization", ("groups", node.shape[0]), epsilon=a["eps"],
                     center=a["affine"], scale=a["affine"]))
