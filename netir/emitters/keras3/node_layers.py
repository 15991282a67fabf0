"""Keras layers built for a node: its layer name, one ``keras.ops`` call, a permute
between Keras' order and a layout's logical one (shared by the lowering modules)."""

from __future__ import annotations

import numpy as np
from keras import layers

from netir.emitters.keras3.layers import OpsCall
from netir.emitters.keras3.names import helper_name, layer_name
from netir.ir.layout import features_last


def node_layer_name(plan) -> str:
    """The Keras layer name of a node (its plan's, or the node's own name)."""
    return layer_name(plan.name)


def to_logical_order(x, layout: str, name: str):
    """``x`` (Keras' order) permuted to the logical order of ``layout``; no layer when
    the two orders agree."""
    order = features_last(layout)
    if order == tuple(range(len(order))):
        return x
    return layers.Permute(tuple(int(i) + 1 for i in np.argsort(order)),
                          name=helper_name(name, "to_logical"))(x)


def logical_inputs(plan, inputs):
    """Each input of the plan's node in its logical order (a Permute only where Keras'
    order differs)."""
    return [to_logical_order(x, t.layout, helper_name(node_layer_name(plan), f"in{i}"))
            for i, (x, t) in enumerate(zip(inputs, plan.inputs))]


def in_keras_order(plan, make, x):
    """``make(name)`` applied to ``x`` (logical order), then the result moved to Keras'
    order; the layer that ends in the node's output carries the node's name."""
    order = features_last(plan.output.layout)
    if order == tuple(range(len(order))):
        return make(node_layer_name(plan))(x)
    y = make(helper_name(node_layer_name(plan), "logical"))(x)
    return layers.Permute(tuple(i + 1 for i in order), name=node_layer_name(plan))(y)


def ops_call(plan, inputs, function: str, constant: float | None = None,
             elementwise: bool = False, **arguments):
    """One ``keras.ops`` function, every argument explicit (:class:`OpsCall`);
    ``elementwise``: its output has its inputs' broadcast shape."""
    x = list(inputs) if len(inputs) > 1 else inputs[0]
    return OpsCall(function, arguments, constant, elementwise, name=node_layer_name(plan))(x)
