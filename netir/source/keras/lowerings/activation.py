"""The Keras source of the activation ops (``netir/ir/ops/activation.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import build, keras_axis, keras_lambda, one

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


for _op in ("relu", "tanh", "sigmoid"):
    _lower(_op)(lambda node, graph, _op=_op: one(build("layers.Activation", ("activation", _op))))


_lower("softmax")(lambda node, graph: one(build(
    "layers.Softmax", axis=keras_axis(node.attrs["axis"], node.layout))))


_lower("hardtanh")(lambda node, graph: one(keras_lambda(
    "ops.clip", ("x_min", node.attrs["min_val"]), ("x_max", node.attrs["max_val"]))))


_lower("elu")(lambda node, graph: one(keras_lambda("ops.elu", alpha=node.attrs["alpha"])))


_lower("leaky_relu")(lambda node, graph: one(build(
    "LeakyReLU", ("negative_slope", node.attrs["negative_slope"])), ("LeakyReLU",)))


_lower("gelu")(lambda node, graph: one(build(
    "Gelu", ("approximate", node.attrs["approximate"] == "tanh")), ("Gelu",)))


_lower("prelu")(lambda node, graph: one(build(
    "PReLU", ("num_parameters", node.attrs["num_parameters"])), ("PReLU",)))


for _op, _function in (("relu6", "ops.relu6"), ("silu", "ops.silu"),
                       ("hardswish", "ops.hard_silu"), ("hardsigmoid", "ops.hard_sigmoid"),
                       ("mish", "keras.activations.mish"), ("softplus", "ops.softplus")):
    _lower(_op)(lambda node, graph, _function=_function: one(keras_lambda(_function)))


@_lower("clip")
def _clip(node, graph):
    low, high = node.attrs["min"], node.attrs["max"]
    if low is not None and high is not None:
        return one(keras_lambda("ops.clip", ("x_min", low), ("x_max", high)))
    return one(keras_lambda("ops.maximum" if high is None else "ops.minimum",
                            ("bound", low if high is None else high)))
