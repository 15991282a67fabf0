"""Keras lowerings of the activations (netir/ir/ops/activation.py): a stock layer, or
one exact ``keras.ops`` call (:func:`netir.emitters.keras3.node_layers.ops_call`)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.layouts import keras_batch_axis
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call


def activation(kind: str):
    return lambda plan, inputs: layers.Activation(kind, name=_n(plan))(inputs[0])


def elementwise(function: str, **arguments):
    return lambda plan, inputs: ops_call(plan, inputs, function, elementwise=True,
                                                **arguments)


def hardtanh(plan, inputs):
    """``keras.ops.clip``: exact (a shifted capped ReLU would round the shift)."""
    return ops_call(plan, inputs, "clip", x_min=plan.attrs["min_val"],
                    x_max=plan.attrs["max_val"], elementwise=True)


def softmax(plan, inputs):
    axis = keras_batch_axis(plan.axes["axis"], plan.output.layout)
    return layers.Softmax(axis=axis, name=_n(plan))(inputs[0])


def clip(plan, inputs):
    """``keras.ops.maximum`` / ``minimum`` with the bounds given: exact, as torch.clamp."""
    low, high = plan.attrs["min"], plan.attrs["max"]
    if low is not None and high is not None:
        return ops_call(plan, inputs, "clip", x_min=low, x_max=high, elementwise=True)
    return ops_call(plan, inputs, "maximum" if high is None else "minimum",
                    constant=low if high is None else high, elementwise=True)


def leaky_relu(plan, inputs):
    return L.LeakyReLU(plan.attrs["negative_slope"], name=_n(plan))(inputs[0])


def elu(plan, inputs):
    return ops_call(plan, inputs, "elu", alpha=plan.attrs["alpha"], elementwise=True)


def gelu(plan, inputs):
    """The form stated (``keras.ops.gelu`` alone would take the tanh one), written out."""
    return L.Gelu(plan.attrs["approximate"] == "tanh", name=_n(plan))(inputs[0])


def prelu(plan, inputs):
    return L.PReLU(plan.attrs["num_parameters"], name=_n(plan))(inputs[0])


LOWERINGS = {"relu": activation("relu"), "tanh": activation("tanh"),
             "sigmoid": activation("sigmoid"), "softmax": softmax, "hardtanh": hardtanh,
             "relu6": elementwise("relu6"), "clip": clip, "leaky_relu": leaky_relu,
             "elu": elu, "gelu": gelu, "silu": elementwise("silu"),
             "hardswish": elementwise("hard_silu"), "hardsigmoid": elementwise("hard_sigmoid"),
             "mish": elementwise("activations.mish"), "softplus": elementwise("softplus"),
             "prelu": prelu}
