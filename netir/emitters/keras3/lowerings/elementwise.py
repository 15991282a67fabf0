"""Keras lowerings of the element-wise arithmetic (netir/ir/ops/elementwise.py).

Operands of one layout have one physical order (features last), so they broadcast on
the same axes as their logical shapes.
"""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call


def add(node, graph, inputs):
    """``layers.Add`` on inputs of one shape; a broadcast is :class:`L.BroadcastAdd`
    (``keras.ops.add`` can mistake a broadcast operand for a bias on TensorFlow)."""
    if len(set(graph.input_shapes(node))) == 1:
        return layers.Add(name=_n(node))(list(inputs))
    return L.BroadcastAdd(name=_n(node))(list(inputs))


def arithmetic(function: str):
    return lambda node, graph, inputs: ops_call(node, inputs, function,
                                                constant=node.attrs["scalar"],
                                                elementwise=True)


LOWERINGS = {"add": add, "mul": arithmetic("multiply"), "sub": arithmetic("subtract"),
             "div": arithmetic("divide"), "maximum": arithmetic("maximum"),
             "minimum": arithmetic("minimum")}
