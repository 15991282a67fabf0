"""The Keras source of the dense ops (``netir/ir/ops/dense.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import build, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


_lower("dense")(lambda node, graph: one(build("layers.Dense", ("units", node.attrs["units"]),
                                              use_bias=node.attrs["bias"])))
