"""Keras lowerings of the feature-axis and token ops (netir/ir/ops/tokens.py); features
are last in every Keras tensor (:mod:`netir.emitters.keras3.layouts`)."""

from __future__ import annotations

from keras import layers

from netir.emitters.backend import Lowerings
from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import node_layer_name as _n

LOWERINGS = Lowerings("keras")  # merged into netir.emitters.keras3.lowerings
_lower = LOWERINGS.register


@_lower("layer_norm")
def _layer_norm(node, graph, inputs):
    """Keras holds the features last at every layout, so the axis is always -1;
    epsilon is the IR's (Keras' own default, 1e-3, is not PyTorch's 1e-5)."""
    return L.LayerNorm(axis=-1, epsilon=node.attrs["eps"], name=_n(node))(inputs[0])


@_lower("to_tokens")
def _to_tokens(node, graph, inputs):
    """(H, W, C) is already the token order, row-major over H then W: a reshape."""
    return layers.Reshape(node.shape, name=_n(node))(inputs[0])


@_lower("from_tokens")
def _from_tokens(node, graph, inputs):
    c, h, w = node.shape
    return layers.Reshape((h, w, c), name=_n(node))(inputs[0])
