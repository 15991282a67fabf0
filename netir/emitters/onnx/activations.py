"""The ONNX lowering of the newer activations (relu6 ... prelu), registered on import by
:mod:`.lowerings`."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.lowerings import _lower, _same
from netir.emitters.onnx.protos import const, ints, op, param


def _clip_node(node, inputs, low, high):
    """``Clip`` with the bounds given; an absent bound is the empty input name."""
    protos, names = [], []
    for key, bound in (("min", low), ("max", high)):
        if bound is None:
            names.append("")
        else:
            protos.append(const(f"{node.name}/{key}", np.float32(bound)))
            names.append(protos[-1].name)
    return [*protos, op("Clip", [inputs[0], *names], node.name)]


_lower("relu6")(lambda node, graph, inputs: _clip_node(node, inputs, 0.0, 6.0))
_lower("clip")(lambda node, graph, inputs: _clip_node(node, inputs, node.attrs["min"],
                                                      node.attrs["max"]))
_lower("hardswish")(_same("HardSwish"))
_lower("hardsigmoid")(_same("HardSigmoid", alpha=1.0 / 6.0, beta=0.5))
_lower("mish")(_same("Mish"))
_lower("softplus")(_same("Softplus"))


@_lower("leaky_relu")
def _leaky_relu(node, graph, inputs):
    return [op("LeakyRelu", inputs, node.name, alpha=node.attrs["negative_slope"])]


@_lower("elu")
def _elu(node, graph, inputs):
    return [op("Elu", inputs, node.name, alpha=node.attrs["alpha"])]


@_lower("silu")
def _silu(node, graph, inputs):
    return [op("Sigmoid", inputs, f"{node.name}/sigmoid"),
            op("Mul", [inputs[0], f"{node.name}/sigmoid"], node.name)]


@_lower("gelu")
def _gelu(node, graph, inputs):
    """The formula written out in opset-18 ops (``Gelu`` arrives only in opset 20):
    ``x · (1 + inner) / 2`` with ``inner = Erf(x / √2)`` or the tanh form's."""
    x, name = inputs[0], node.name
    half, one = const(f"{name}/half", np.float32(0.5)), const(f"{name}/one", np.float32(1.0))
    protos = [half, one]
    if node.attrs["approximate"] == "none":
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


@_lower("prelu")
def _prelu(node, graph, inputs):
    """``PRelu`` with the (num_parameters,) slope shaped to broadcast along the features."""
    view = [1] * len(node.shape)
    view[node.layout.index("C")] = node.attrs["num_parameters"]
    shape = ints(f"{node.name}/slope_shape", view)
    return [shape, op("Reshape", [param(node, "weight"), shape.name], f"{node.name}/slope"),
            op("PRelu", [inputs[0], f"{node.name}/slope"], node.name)]
