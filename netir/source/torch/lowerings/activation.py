"""The PyTorch source of the activation ops (``netir/ir/ops/activation.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build, input_of, plain

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


for _op, _callee in (("relu", "nn.ReLU"), ("tanh", "nn.Tanh"), ("sigmoid", "nn.Sigmoid"),
                     ("relu6", "nn.ReLU6"), ("silu", "nn.SiLU"), ("hardswish", "nn.Hardswish"),
                     ("mish", "nn.Mish"), ("softplus", "nn.Softplus")):
    _lower(_op)(plain(_callee))
_lower("hardsigmoid")(plain("HardSigmoid", helpers=("HardSigmoid",)))


_lower("hardtanh")(plain("nn.Hardtanh", ("min_val", "min_val"), ("max_val", "max_val")))
_lower("clip")(plain("Clip", ("low", "min"), ("high", "max"), helpers=("Clip",)))
_lower("leaky_relu")(plain("nn.LeakyReLU", ("negative_slope", "negative_slope")))
_lower("elu")(plain("nn.ELU", ("alpha", "alpha")))
_lower("gelu")(plain("nn.GELU", ("approximate", "approximate")))


_lower("softmax")(lambda node, graph: build("nn.Softmax", dim=node.attrs["axis"] + 1))


@_lower("prelu")
def _prelu(node, graph):
    n = node.attrs["num_parameters"]
    feature = input_of(graph, node).feature_axis > 0 and n > 1
    return build("FeaturePReLU" if feature else "nn.PReLU", ("num_parameters", n),
              helpers=("FeaturePReLU",) if feature else ())
