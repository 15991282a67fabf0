"""Keras lowerings of the activations (netir/ir/ops/activation.py): a stock layer, or
one exact ``keras.ops`` call (:func:`netir.emitters.keras3.node_layers.ops_call`)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.layouts import keras_axis
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call


def activation(kind: str):
    return lambda node, graph, inputs: layers.Activation(kind, name=_n(node))(inputs[0])


def elementwise(function: str, **arguments):
    return lambda node, graph, inputs: ops_call(node, inputs, function, elementwise=True,
                                                **arguments)


def hardtanh(node, graph, inputs):
    """``keras.ops.clip``: exact (a shifted capped ReLU would round the shift)."""
    return ops_call(node, inputs, "clip", x_min=node.attrs["min_val"],
                    x_max=node.attrs["max_val"], elementwise=True)


def softmax(node, graph, inputs):
    axis = keras_axis(node.attrs["axis"], node.layout)
    return layers.Softmax(axis=axis, name=_n(node))(inputs[0])


def clip(node, graph, inputs):
    """``keras.ops.maximum`` / ``minimum`` with the bounds given: exact, as torch.clamp."""
    low, high = node.attrs["min"], node.attrs["max"]
    if low is not None and high is not None:
        return ops_call(node, inputs, "clip", x_min=low, x_max=high, elementwise=True)
    return ops_call(node, inputs, "maximum" if high is None else "minimum",
                    constant=low if high is None else high, elementwise=True)


def leaky_relu(node, graph, inputs):
    return L.LeakyReLU(node.attrs["negative_slope"], name=_n(node))(inputs[0])


def elu(node, graph, inputs):
    return ops_call(node, inputs, "elu", alpha=node.attrs["alpha"], elementwise=True)


def gelu(node, graph, inputs):
    """The form stated (``keras.ops.gelu`` alone would take the tanh one), written out."""
    return L.Gelu(node.attrs["approximate"] == "tanh", name=_n(node))(inputs[0])


def prelu(node, graph, inputs):
    return L.PReLU(node.attrs["num_parameters"], name=_n(node))(inputs[0])


LOWERINGS = {"relu": activation("relu"), "tanh": activation("tanh"),
             "sigmoid": activation("sigmoid"), "softmax": softmax, "hardtanh": hardtanh,
             "relu6": elementwise("relu6"), "clip": clip, "leaky_relu": leaky_relu,
             "elu": elu, "gelu": gelu, "silu": elementwise("silu"),
             "hardswish": elementwise("hard_silu"), "hardsigmoid": elementwise("hard_sigmoid"),
             "mish": elementwise("activations.mish"), "softplus": elementwise("softplus"),
             "prelu": prelu}
