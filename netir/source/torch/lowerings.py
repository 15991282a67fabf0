"""The PyTorch source of every built-in op: ``(node, graph) -> Layer | Expr | Bare``.

The same choices as netir's torch lowering (``netir/emitters/pytorch/lowerings.py``),
written as source: a :class:`Layer` is a module attribute (``nn.Conv2d(...)``, or a
small helper class of :mod:`.helpers`), an :class:`Expr` an expression in forward
(``{0} + {1}``), a :class:`Bare` a bare ``nn.Parameter`` at the node's path.
"""

from __future__ import annotations

from dataclasses import dataclass

from netir.emitters.backend import Lowerings
from netir.ir import arithmetic
from netir.ir.layout import positions
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.channel import concat_axis, slice_indices
from netir.ir.ops.shape import dims_of
from netir.source.common import Ctor, literal


@dataclass(frozen=True)
class Layer:
    """A module; ``call`` is how forward calls it (``{m}`` the module, ``{0}`` ... the
    inputs), None for ``{m}(inputs...)``; ``helpers`` the helper classes it needs."""

    ctor: Ctor
    helpers: tuple[str, ...] = ()
    call: str | None = None


@dataclass(frozen=True)
class Expr:
    template: str
    helpers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bare:
    """An ``nn.Parameter`` of ``shape`` (zeros until loaded); ``template`` uses ``{p}``."""

    shape: tuple[int, ...]
    template: str


LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


def _c(callee: str, *args, helpers=(), call=None, **kwargs) -> Layer:
    """A Layer of ``callee(*args, **kwargs)``; ``args`` are (hint, value) pairs."""
    return Layer(Ctor(callee, tuple(args), tuple(kwargs.items())), tuple(helpers), call)


def _plain(callee, *names, helpers=()):
    """An op whose attributes ``names`` go to ``callee`` by keyword, in that order."""
    return lambda node, graph: _c(callee, helpers=helpers,
                                  **{k: node.attrs[v] for k, v in names})


def _symmetric(pad) -> bool:
    return all(a == b for a, b in pad)


def _pad4(pad) -> tuple[int, int, int, int]:
    (t, b), (left, right) = pad
    return (left, right, t, b)


def _in(graph, node):
    return graph.input_shapes(node)[0]


@_lower("conv2d")
def _conv2d(node, graph):
    a = node.attrs
    args = (("in_channels", _in(graph, node)[0]), ("out_channels", a["out_channels"]),
            ("kernel_size", a["kernel"]))
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    if _symmetric(a["padding"]):
        return _c("nn.Conv2d", *args, padding=tuple(p for p, _ in a["padding"]), **kw)
    return _c("PaddedConv2d", *args, pad=_pad4(a["padding"]), helpers=("PaddedConv2d",), **kw)


def _torch_pad(pad) -> tuple[int, ...]:
    """``F.pad``'s order of per-axis pairs: the last axis first."""
    return tuple(p for pair in reversed(pad) for p in pair)


@_lower("conv3d")
def _conv3d(node, graph):
    a = node.attrs
    args = (("in_channels", _in(graph, node)[0]), ("out_channels", a["out_channels"]),
            ("kernel_size", a["kernel"]))
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    if _symmetric(a["padding"]):
        return _c("nn.Conv3d", *args, padding=tuple(p for p, _ in a["padding"]), **kw)
    return _c("PaddedConv3d", *args, pad=_torch_pad(a["padding"]), helpers=("PaddedConv3d",),
              **kw)


@_lower("conv1d")
def _conv1d(node, graph):
    a = node.attrs
    args = (("in_channels", _in(graph, node)[0]), ("out_channels", a["out_channels"]),
            ("kernel_size", a["kernel"]))
    kw = dict(stride=a["stride"], dilation=a["dilation"], groups=a["groups"], bias=a["bias"])
    left, right = a["padding"]
    if left == right:
        return _c("nn.Conv1d", *args, padding=left, **kw)
    return _c("PaddedConv1d", *args, pad=(left, right), helpers=("PaddedConv1d",), **kw)


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph):
    a = node.attrs
    return _c("nn.ConvTranspose2d", ("in_channels", _in(graph, node)[0]),
              ("out_channels", a["out_channels"]), ("kernel_size", a["kernel"]),
              stride=a["stride"], padding=a["padding"], output_padding=a["output_padding"],
              groups=a["groups"], bias=a["bias"], dilation=a["dilation"])


@_lower("dense")
def _dense(node, graph):
    shape = _in(graph, node)
    last = shape.feature_axis == len(shape) - 1
    return _c("nn.Linear" if last else "FeatureLinear", ("in_features", shape.features),
              ("out_features", node.attrs["units"]), bias=node.attrs["bias"],
              helpers=() if last else ("FeatureLinear",))


@_lower("batch_norm")
def _batch_norm(node, graph):
    shape = _in(graph, node)
    dims = {1: 1, 2: 1, 3: 2, 4: 3}[len(shape)]
    return _c(f"nn.BatchNorm{dims}d", ("num_features", shape[0]), eps=node.attrs["eps"],
              momentum=node.attrs["momentum"])


