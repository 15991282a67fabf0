"""The PyTorch lowering of every built-in op: ``(node, graph, inputs) -> nn.Module``.

A lowering returns the module for one node (``inputs`` are the torch.fx nodes feeding
it, rarely needed); the emitter places it at the node's dotted path, so
``state_dict`` keys are ``<node name>.<param>``. A graph input lowers to PLACEHOLDER.
"""

from __future__ import annotations

from torch import nn

from netir.emitters.backend import Lowerings
from netir.emitters.pytorch import modules as M
from netir.emitters.pytorch import tokens as T
from netir.ir import arithmetic
from netir.ir.layout import positions
from netir.ir.ops.channel import concat_axis, slice_indices

PLACEHOLDER = object()  # marks a graph input


class BareParameter:
    """What a lowering returns for an op whose weight PyTorch holds as a bare
    ``nn.Parameter`` at the node's path (torchvision's ``class_token``, ConvNeXt's
    ``layer_scale``), so that the state_dict key is the node name itself: the
    parameter's ``shape`` and ``function(parameter, *inputs)``, which the emitter calls."""

    def __init__(self, shape: tuple[int, ...], function) -> None:
        self.shape, self.function = tuple(shape), function

LOWERINGS = Lowerings("torch")
_lower = LOWERINGS.register


def _symmetric(pad) -> bool:
    return all(a == b for a, b in pad)


def _torch_pad(pad) -> tuple[int, int, int, int]:
    (t, b), (left, right) = pad
    return (left, right, t, b)


def _positions(node, graph) -> tuple[int, ...]:
    """The input's position axes, batch first (what a global pool reduces)."""
    return tuple(a + 1 for a in positions(graph[node.inputs[0]].layout))


@_lower("input")
def _input(node, graph, inputs):
    return PLACEHOLDER


@_lower("conv2d")
def _conv2d(node, graph, inputs):
    a = node.attrs
    args = (graph.input_shapes(node)[0][0], a["out_channels"], a["kernel"])
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    if _symmetric(a["padding"]):
        return nn.Conv2d(*args, padding=tuple(p for p, _ in a["padding"]), **kw)
    return M.PaddedConv2d(*args, pad=_torch_pad(a["padding"]), **kw)


@_lower("dense")
def _dense(node, graph, inputs):
    """nn.Linear on the last axis; features first, a subclass that moves them there."""
    shape = graph.input_shapes(node)[0]
    cls = nn.Linear if shape.feature_axis == len(shape) - 1 else T.FeatureLinear
    return cls(shape.features, node.attrs["units"], bias=node.attrs["bias"])


@_lower("batch_norm")
def _batch_norm(node, graph, inputs):
    shape = graph.input_shapes(node)[0]
    cls = {1: nn.BatchNorm1d, 2: nn.BatchNorm1d, 3: nn.BatchNorm2d, 4: nn.BatchNorm3d}
    return cls[len(shape)](shape[0], eps=node.attrs["eps"], momentum=node.attrs["momentum"])


_lower("relu")(lambda node, graph, inputs: nn.ReLU())
_lower("tanh")(lambda node, graph, inputs: nn.Tanh())
_lower("sigmoid")(lambda node, graph, inputs: nn.Sigmoid())
_lower("hardtanh")(
    lambda node, graph, inputs: nn.Hardtanh(node.attrs["min_val"], node.attrs["max_val"]))
_lower("softmax")(lambda node, graph, inputs: nn.Softmax(dim=node.attrs["axis"] + 1))
_lower("dropout")(lambda node, graph, inputs: nn.Dropout(node.attrs["rate"]))
_lower("flatten")(lambda node, graph, inputs: M.Flatten())
_lower("global_avg_pool")(lambda node, graph, inputs: M.GlobalAvgPool(_positions(node, graph)))
_lower("add")(lambda node, graph, inputs: M.Add())
_lower("concat")(
    lambda node, graph, inputs: M.Concat(concat_axis(node.attrs, node.layout) + 1))
_lower("zero_pad2d")(
    lambda node, graph, inputs: nn.ZeroPad2d(_torch_pad(node.attrs["padding"])))
_lower("adaptive_avg_pool2d")(
    lambda node, graph, inputs: nn.AdaptiveAvgPool2d(node.attrs["output_size"]))


@_lower("local_response_norm")
def _lrn(node, graph, inputs):
    a = node.attrs
    return nn.LocalResponseNorm(a["size"], alpha=a["alpha"], beta=a["beta"], k=a["k"])


