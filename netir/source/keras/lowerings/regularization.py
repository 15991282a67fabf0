"""The Keras source of the regularization ops (``netir/ir/ops/regularization.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import build, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


_lower("dropout")(lambda node, graph: one(build("layers.Dropout", ("rate", node.attrs["rate"]))))


_lower("stochastic_depth")(lambda node, graph: one(build(
    "StochasticDepth", ("rate", node.attrs["p"]), ("mode", node.attrs["mode"])),
    ("StochasticDepth",)))
