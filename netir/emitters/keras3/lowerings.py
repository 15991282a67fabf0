"""The Keras 3 lowering of every built-in op: ``(node, graph, inputs) -> tensor``.

Channels last. The layer that carries a node's weights is named after the node;
helper layers (explicit padding, divisor maps) are named ``<node>>role`` (see
:func:`netir.emitters.keras3.names.helper_name`), which no node name can be.
Asymmetric padding, ceil_mode and count_include_pad are made exact by explicit
padding and per-cell divisors computed from the IR's own arithmetic.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from netir.emitters.backend import Lowerings
from netir.emitters.keras3 import layers as L
from netir.emitters.keras3 import sequence, tokens, transformer, upsampling
from netir.emitters.keras3.batchnorm import BatchNorm
from netir.emitters.keras3.layouts import keras_axis, keras_shape
from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.node_layers import ops_call, to_logical_order
from netir.ir import arithmetic
from netir.ir.ops.channel import channel_shuffle_order, concat_axis, slice_indices

LOWERINGS = Lowerings("keras")
_lower = LOWERINGS.register


def _pad(x, pad, name: str, value: float = 0.0):
    if not any(v for side in pad for v in side):
        return x
    if value == 0.0:
        return layers.ZeroPadding2D(pad, name=helper_name(name, "pad"))(x)
    return L.ConstantPad2D(pad, value, name=helper_name(name, "pad"))(x)


@_lower("input")
def _input(node, graph, inputs):
    return keras.Input(shape=keras_shape(node.shape, node.layout), name=_n(node))


def _crop_unit_outputs(node, graph, x, stride):
    """Where an axis has one output, the stride is moot: use 1 and crop the input to the
    window. TensorFlow's oneDNN CPU convolution returns wrong numbers (even garbage)
    for one input channel, a stride > 1 and an output of size 1 (netir's property
    tests found it; tensorflow-cpu 2.21)."""
    a = node.attrs
    (_, h, w), pad = graph.input_shapes(node)[0], a["padding"]
    crop, stride = [(0, 0), (0, 0)], list(stride)
    for i, size in enumerate((h, w)):
        if node.shape[1 + i] == 1 and stride[i] > 1:
            window = (a["kernel"][i] - 1) * a["dilation"][i] + 1
            crop[i] = (0, size + pad[i][0] + pad[i][1] - window)
            stride[i] = 1
    if any(c for side in crop for c in side):
        x = layers.Cropping2D(tuple(crop), name=helper_name(_n(node), "crop"))(x)
    return x, tuple(stride)


@_lower("conv2d")
def _conv2d(node, graph, inputs):
    a = node.attrs
    x = _pad(inputs[0], a["padding"], _n(node))
    x, stride = _crop_unit_outputs(node, graph, x, a["stride"])
    kw = dict(kernel_size=a["kernel"], padding="valid", use_bias=a["bias"], name=_n(node))
    dilated = a["dilation"] != (1, 1)
    if a["groups"] == 1 and not (dilated and stride != (1, 1)):
        return layers.Conv2D(a["out_channels"], strides=stride, dilation_rate=a["dilation"],
                             **kw)(x)
    if dilated:
        return L.ConvExact(a["out_channels"], groups=a["groups"], dilation_rate=a["dilation"],
                           subsample=stride, **kw)(x)
    return L.ConvExact(a["out_channels"], groups=a["groups"], strides=stride, **kw)(x)


@_lower("dense")
def _dense(node, graph, inputs):
    return layers.Dense(node.attrs["units"], use_bias=node.attrs["bias"], name=_n(node))(
        inputs[0])


@_lower("batch_norm")
def _batch_norm(node, graph, inputs):
    a = node.attrs
    return BatchNorm(axis=-1, epsilon=a["eps"], momentum=1.0 - a["momentum"],
                     name=_n(node))(inputs[0])


def _activation(kind: str):
    return lambda node, graph, inputs: layers.Activation(kind, name=_n(node))(inputs[0])


for _op in ("relu", "tanh", "sigmoid"):
    _lower(_op)(_activation(_op))


@_lower("hardtanh")
def _hardtanh(node, graph, inputs):
    """``keras.ops.clip``: exact (a shifted capped ReLU would round the shift)."""
    return ops_call(node, inputs, "clip", x_min=node.attrs["min_val"],
                    x_max=node.attrs["max_val"], elementwise=True)


@_lower("softmax")
def _softmax(node, graph, inputs):
    axis = keras_axis(node.attrs["axis"], node.layout)
    return layers.Softmax(axis=axis, name=_n(node))(inputs[0])


@_lower("dropout")
def _dropout(node, graph, inputs):
    return layers.Dropout(node.attrs["rate"], name=_n(node))(inputs[0])


@_lower("flatten")
def _flatten(node, graph, inputs):
    """C, H, W order: a map flattens through a transpose back to channels first; other
    layouts through a Permute to their logical order where Keras' differs."""
    layout = graph[node.inputs[0]].layout
    if layout == "CHW":
        return L.ChannelsFirstFlatten(name=_n(node))(inputs[0])
    return layers.Flatten(name=_n(node))(to_logical_order(inputs[0], layout, _n(node)))