def _native_pool(a) -> bool:
    """nn.*Pool2d implements the IR rule exactly for symmetric padding <= kernel/2."""
    return _symmetric(a["padding"]) and all(
        p <= k // 2 for (p, _), k in zip(a["padding"], a["kernel"]))


def _exact_pad(node, graph):
    return _torch_pad(arithmetic.explicit_padding(node.attrs, graph.input_shapes(node)[0],
                                            node.shape))


@_lower("max_pool2d")
def _max_pool(node, graph, inputs):
    a = node.attrs
    if _native_pool(a):
        return nn.MaxPool2d(a["kernel"], a["stride"], tuple(p for p, _ in a["padding"]),
                            ceil_mode=a["ceil_mode"])
    return M.MaxPoolExact(a["kernel"], a["stride"], _exact_pad(node, graph))


@_lower("avg_pool2d")
def _avg_pool(node, graph, inputs):
    a = node.attrs
    if _native_pool(a):
        return nn.AvgPool2d(a["kernel"], a["stride"], tuple(p for p, _ in a["padding"]),
                            ceil_mode=a["ceil_mode"], count_include_pad=a["count_include_pad"])
    return M.AvgPoolExact(a["kernel"], a["stride"], _exact_pad(node, graph),
                          arithmetic.avg_divisor(a, graph.input_shapes(node)[0]))


# -- activations (relu6 ... prelu) ---------------------------------------------------------
_lower("relu6")(lambda node, graph, inputs: nn.ReLU6())
_lower("clip")(lambda node, graph, inputs: M.Clip(node.attrs["min"], node.attrs["max"]))
_lower("leaky_relu")(lambda node, graph, inputs: nn.LeakyReLU(node.attrs["negative_slope"]))
_lower("elu")(lambda node, graph, inputs: nn.ELU(node.attrs["alpha"]))
_lower("gelu")(lambda node, graph, inputs: nn.GELU(approximate=node.attrs["approximate"]))
_lower("silu")(lambda node, graph, inputs: nn.SiLU())
_lower("hardswish")(lambda node, graph, inputs: nn.Hardswish())
_lower("hardsigmoid")(lambda node, graph, inputs: M.HardSigmoid())
_lower("mish")(lambda node, graph, inputs: nn.Mish())
_lower("softplus")(lambda node, graph, inputs: nn.Softplus())


@_lower("prelu")
def _prelu(node, graph, inputs):
    """nn.PReLU reads its slopes along dim 1; features last (tokens) move there."""
    features_last = graph.input_shapes(node)[0].feature_axis > 0
    cls = T.FeaturePReLU if features_last and node.attrs["num_parameters"] > 1 else nn.PReLU
    return cls(node.attrs["num_parameters"])


# -- element-wise arithmetic ----------------------------------------------------------------
def _arithmetic(module):
    return lambda node, graph, inputs: module(node.attrs["scalar"])


for _op, _module in (("mul", M.Mul), ("sub", M.Sub), ("div", M.Div), ("maximum", M.Maximum),
                     ("minimum", M.Minimum)):
    _lower(_op)(_arithmetic(_module))


# -- reductions, channel ops, group and instance norm, stochastic depth ---------------------
def _reduce(module):
    return lambda node, graph, inputs: module(tuple(a + 1 for a in node.attrs["axes"]),
                                              node.attrs["keepdims"])


for _op, _module in (("mean", M.Mean), ("sum", M.Sum), ("max", M.Amax)):
    _lower(_op)(_reduce(_module))
_lower("global_max_pool")(
    lambda node, graph, inputs: M.Amax(_positions(node, graph), False))
_lower("channel_shuffle")(lambda node, graph, inputs: nn.ChannelShuffle(node.attrs["groups"]))


@_lower("slice")
def _slice(node, graph, inputs):
    a = node.attrs
    kept = slice_indices(a, graph.input_shapes(node)[0][a["axis"]])
    return M.Take(a["axis"] + 1, list(kept))


@_lower("group_norm")
def _group_norm(node, graph, inputs):
    a = node.attrs
    return nn.GroupNorm(a["num_groups"], graph.input_shapes(node)[0][0], eps=a["eps"],
                        affine=a["affine"])


@_lower("instance_norm")
def _instance_norm(node, graph, inputs):
    shape = graph.input_shapes(node)[0]
    cls = {2: nn.InstanceNorm1d, 3: nn.InstanceNorm2d, 4: nn.InstanceNorm3d}[len(shape)]
    return cls(shape[0], eps=node.attrs["eps"], affine=node.attrs["affine"])


_lower("stochastic_depth")(
    lambda node, graph, inputs: M.StochasticDepth(node.attrs["p"], node.attrs["mode"]))


# -- feature axis and tokens (netir/ir/ops/tokens.py) ----------------------------------
@_lower("layer_norm")
def _layer_norm(node, graph, inputs):
    shape = graph.input_shapes(node)[0]
    cls = nn.LayerNorm if shape.feature_axis == len(shape) - 1 else T.FeatureLayerNorm
    return cls(shape.features, eps=node.attrs["eps"])


_lower("to_tokens")(lambda node, graph, inputs: T.ToTokens())
_lower("from_tokens")(
    lambda node, graph, inputs: T.FromTokens(node.attrs["height"], node.attrs["width"]))


# Registered on import; kept apart for size.
from netir.emitters.pytorch import sequence, transformer, upsampling  # noqa: E402, F401, I001
