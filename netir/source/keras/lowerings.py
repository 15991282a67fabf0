"""The Keras source of every built-in op: ``(node, graph) -> Layers``.

The same layers as netir's Keras lowering (``netir/emitters/keras3/``), written as
source: a node is one layer named after it, sometimes with helper layers before or
after it (explicit padding, a crop, a permute to the logical order) named
``<node>>role``, as netir names them. Channels are last in every Keras tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netir.emitters.backend import Lowerings
from netir.ir import arithmetic
from netir.ir.layout import features_last
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.channel import concat_axis, slice_indices
from netir.ir.ops.shape import dims_of
from netir.source.common import Code, Ctor


@dataclass(frozen=True)
class Step:
    """One layer: ``ctor`` called on ``call`` (``{0}`` ... the node's inputs, ``{p}`` the
    previous step's output, ``{sK}`` step K's; None: the inputs, or ``{p}`` after the
    first step); ``role`` None for the node's own layer, else a helper's."""

    ctor: Ctor
    role: str | None = None
    call: str | None = None


@dataclass(frozen=True)
class Layers:
    steps: tuple[Step, ...]
    helpers: tuple[str, ...] = ()


LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


def _c(callee: str, *args, **kwargs) -> Ctor:
    """``callee(*args, **kwargs)``; ``args`` are (hint, value) pairs."""
    return Ctor(callee, tuple(args), tuple(kwargs.items()))


def _one(ctor: Ctor, helpers=(), call=None) -> Layers:
    return Layers((Step(ctor, None, call),), tuple(helpers))


def _lambda(function: str, *args, **kwargs) -> Ctor:
    """``layers.Lambda(lambda t: function(t, *args, **kwargs))``."""
    return _c("layers.Lambda", ("function", _c(f"lambda t: {function}", ("t", Code("t")),
                                               *args, **kwargs)))


def _in(graph, node):
    return graph.input_shapes(node)[0]


def _pad_step(pad, value: float = 0.0, role: str = "pad") -> tuple[Step, ...]:
    if not any(v for side in pad for v in side):
        return ()
    if value == 0.0:
        flat = {v for side in pad for v in side}
        return (Step(_c("layers.ZeroPadding2D", ("padding", flat.pop() if len(flat) == 1
                                                  else tuple(pad))), role),)
    return (Step(_c("ConstantPad2D", ("padding", tuple(pad)), ("value", value)), role),)


def _logical(layout: str, role: str, call: str) -> tuple[Step, ...]:
    """A Permute of Keras' order to the logical order of ``layout``; none if they agree."""
    order = features_last(layout)
    if order == tuple(range(len(order))):
        return ()
    return (Step(_c("layers.Permute", ("dims", tuple(int(i) + 1 for i in np.argsort(order)))),
                 role, call),)


@_lower("conv2d")
def _conv2d(node, graph):
    a = node.attrs
    steps = list(_pad_step(a["padding"]))
    (_, h, w), pad = _in(graph, node), a["padding"]
    crop, stride = [(0, 0), (0, 0)], list(a["stride"])
    for i, size in enumerate((h, w)):  # netir's oneDNN workaround: one output, stride 1
        if node.shape[1 + i] == 1 and stride[i] > 1:
            window = (a["kernel"][i] - 1) * a["dilation"][i] + 1
            crop[i] = (0, size + pad[i][0] + pad[i][1] - window)
            stride[i] = 1
    if any(c for side in crop for c in side):
        steps.append(Step(_c("layers.Cropping2D", ("cropping", tuple(crop))), "crop"))
    stride = tuple(stride)
    args = (("filters", a["out_channels"]), ("kernel_size", a["kernel"]))
    kw = dict(use_bias=a["bias"])
    dilated = a["dilation"] != (1, 1)
    helpers = ()
    if a["groups"] == 1 and not (dilated and stride != (1, 1)):
        ctor = _c("layers.Conv2D", *args, strides=stride, dilation_rate=a["dilation"], **kw)
    elif dilated:
        ctor = _c("ConvExact", *args, groups=a["groups"], dilation_rate=a["dilation"],
                  subsample=stride, **kw)
        helpers = ("ConvExact",)
    else:
        ctor = _c("ConvExact", *args, strides=stride, groups=a["groups"], **kw)
        helpers = ("ConvExact",)
    return Layers((*steps, Step(ctor)), helpers)


