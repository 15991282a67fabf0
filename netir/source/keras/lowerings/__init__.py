"""The Keras source of every built-in op: ``(node, graph) -> Layers``.

The same layers as netir's Keras lowering (``netir/emitters/keras3/``), written as
source: a node is one layer named after it, sometimes with helper layers before or
after it (explicit padding, a crop, a permute to the logical order) named
``<node>>role``, as netir names them. Channels are last in every Keras tensor.
"""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings import (
    activation,
    attention,
    channel,
    conv,
    dense,
    elementwise,
    learned,
    norm,
    pool,
    reduce,
    regularization,
    resize,
    shape,
)
from netir.source.keras.lowerings.base import Layers, Step

FAMILIES = (conv, dense, norm, activation, regularization, pool, elementwise, channel,
            shape, reduce, learned, attention, resize)
LOWERINGS = Lowerings.merged("keras source", FAMILIES)

__all__ = ["FAMILIES", "LOWERINGS", "Layers", "Step"]
