"""Keras lowerings of the element-wise arithmetic (netir/ir/ops/elementwise.py).

Operands of one layout have one physical order (features last), so they broadcast on
the same axes as their logical shapes.
"""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call


def add(plan, inputs):
    """``layers.Add`` on inputs of one shape; a broadcast is :class:`L.BroadcastAdd`
    (``keras.ops.add`` can mistake a broadcast operand for a bias on TensorFlow)."""
    if len(set(plan.inputs)) == 1:
        return layers.Add(name=_n(plan))(list(inputs))
    return L.BroadcastAdd(name=_n(plan))(list(inputs))


def arithmetic(function: str):
    return lambda plan, inputs: ops_call(plan, inputs, function,
                                                constant=plan.attrs["scalar"],
                                                elementwise=True)


LOWERINGS = {"add": add, "mul": arithmetic("multiply"), "sub": arithmetic("subtract"),
             "div": arithmetic("divide"), "maximum": arithmetic("maximum"),
             "minimum": arithmetic("minimum")}
