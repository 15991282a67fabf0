"""Keras lowerings of the shape ops (netir/ir/ops/shape.py).

Keras holds every tensor features last (:mod:`netir.emitters.keras3.layouts`). An op
whose meaning is tied to the logical order (reshape, flatten) reads its input in that
order, through an exact ``Permute`` that is left out where the two orders agree; a
permute or transpose is one ``Permute`` of the physical axes, or none.
"""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.layouts import keras_order
from netir.emitters.keras3.node_layers import (
    in_keras_order,
    logical_inputs,
    ops_call,
    to_logical_order,
)
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.ir.ops.shape import dims_of
from netir.ir.plan import batch_first


def reshape(plan, inputs):
    """Row-major in the logical order: permute there, reshape, permute to Keras' order."""
    (x,) = logical_inputs(plan, inputs)
    return in_keras_order(plan, lambda name: layers.Reshape(tuple(plan.output), name=name), x)


def keras_permutation(plan) -> tuple[int, ...]:
    """The node's permutation (batch first) as one on Keras' axes (batch included):
    output Keras axis k reads input Keras axis ``result[k]``."""
    source = keras_order(plan.inputs[0].layout)
    dims = batch_first(dims_of(plan.attrs, len(plan.inputs[0])), "permutation", None)
    return tuple(source.index(dims[o]) for o in keras_order(plan.output.layout))


def permute(plan, inputs):
    perm = keras_permutation(plan)
    if perm == tuple(range(len(perm))):  # tokens to a sequence: the same Keras order
        return layers.Identity(name=_n(plan))(inputs[0])
    return layers.Permute(perm[1:], name=_n(plan))(inputs[0])


def select(plan, inputs):
    """``keras.ops.take`` with one index drops the axis; the axes left are already in
    the output's Keras order (as for a reduction)."""
    source = plan.inputs[0]
    size = source[plan.attrs["axis"]]
    physical = keras_order(source.layout).index(plan.axes["axis"])
    return ops_call(plan, inputs, "take", indices=plan.attrs["index"] % size, axis=physical)


def flatten(plan, inputs):
    """C, H, W order: a map flattens through a transpose back to channels first; other
    layouts through a Permute to their logical order where Keras' differs."""
    layout = plan.inputs[0].layout
    if layout == "CHW":
        return L.ChannelsFirstFlatten(name=_n(plan))(inputs[0])
    return layers.Flatten(name=_n(plan))(to_logical_order(inputs[0], layout, _n(plan)))


def to_tokens(plan, inputs):
    """(H, W, C) is already the token order, row-major over H then W: a reshape."""
    return layers.Reshape(tuple(plan.output), name=_n(plan))(inputs[0])


def from_tokens(plan, inputs):
    c, h, w = plan.output
    return layers.Reshape((h, w, c), name=_n(plan))(inputs[0])


LOWERINGS = {"reshape": reshape, "permute": permute, "transpose": permute, "select": select,
             "flatten": flatten, "to_tokens": to_tokens, "from_tokens": from_tokens}
