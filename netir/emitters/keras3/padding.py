"""Explicit padding layers for a channels-last map (the exact windows pad before a
``padding="valid"`` layer)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.names import helper_name


def pad_2d(x, pad, name: str, value: float = 0.0):
    """``x`` padded by ``pad`` (``((top, bottom), (left, right))``) with ``value``, in a
    helper layer of node ``name``; no layer when ``pad`` is all zeros."""
    if not any(v for side in pad for v in side):
        return x
    if value == 0.0:
        return layers.ZeroPadding2D(pad, name=helper_name(name, "pad"))(x)
    return L.ConstantPad2D(pad, value, name=helper_name(name, "pad"))(x)
