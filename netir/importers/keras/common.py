"""Keras conventions as IR attributes, shared by the table entries."""

from __future__ import annotations

from netir.importers.keras.walk import Unsupported
from netir.ir.layout import features_last


def logical_axis(x, axis: int) -> int:
    """Keras ``axis`` (batch included, channels last) of ``x`` as the IR's logical axis."""
    rank = len(x.shape)
    a = axis + rank + 1 if axis < 0 else axis
    if a == 0:
        raise Unsupported("an operation over the batch axis (the IR's ops act per sample)")
    return features_last(x.layout)[a - 1]


def activation(ctx, layer, y):
    """The layer's fused ``activation``, as its own IR node after ``y``."""
    from netir.importers.keras.activation import by_name

    fn = getattr(layer, "activation", None)
    name = getattr(fn, "__name__", "linear")
    if name == "linear":
        return y
    return by_name(ctx, name, y, role=name)
