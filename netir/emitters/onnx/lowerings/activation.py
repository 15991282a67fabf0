"""ONNX lowerings of the activations (netir/ir/ops/activation.py), in opset-18 ops."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.axes import attr_axis
from netir.emitters.onnx.protos import const, ints, one_node, op, param


def _clip(plan, inputs, low, high):
    """``Clip`` with the bounds given; an absent bound is the empty input name."""
    protos, names = [], []
    for key, bound in (("min", low), ("max", high)):
        if bound is None:
            names.append("")
        else:
            protos.append(const(f"{plan.name}/{key}", np.float32(bound)))
            names.append(protos[-1].name)
    return [*protos, op("Clip", [inputs[0], *names], plan.name)]


def hardtanh(plan, inputs):
    return _clip(plan, inputs, plan.attrs["min_val"], plan.attrs["max_val"])


def clip(plan, inputs):
    return _clip(plan, inputs, plan.attrs["min"], plan.attrs["max"])


def softmax(plan, inputs):
    return [op("Softmax", inputs, plan.name, axis=attr_axis(plan, "axis"))]


def leaky_relu(plan, inputs):
    return [op("LeakyRelu", inputs, plan.name, alpha=plan.attrs["negative_slope"])]


def elu(plan, inputs):
    return [op("Elu", inputs, plan.name, alpha=plan.attrs["alpha"])]


def silu(plan, inputs):
    return [op("Sigmoid", inputs, f"{plan.name}/sigmoid"),
            op("Mul", [inputs[0], f"{plan.name}/sigmoid"], plan.name)]


def gelu(plan, inputs):
    """The formula written out in opset-18 ops (``Gelu`` arrives only in opset 20):
    ``x · (1 + inner) / 2`` with ``inner = Erf(x / √2)`` or the tanh form's."""
    x, name = inputs[0], plan.name
    half, one = const(f"{name}/half", np.float32(0.5)), const(f"{name}/one", np.float32(1.0))
    protos = [half, one]
    if plan.attrs["approximate"] == "none":
        scale = const(f"{name}/rsqrt2", np.float32(1.0 / np.sqrt(2.0)))
        protos += [scale, op("Mul", [x, scale.name], f"{name}/scaled"),
                   op("Erf", [f"{name}/scaled"], f"{name}/inner")]
    else:
        k, c = (const(f"{name}/{n}", np.float32(v))
                for n, v in (("k", np.sqrt(2.0 / np.pi)), ("c", 0.044715)))
        protos += [k, c, op("Mul", [x, x], f"{name}/x2"),
                   op("Mul", [f"{name}/x2", x], f"{name}/x3"),
                   op("Mul", [f"{name}/x3", c.name], f"{name}/cx3"),
                   op("Add", [x, f"{name}/cx3"], f"{name}/poly"),
                   op("Mul", [f"{name}/poly", k.name], f"{name}/scaled"),
                   op("Tanh", [f"{name}/scaled"], f"{name}/inner")]
    return [*protos, op("Add", [f"{name}/inner", one.name], f"{name}/gate"),
            op("Mul", [x, f"{name}/gate"], f"{name}/xgate"),
            op("Mul", [f"{name}/xgate", half.name], name)]


def prelu(plan, inputs):
    """``PRelu`` with the (num_parameters,) slope shaped to broadcast along the features:
    the batched tensor's broadcast shape, its leading batch axis left to broadcasting."""
    view = [1] * (len(plan.output) + 1)
    view[plan.feature_axis] = plan.attrs["num_parameters"]
    shape = ints(f"{plan.name}/slope_shape", view[1:])
    return [shape, op("Reshape", [param(plan, "weight"), shape.name], f"{plan.name}/slope"),
            op("PRelu", [inputs[0], f"{plan.name}/slope"], plan.name)]


LOWERINGS = {
    "relu": one_node("Relu"),
    "tanh": one_node("Tanh"),
    "sigmoid": one_node("Sigmoid"),
    "softmax": softmax,
    "hardtanh": hardtanh,
    "relu6": lambda plan, inputs: _clip(plan, inputs, 0.0, 6.0),
    "clip": clip,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "gelu": gelu,
    "silu": silu,
    "hardswish": one_node("HardSwish"),
    "hardsigmoid": one_node("HardSigmoid", alpha=1.0 / 6.0, beta=0.5),
    "mish": one_node("Mish"),
    "softplus": one_node("Softplus"),
    "prelu": prelu,
}