@_lower("global_avg_pool")
def _global_avg_pool(node, graph, inputs):
    """Features are last at every layout: the 1-D, 2-D or 3-D pool of the positions."""
    pool = (layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D,
            layers.GlobalAveragePooling3D)[len(graph.input_shapes(node)[0]) - 2]
    return pool(name=_n(node))(inputs[0])


@_lower("add")
def _add(node, graph, inputs):
    """``layers.Add`` on inputs of one shape; a broadcast is :class:`L.BroadcastAdd`
    (``keras.ops.add`` can mistake a broadcast operand for a bias on TensorFlow)."""
    if len(set(graph.input_shapes(node))) == 1:
        return layers.Add(name=_n(node))(list(inputs))
    return L.BroadcastAdd(name=_n(node))(list(inputs))


@_lower("concat")
def _concat(node, graph, inputs):
    axis = keras_axis(concat_axis(node.attrs, node.layout), node.layout)
    return layers.Concatenate(axis=axis, name=_n(node))(list(inputs))


@_lower("zero_pad2d")
def _zero_pad(node, graph, inputs):
    return layers.ZeroPadding2D(node.attrs["padding"], name=_n(node))(inputs[0])


@_lower("local_response_norm")
def _lrn(node, graph, inputs):
    a = node.attrs
    return L.LocalResponseNorm(a["size"], a["alpha"], a["beta"], a["k"], name=_n(node))(
        inputs[0])