@_lower("conv1d")
def _conv1d(node, graph):
    a = node.attrs
    (left, right), stride, steps = a["padding"], a["stride"], []
    if left or right:
        steps.append(Step(_c("layers.ZeroPadding1D", ("padding", (left, right))), "pad"))
    if node.shape[1] == 1 and stride > 1:
        length = _in(graph, node)[1] + left + right
        window = (a["kernel"] - 1) * a["dilation"] + 1
        if length > window:
            steps.append(Step(_c("layers.Cropping1D", ("cropping", (0, length - window))),
                              "crop"))
        stride = 1
    args = (("filters", a["out_channels"]), ("kernel_size", a["kernel"]))
    if a["groups"] == 1 and not (a["dilation"] > 1 and stride > 1):
        ctor = _c("layers.Conv1D", *args, strides=stride, dilation_rate=a["dilation"],
                  use_bias=a["bias"])
        return Layers((*steps, Step(ctor)))
    if a["dilation"] > 1:
        ctor = _c("Conv1DExact", *args, groups=a["groups"], dilation_rate=a["dilation"],
                  subsample=stride, use_bias=a["bias"])
    else:
        ctor = _c("Conv1DExact", *args, strides=stride, groups=a["groups"], use_bias=a["bias"])
    return Layers((*steps, Step(ctor)), ("Conv1DExact",))


_lower("dense")(lambda node, graph: _one(_c("layers.Dense", ("units", node.attrs["units"]),
                                            use_bias=node.attrs["bias"])))
_lower("batch_norm")(lambda node, graph: _one(_c(
    "BatchNorm", epsilon=node.attrs["eps"], momentum=1.0 - node.attrs["momentum"]),
    ("BatchNorm",)))
_lower("layer_norm")(lambda node, graph: _one(_c("LayerNorm", epsilon=node.attrs["eps"]),
                                              ("LayerNorm",)))
for _op in ("relu", "tanh", "sigmoid"):
    _lower(_op)(lambda node, graph, _op=_op: _one(_c("layers.Activation", ("activation", _op))))
_lower("softmax")(lambda node, graph: _one(_c(
    "layers.Softmax", axis=_axis(node.attrs["axis"], node.layout))))
_lower("dropout")(lambda node, graph: _one(_c("layers.Dropout", ("rate", node.attrs["rate"]))))
_lower("zero_pad2d")(lambda node, graph: _one(_c("layers.ZeroPadding2D",
                                                 ("padding", node.attrs["padding"]))))
_lower("hardtanh")(lambda node, graph: _one(_lambda(
    "ops.clip", ("x_min", node.attrs["min_val"]), ("x_max", node.attrs["max_val"]))))
_lower("elu")(lambda node, graph: _one(_lambda("ops.elu", alpha=node.attrs["alpha"])))
_lower("leaky_relu")(lambda node, graph: _one(_c(
    "LeakyReLU", ("negative_slope", node.attrs["negative_slope"])), ("LeakyReLU",)))
_lower("gelu")(lambda node, graph: _one(_c(
    "Gelu", ("approximate", node.attrs["approximate"] == "tanh")), ("Gelu",)))
_lower("prelu")(lambda node, graph: _one(_c(
    "PReLU", ("num_parameters", node.attrs["num_parameters"])), ("PReLU",)))
_lower("stochastic_depth")(lambda node, graph: _one(_c(
    "StochasticDepth", ("rate", node.attrs["p"]), ("mode", node.attrs["mode"])),
    ("StochasticDepth",)))
for _op, _function in (("relu6", "ops.relu6"), ("silu", "ops.silu"),
                       ("hardswish", "ops.hard_silu"), ("hardsigmoid", "ops.hard_sigmoid"),
                       ("mish", "keras.activations.mish"), ("softplus", "ops.softplus")):
    _lower(_op)(lambda node, graph, _function=_function: _one(_lambda(_function)))


def _axis(logical: int, layout: str) -> int:
    """A logical axis (batch excluded) as a Keras axis; the features are -1."""
    order = features_last(layout)
    physical = order.index(logical)
    return -1 if physical == len(order) - 1 else physical + 1


@_lower("clip")
def _clip(node, graph):
    low, high = node.attrs["min"], node.attrs["max"]
    if low is not None and high is not None:
        return _one(_lambda("ops.clip", ("x_min", low), ("x_max", high)))
    return _one(_lambda("ops.maximum" if high is None else "ops.minimum",
                        ("bound", low if high is None else high)))


@_lower("flatten")
def _flatten(node, graph):
    layout = graph[node.inputs[0]].layout
    if layout == "CHW":
        return _one(_c("ChannelsFirstFlatten"), ("ChannelsFirstFlatten",))
    return Layers((*_logical(layout, "to_logical", None), Step(_c("layers.Flatten"))))


def _pool(kind: str):
    def lower(node, graph):
        dims = len(_in(graph, node)) - 1
        return _one(_c(f"layers.Global{kind}Pooling{dims}D"))

    return lower


_lower("global_avg_pool")(_pool("Average"))
_lower("global_max_pool")(_pool("Max"))


