"""The Keras source of the learned ops (``netir/ir/ops/learned.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.layout import features_last
from netir.source.keras.lowerings.base import build, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


_lower("parameter")(lambda node, graph: one(build(
    "Parameter", ("shape", (1, *node.shape)), ("order", tuple(features_last(node.layout)))),
    ("Parameter",)))


_lower("layer_scale")(lambda node, graph: one(build("LayerScale"), ("LayerScale",)))