@_lower("adaptive_avg_pool2d")
def _adaptive(node, graph, inputs):
    (_, h, w), (oh, ow) = graph.input_shapes(node)[0], node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        return layers.AveragePooling2D((h // oh, w // ow), name=_n(node))(inputs[0])
    return L.AdaptiveAvgPool2D((h, w), (oh, ow), name=_n(node))(inputs[0])


def _exact_pad(node, graph):
    return arithmetic.explicit_padding(node.attrs, graph.input_shapes(node)[0], node.shape)


@_lower("max_pool2d")
def _max_pool(node, graph, inputs):
    a = node.attrs
    x = _pad(inputs[0], _exact_pad(node, graph), _n(node), value=-np.inf)
    return layers.MaxPooling2D(a["kernel"], a["stride"], padding="valid", name=_n(node))(x)


@_lower("avg_pool2d")
def _avg_pool(node, graph, inputs):
    a = node.attrs
    x = _pad(inputs[0], _exact_pad(node, graph), _n(node))
    divisor = arithmetic.avg_divisor(a, graph.input_shapes(node)[0])
    window = a["kernel"][0] * a["kernel"][1]
    y = layers.AveragePooling2D(a["kernel"], a["stride"], padding="valid", name=_n(node))(x)
    if np.all(divisor == window):
        return y
    return L.ScaleMap(window / divisor, name=helper_name(_n(node), "divisor"))(y)


# -- activations (relu6 ... prelu) ---------------------------------------------------------
def _ops(function: str, **arguments):
    return lambda node, graph, inputs: ops_call(node, inputs, function, elementwise=True,
                                                **arguments)


for _op, _function in (("relu6", "relu6"), ("silu", "silu"), ("hardswish", "hard_silu"),
                       ("hardsigmoid", "hard_sigmoid"), ("mish", "activations.mish"),
                       ("softplus", "softplus")):
    _lower(_op)(_ops(_function))


@_lower("clip")
def _clip(node, graph, inputs):
    """``keras.ops.maximum`` / ``minimum`` with the bounds given: exact, as torch.clamp."""
    low, high = node.attrs["min"], node.attrs["max"]
    if low is not None and high is not None:
        return ops_call(node, inputs, "clip", x_min=low, x_max=high, elementwise=True)
    return ops_call(node, inputs, "maximum" if high is None else "minimum",
                    constant=low if high is None else high, elementwise=True)


@_lower("leaky_relu")
def _leaky_relu(node, graph, inputs):
    return L.LeakyReLU(node.attrs["negative_slope"], name=_n(node))(inputs[0])


@_lower("elu")
def _elu(node, graph, inputs):
    return ops_call(node, inputs, "elu", alpha=node.attrs["alpha"], elementwise=True)


@_lower("gelu")
def _gelu(node, graph, inputs):
    """The form stated (``keras.ops.gelu`` alone would take the tanh one), written out."""
    return L.Gelu(node.attrs["approximate"] == "tanh", name=_n(node))(inputs[0])


@_lower("prelu")
def _prelu(node, graph, inputs):
    return L.PReLU(node.attrs["num_parameters"], name=_n(node))(inputs[0])


# -- element-wise arithmetic ----------------------------------------------------------------
# Operands of one layout have one physical order (features last), so they broadcast on
# the same axes as their logical shapes.
def _arithmetic(function: str):
    return lambda node, graph, inputs: ops_call(node, inputs, function,
                                                constant=node.attrs["scalar"],
                                                elementwise=True)


for _op, _function in (("mul", "multiply"), ("sub", "subtract"), ("div", "divide"),
                       ("maximum", "maximum"), ("minimum", "minimum")):
    _lower(_op)(_arithmetic(_function))


# -- reductions, channel ops, group and instance norm, stochastic depth ---------------------
def _reduce(function: str):
    def lower(node, graph, inputs):
        layout = graph.input_shapes(node)[0].layout
        rank = len(layout)
        axes = tuple(sorted(keras_axis(a, layout) % (rank + 1) for a in node.attrs["axes"]))
        return ops_call(node, inputs, function, axis=axes, keepdims=node.attrs["keepdims"])

    return lower


for _op, _function in (("mean", "mean"), ("sum", "sum"), ("max", "max")):
    _lower(_op)(_reduce(_function))


@_lower("global_max_pool")
def _global_max_pool(node, graph, inputs):
    pool = (layers.GlobalMaxPooling1D, layers.GlobalMaxPooling2D,
            layers.GlobalMaxPooling3D)[len(graph.input_shapes(node)[0]) - 2]
    return pool(name=_n(node))(inputs[0])


@_lower("channel_shuffle")
def _channel_shuffle(node, graph, inputs):
    """A gather of the channels (last axis) in the shuffled order."""
    order = channel_shuffle_order(node.shape[0], node.attrs["groups"])
    return ops_call(node, inputs, "take", indices=order, axis=-1)


@_lower("slice")
def _slice(node, graph, inputs):
    a, shape = node.attrs, graph.input_shapes(node)[0]
    kept = list(slice_indices(a, shape[a["axis"]]))
    return ops_call(node, inputs, "take", indices=kept,
                    axis=keras_axis(a["axis"], shape.layout))


def _group_normalization(node, groups: int, inputs):
    """Keras' GroupNormalization over the channels (last axis), gamma then beta: the
    declared weight and bias."""
    a = node.attrs
    return layers.GroupNormalization(groups, axis=-1, epsilon=a["eps"], center=a["affine"],
                                     scale=a["affine"], name=_n(node))(inputs[0])


_lower("group_norm")(
    lambda node, graph, inputs: _group_normalization(node, node.attrs["num_groups"], inputs))
_lower("instance_norm")(  # one group per channel
    lambda node, graph, inputs: _group_normalization(node, node.shape[0], inputs))


@_lower("stochastic_depth")
def _stochastic_depth(node, graph, inputs):
    return L.StochasticDepth(node.attrs["p"], node.attrs["mode"], name=_n(node))(inputs[0])


def _merge_families() -> None:
    """The lowerings kept in their own modules for size, into this table; an op
    lowered twice is an error."""
    for family in (sequence, tokens, transformer, upsampling):
        for op, lowering in family.LOWERINGS.items():
            LOWERINGS.register(op)(lowering)


_merge_families()
