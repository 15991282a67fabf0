"""Keras layers built for a node: its layer name, one ``keras.ops`` call, a permute
to a layout's logical order (shared by the lowering modules)."""

from __future__ import annotations

import numpy as np
from keras import layers

from netir.emitters.keras3.layers import OpsCall
from netir.emitters.keras3.names import helper_name, layer_name
from netir.ir.layout import features_last


def node_layer_name(node) -> str:
    """The Keras layer name of a node."""
    return layer_name(node.name)


def to_logical_order(x, layout: str, name: str):
    """``x`` (Keras' order) permuted to the logical order of ``layout``; no layer when
    the two orders agree."""
    order = features_last(layout)
    if order == tuple(range(len(order))):
        return x
    return layers.Permute(tuple(int(i) + 1 for i in np.argsort(order)),
                          name=helper_name(name, "to_logical"))(x)


def ops_call(node, inputs, function: str, constant: float | None = None,
             elementwise: bool = False, **arguments):
    """One ``keras.ops`` function, every argument explicit (:class:`OpsCall`);
    ``elementwise``: its output has its inputs' broadcast shape."""
    x = list(inputs) if len(inputs) > 1 else inputs[0]
    return OpsCall(function, arguments, constant, elementwise, name=node_layer_name(node))(x)
