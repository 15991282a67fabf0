"""Explicit padding layers for a channels-last tensor of any rank (the exact windows pad
before a ``padding="valid"`` layer)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.window_layers import ConstantPad

ZERO_PADDING = {1: layers.ZeroPadding1D, 2: layers.ZeroPadding2D, 3: layers.ZeroPadding3D}
CROPPING = {1: layers.Cropping1D, 2: layers.Cropping2D, 3: layers.Cropping3D}


def _argument(pairs: tuple) -> tuple:
    """Keras' padding or cropping argument: ``(left, right)`` for one axis, else a pair
    per axis."""
    return pairs[0] if len(pairs) == 1 else pairs


def pad(x, pairs, name: str, value: float = 0.0):
    """``x`` padded by ``pairs`` (one ``(before, after)`` per position axis) with
    ``value``, in a helper layer of node ``name``; no layer when every pair is zero."""
    pairs = tuple(tuple(p) for p in pairs)
    if not any(v for side in pairs for v in side):
        return x
    if value == 0.0:
        return ZERO_PADDING[len(pairs)](_argument(pairs), name=helper_name(name, "pad"))(x)
    return ConstantPad(pairs, value, name=helper_name(name, "pad"))(x)


def crop(x, pairs, name: str, role: str = "crop"):
    """``x`` cropped by ``pairs`` (one ``(before, after)`` per position axis), in a helper
    layer of node ``name``; no layer when every pair is zero."""
    pairs = tuple(tuple(p) for p in pairs)
    if not any(v for side in pairs for v in side):
        return x
    return CROPPING[len(pairs)](_argument(pairs), name=helper_name(name, role))(x)