@_lower("add")
def _add(node, graph):
    if len(set(graph.input_shapes(node))) == 1:
        return _one(_c("layers.Add"))
    return _one(_c("BroadcastAdd"), ("BroadcastAdd",))


_lower("concat")(lambda node, graph: _one(_c("layers.Concatenate", axis=_axis(
    concat_axis(node.attrs, node.layout), node.layout))))
_lower("local_response_norm")(lambda node, graph: _one(_c(
    "LocalResponseNorm", *((k, node.attrs[k]) for k in ("size", "alpha", "beta", "k"))),
    ("LocalResponseNorm",)))


@_lower("adaptive_avg_pool2d")
def _adaptive(node, graph):
    (_, h, w), (oh, ow) = _in(graph, node), node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        return _one(_c("layers.AveragePooling2D", ("pool_size", (h // oh, w // ow))))
    return _one(_c("AdaptiveAvgPool2D", ("input_hw", (h, w)), ("output_size", (oh, ow))),
                ("AdaptiveAvgPool2D",))


def _exact_pad(node, graph):
    return arithmetic.explicit_padding(node.attrs, _in(graph, node), node.shape)


@_lower("max_pool2d")
def _max_pool(node, graph):
    a = node.attrs
    pad = _pad_step(_exact_pad(node, graph), value=float("-inf"))
    pool = _c("layers.MaxPooling2D", ("pool_size", a["kernel"]), ("strides", a["stride"]))
    return Layers((*pad, Step(pool)), ("ConstantPad2D",) if pad else ())


@_lower("avg_pool2d")
def _avg_pool(node, graph):
    a = node.attrs
    steps = [*_pad_step(_exact_pad(node, graph)),
             Step(_c("layers.AveragePooling2D", ("pool_size", a["kernel"]),
                     ("strides", a["stride"])))]
    divisor = arithmetic.avg_divisor(a, _in(graph, node))
    window = a["kernel"][0] * a["kernel"][1]
    if np.all(divisor == window):
        return Layers(tuple(steps))
    value = [[int(v) for v in row] for row in divisor]
    steps.append(Step(_c("ScaleMap", ("window", window), ("divisor", value)), "divisor"))
    return Layers(tuple(steps), ("ScaleMap",))


def _reduce(function: str):
    def lower(node, graph):
        layout = _in(graph, node).layout
        rank = len(layout)
        axes = tuple(sorted(_axis(a, layout) % (rank + 1) for a in node.attrs["axes"]))
        return _one(_lambda(function, axis=axes, keepdims=node.attrs["keepdims"]))

    return lower


for _op, _function in (("mean", "ops.mean"), ("sum", "ops.sum"), ("max", "ops.max")):
    _lower(_op)(_reduce(_function))


def _arithmetic(function: str):
    def lower(node, graph):
        if len(node.inputs) > 1:
            return _one(_c("layers.Lambda", ("function", _c(f"lambda t: {function}",
                                                            ("t", Code("*t"))))))
        return _one(_lambda(function, ("scalar", node.attrs["scalar"])))

    return lower


for _op, _function in (("mul", "ops.multiply"), ("sub", "ops.subtract"),
                       ("div", "ops.divide"), ("maximum", "ops.maximum"),
                       ("minimum", "ops.minimum")):
    _lower(_op)(_arithmetic(_function))


_lower("channel_shuffle")(lambda node, graph: _one(_c(
    "ChannelShuffle", ("groups", node.attrs["groups"])), ("ChannelShuffle",)))


@_lower("slice")
def _slice(node, graph):
    a, shape = node.attrs, _in(graph, node)
    kept = slice_indices(a, shape[a["axis"]])
    indices = _c("list", ("range", _c("range", ("start", kept.start), ("stop", kept.stop),
                                      ("step", kept.step))))
    return _one(_lambda("ops.take", ("indices", indices),
                        axis=_axis(a["axis"], shape.layout)))


@_lower("group_norm")
def _group_norm(node, graph):
    a = node.attrs
    return _one(_c("layers.GroupNormalization", ("groups", a["num_groups"]), epsilon=a["eps"],
                   center=a["affine"], scale=a["affine"]))


@_lower("instance_norm")
def _instance_norm(node, graph):
    a = node.attrs
    return _one(_c("layers.GroupNormalization", ("groups", node.shape[0]), epsilon=a["eps"],
                   center=a["affine"], scale=a["affine"]))


_lower("to_tokens")(lambda node, graph: _one(_c("layers.Reshape",
                                                ("target_shape", tuple(node.shape)))))
_lower("from_tokens")(lambda node, graph: _one(_c(
    "layers.Reshape", ("target_shape", (node.shape[1], node.shape[2], node.shape[0])))))


def _in_keras_order(node, ctor: Ctor, call=None) -> tuple[Step, ...]:
    """``ctor`` (logical order) and a Permute to Keras' order, the node's name on the last."""
    order = features_last(node.layout)
    if order == tuple(range(len(order))):
        return (Step(ctor, None, call),)
    return (Step(ctor, "logical", call),
            Step(_c("layers.Permute", ("dims", tuple(i + 1 for i in order)))))


def _logical_inputs(node, graph) -> tuple[list[Step], str]:
    """Permutes of each input to its logical order, and the main step's call."""
    steps, refs = [], []
    for k, name in enumerate(node.inputs):
        step = _logical(graph[name].layout, f"in{k}", f"{{{k}}}")
        refs.append(f"{{s{len(steps)}}}" if step else f"{{{k}}}")
        steps += step
    return steps, refs[0] if len(refs) == 1 else "[" + ", ".join(refs) + "]"


@_lower("reshape")
def _reshape(node, graph):
    steps, call = _logical_inputs(node, graph)
    return Layers((*steps, *_in_keras_order(
        node, _c("layers.Reshape", ("target_shape", tuple(node.shape))), call)))


def _permute(node, graph):
    source = features_last(graph[node.inputs[0]].layout)
    dims = dims_of(node.attrs, len(node.shape))
    perm = tuple(source.index(dims[o]) for o in features_last(node.layout))
    if perm == tuple(range(len(perm))):
        return _one(_c("layers.Identity"))
    return _one(_c("layers.Permute", ("dims", tuple(p + 1 for p in perm))))


_lower("permute")(_permute)
_lower("transpose")(_permute)


@_lower("select")
def _select(node, graph):
    layout, shape = graph[node.inputs[0]].layout, graph[node.inputs[0]].shape
    axis = node.attrs["axis"]
    physical = features_last(layout).index(axis) + 1
    return _one(_lambda("ops.take", ("index", node.attrs["index"] % shape[axis]), axis=physical))


_lower("parameter")(lambda node, graph: _one(_c(
    "Parameter", ("shape", (1, *node.shape)), ("order", tuple(features_last(node.layout)))),
    ("Parameter",)))
_lower("layer_scale")(lambda node, graph: _one(_c("LayerScale"), ("LayerScale",)))


@_lower("matmul")
def _matmul(node, graph):
    steps, call = _logical_inputs(node, graph)
    matmul = _c("layers.Lambda", ("function", _c("lambda t: ops.matmul", ("t", Code("*t")))))
    return Layers((*steps, *_in_keras_order(node, matmul, call)))


@_lower("scaled_dot_product_attention")
def _attention(node, graph):
    steps, call = _logical_inputs(node, graph)
    scale = attention_scale(node.attrs, graph[node.inputs[0]].shape[-1])
    return Layers((*steps, *_in_keras_order(node, _c("DotProductAttention", ("scale", scale)),
                                            call)), ("DotProductAttention",))


@_lower("multi_head_attention")
def _multi_head_attention(node, graph):
    d, heads = node.shape[-1], node.attrs["num_heads"]
    key = "{1}" if len(node.inputs) > 1 else "{0}"
    value = "{2}" if len(node.inputs) > 2 else key
    return _one(_c("layers.MultiHeadAttention", ("num_heads", heads), ("key_dim", d // heads),
                   use_bias=node.attrs["bias"]), call=f"{{0}}, {value}, key={key}")


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph):
    a = node.attrs
    pad, extra = a["padding"], a["output_padding"]
    if a["groups"] > 1 or a["dilation"] != (1, 1) or any(e > p for e, p in zip(extra, pad)):
        return _one(_c("ConvTransposeExact", ("filters", a["out_channels"]),
                       ("kernel_size", a["kernel"]), ("strides", a["stride"]),
                       ("padding", pad), ("output_padding", extra),
                       ("dilation_rate", a["dilation"]), ("groups", a["groups"]),
                       ("use_bias", a["bias"])), ("ConvTransposeExact",))
    (_, h, w) = _in(graph, node)
    full = [n * s + max(k - s, 0) for n, s, k in zip((h, w), a["stride"], a["kernel"])]
    conv = Step(_c("layers.Conv2DTranspose", ("filters", a["out_channels"]),
                   ("kernel_size", a["kernel"]), strides=a["stride"], use_bias=a["bias"]))
    crop = tuple((p, f - p - o) for p, f, o in zip(pad, full, node.shape[1:]))
    if not any(c for side in crop for c in side):
        return Layers((conv,))
    return Layers((conv, Step(_c("layers.Cropping2D", ("cropping", crop)), "crop")))


@_lower("upsample")
def _upsample(node, graph):
    a = node.attrs
    return _one(_c("Resize2D", ("input_hw", tuple(_in(graph, node)[1:])),
                   ("output_hw", tuple(node.shape[1:])), ("mode", a["mode"]),
                   ("align_corners", a["align_corners"])), ("Resize2D",))
