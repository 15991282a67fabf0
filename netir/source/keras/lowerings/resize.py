"""The Keras source of the resize ops (``netir/ir/ops/resize.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import build, input_of, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


@_lower("upsample")
def _upsample(node, graph):
    a = node.attrs
    return one(build("Resize2D", ("input_hw", tuple(input_of(graph, node)[1:])),
                     ("output_hw", tuple(node.shape[1:])), ("mode", a["mode"]),
                     ("align_corners", a["align_corners"])), ("Resize2D",))