@_lower("layer_norm")
def _layer_norm(node, graph):
    shape = _in(graph, node)
    last = shape.feature_axis == len(shape) - 1
    return _c("nn.LayerNorm" if last else "FeatureLayerNorm", ("normalized_shape",
              shape.features), eps=node.attrs["eps"], helpers=() if last else ("FeatureLayerNorm",))


@_lower("group_norm")
def _group_norm(node, graph):
    a = node.attrs
    return _c("nn.GroupNorm", ("num_groups", a["num_groups"]),
              ("num_channels", _in(graph, node)[0]), eps=a["eps"], affine=a["affine"])


@_lower("instance_norm")
def _instance_norm(node, graph):
    shape = _in(graph, node)
    return _c(f"nn.InstanceNorm{len(shape) - 1}d", ("num_features", shape[0]),
              eps=node.attrs["eps"], affine=node.attrs["affine"])


@_lower("local_response_norm")
def _lrn(node, graph):
    a = node.attrs
    return _c("nn.LocalResponseNorm", ("size", a["size"]), alpha=a["alpha"], beta=a["beta"],
              k=a["k"])


def _native_pool(a) -> bool:
    return _symmetric(a["padding"]) and all(
        p <= k // 2 for (p, _), k in zip(a["padding"], a["kernel"]))


def _exact_pad(node, graph):
    return _pad4(arithmetic.explicit_padding(node.attrs, _in(graph, node), node.shape))


@_lower("max_pool2d")
def _max_pool(node, graph):
    a = node.attrs
    if _native_pool(a):
        return _c("nn.MaxPool2d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"])
    return _c("MaxPoolExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _exact_pad(node, graph)), helpers=("MaxPoolExact",))


@_lower("avg_pool2d")
def _avg_pool(node, graph):
    a = node.attrs
    if _native_pool(a):
        return _c("nn.AvgPool2d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"],
                  count_include_pad=a["count_include_pad"])
    divisor = arithmetic.avg_divisor(a, _in(graph, node))
    flat = sorted({int(v) for v in divisor.ravel()})
    value = flat[0] if len(flat) == 1 else [[int(v) for v in row] for row in divisor]
    return _c("AvgPoolExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _exact_pad(node, graph)), ("divisor", value), helpers=("AvgPoolExact",))


@_lower("max_pool3d")
def _max_pool3d(node, graph):
    a = node.attrs
    if _native_pool(a):
        return _c("nn.MaxPool3d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"])
    pad = arithmetic.explicit_padding(a, _in(graph, node), node.shape)
    return _c("MaxPool3dExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _torch_pad(pad)), helpers=("MaxPool3dExact",))


@_lower("avg_pool3d")
def _avg_pool3d(node, graph):
    a = node.attrs
    if _native_pool(a):
        return _c("nn.AvgPool3d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"],
                  count_include_pad=a["count_include_pad"])
    divisor = arithmetic.avg_divisor(a, _in(graph, node))
    flat = sorted({int(v) for v in divisor.ravel()})
    value = flat[0] if len(flat) == 1 else divisor.astype(int).tolist()
    pad = arithmetic.explicit_padding(a, _in(graph, node), node.shape)
    return _c("AvgPool3dExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _torch_pad(pad)), ("divisor", value), helpers=("AvgPool3dExact",))


def _positions(node, graph) -> tuple[int, ...]:
    return tuple(a + 1 for a in positions(_in(graph, node).layout))


_lower("global_avg_pool")(lambda node, graph: _c(
    "GlobalAvgPool", ("dims", _positions(node, graph)), helpers=("GlobalAvgPool",)))
_lower("global_max_pool")(lambda node, graph: _c(
    "Amax", ("dims", _positions(node, graph)), ("keepdim", False), helpers=("Amax",)))
_lower("adaptive_avg_pool2d")(lambda node, graph: _c(
    "nn.AdaptiveAvgPool2d", ("output_size", node.attrs["output_size"])))
_lower("adaptive_avg_pool3d")(lambda node, graph: _c(
    "nn.AdaptiveAvgPool3d", ("output_size", node.attrs["output_size"])))
_lower("zero_pad2d")(lambda node, graph: _c(
    "nn.ZeroPad2d", ("padding", _pad4(node.attrs["padding"]))))

for _op, _callee in (("relu", "nn.ReLU"), ("tanh", "nn.Tanh"), ("sigmoid", "nn.Sigmoid"),
                     ("relu6", "nn.ReLU6"), ("silu", "nn.SiLU"), ("hardswish", "nn.Hardswish"),
                     ("mish", "nn.Mish"), ("softplus", "nn.Softplus"),
                     ("flatten", "nn.Flatten")):
    _lower(_op)(_plain(_callee))
_lower("hardsigmoid")(_plain("HardSigmoid", helpers=("HardSigmoid",)))
_lower("to_tokens")(_plain("ToTokens", helpers=("ToTokens",)))
_lower("hardtanh")(_plain("nn.Hardtanh", ("min_val", "min_val"), ("max_val", "max_val")))
_lower("clip")(_plain("Clip", ("low", "min"), ("high", "max"), helpers=("Clip",)))
_lower("leaky_relu")(_plain("nn.LeakyReLU", ("negative_slope", "negative_slope")))
_lower("elu")(_plain("nn.ELU", ("alpha", "alpha")))
_lower("gelu")(_plain("nn.GELU", ("approximate", "approximate")))
_lower("dropout")(_plain("nn.Dropout", ("p", "rate")))
_lower("channel_shuffle")(_plain("nn.ChannelShuffle", ("groups", "groups")))
_lower("stochastic_depth")(_plain("StochasticDepth", ("p", "p"), ("mode", "mode"),
                                  helpers=("StochasticDepth",)))
_lower("from_tokens")(_plain("FromTokens", ("height", "height"), ("width", "width"),
                             helpers=("FromTokens",)))
_lower("softmax")(lambda node, graph: _c("nn.Softmax", dim=node.attrs["axis"] + 1))


@_lower("prelu")
def _prelu(node, graph):
    n = node.attrs["num_parameters"]
    feature = _in(graph, node).feature_axis > 0 and n > 1
    return _c("FeaturePReLU" if feature else "nn.PReLU", ("num_parameters", n),
              helpers=("FeaturePReLU",) if feature else ())


for _op in ("mean", "sum", "max"):
    _lower(_op)(lambda node, graph, _op=_op: _c(
        {"mean": "Mean", "sum": "Sum", "max": "Amax"}[_op],
        ("dims", tuple(a + 1 for a in node.attrs["axes"])), ("keepdim", node.attrs["keepdims"]),
        helpers=({"mean": "Mean", "sum": "Sum", "max": "Amax"}[_op],)))


@_lower("slice")
def _slice(node, graph):
    a = node.attrs
    kept = slice_indices(a, _in(graph, node)[a["axis"]])
    return _c("Take", ("dim", a["axis"] + 1), ("index", list(kept)), helpers=("Take",))


_lower("reshape")(lambda node, graph: _c("Reshape", ("shape", tuple(node.shape)),
                                         helpers=("Reshape",)))
for _op in ("permute", "transpose"):
    _lower(_op)(lambda node, graph: _c("Permute", ("dims", dims_of(node.attrs, len(node.shape))),
                                       helpers=("Permute",)))
_lower("select")(lambda node, graph: _c("Select", ("dim", node.attrs["axis"] + 1),
                                        ("index", node.attrs["index"]), helpers=("Select",)))


@_lower("upsample")
def _upsample(node, graph):
    a = node.attrs
    return _c("nn.Upsample", size=tuple(node.shape[1:]), mode=a["mode"],
              align_corners=a["align_corners"] if a["mode"] == "bilinear" else None)


@_lower("multi_head_attention")
def _multi_head_attention(node, graph):
    k = "{1}" if len(node.inputs) > 1 else "{0}"
    v = "{2}" if len(node.inputs) > 2 else k
    return _c("nn.MultiheadAttention", ("embed_dim", node.shape[-1]),
              ("num_heads", node.attrs["num_heads"]), bias=node.attrs["bias"],
              batch_first=True, call="{m}({0}, %s, %s, need_weights=False)[0]" % (k, v))


# -- expressions and bare parameters ------------------------------------------------------
@_lower("add")
def _add(node, graph):
    return Expr(" + ".join(f"{{{k}}}" for k in range(len(node.inputs))))


@_lower("concat")
def _concat(node, graph):
    items = ", ".join(f"{{{k}}}" for k in range(len(node.inputs)))
    dim = concat_axis(node.attrs, node.layout) + 1
    return Expr(f"torch.cat([{items}], dim={literal(dim)})")


for _op, _fn in (("mul", "mul"), ("sub", "sub"), ("div", "div"), ("maximum", "maximum"),
                 ("minimum", "minimum")):
    _lower(_op)(lambda node, graph, _fn=_fn: Expr(
        f"torch.{_fn}({{0}}, {{1}})" if len(node.inputs) == 2 else
        f"torch.{_fn}({{0}}, scalar({{0}}, {literal(node.attrs['scalar'])}))",
        helpers=() if len(node.inputs) == 2 else ("scalar",)))
_lower("matmul")(lambda node, graph: Expr("torch.matmul({0}, {1})"))


@_lower("scaled_dot_product_attention")
def _attention(node, graph):
    scale = attention_scale(node.attrs, _in(graph, node)[-1])
    return Expr(f"F.scaled_dot_product_attention({{0}}, {{1}}, {{2}}, scale={literal(scale)})")


@_lower("parameter")
def _parameter(node, graph):
    ones = ", 1" * len(node.shape)
    return Bare((1, *node.shape), f"{{p}}.repeat({{0}}.shape[0]{ones})")


_lower("layer_scale")(lambda node, graph: Bare(tuple(graph.param_shapes(node)[0]["weight"]),
                                               "{p} * {0}"))
