"""The ONNX lowering of every built-in op: ``(node, graph, inputs) -> [protos]``.

``inputs`` are the names of the tensors the node reads; a lowering returns the ONNX
nodes it adds, the last named after the node (see :mod:`.protos`). Only standard
``ai.onnx`` ops are used; windows always get explicit ``pads`` (never ``auto_pad``)
and pools run in floor mode with the after-padding that ``ceil_mode`` implies written
out, so the model means the same in every runtime and every opset from ``MIN_OPSET``.
Where ONNX and the IR differ, the lowering decomposes (docs/semantics.md lists each).
"""

from __future__ import annotations

import numpy as np

from netir.emitters.backend import Lowerings
from netir.emitters.onnx.protos import const, graph_input, ints, op, param
from netir.ir import arithmetic
from netir.ir.layout import positions
from netir.ir.ops.channel import channel_shuffle_order, concat_axis, slice_indices

LOWERINGS = Lowerings("onnx")  # op name -> lowering(node, graph, inputs) -> [protos]
_lower = LOWERINGS.register


def onnx_pads(padding) -> list[int]:
    """IR ``((top, bottom), (left, right))`` -> ONNX ``[top, left, bottom, right]``."""
    (top, bottom), (left, right) = padding
    return [top, left, bottom, right]


def zero_pad(name: str, x: str, padding) -> list:
    """``x`` padded with zeros on its two spatial axes, as the tensor ``name``.

    Pad's ``axes`` input is always given. onnxruntime 1.31's PadFusion folds a Pad
    without it into the pool that follows, and it is wrong twice there: into MaxPool
    the zeros become -inf (a window of negative values next to the padding returns
    its own max, not 0), and into AveragePool the pads can reach the kernel's size,
    which its kernels refuse when the session loads. With ``axes`` it leaves the Pad
    alone (tests/emitters/test_onnx_ops.py).
    """
    (top, bottom), (left, right) = padding
    pads, axes = ints(f"{name}/pads", [top, left, bottom, right]), ints(f"{name}/axes", [2, 3])
    return [pads, axes, op("Pad", [x, pads.name, "", axes.name], name, mode="constant")]


@_lower("input")
def _input(node, graph, inputs):
    return [graph_input(node)]


@_lower("conv2d")
def _conv2d(node, graph, inputs):
    a = node.attrs
    args = [inputs[0], param(node, "weight")] + ([param(node, "bias")] if a["bias"] else [])
    return [op("Conv", args, node.name, kernel_shape=list(a["kernel"]),
               strides=list(a["stride"]), dilations=list(a["dilation"]),
               pads=onnx_pads(a["padding"]), group=a["groups"])]


@_lower("zero_pad2d")
def _zero_pad(node, graph, inputs):
    return zero_pad(node.name, inputs[0], node.attrs["padding"])


@_lower("dense")
def _dense(node, graph, inputs):
    """Gemm with ``transB`` on features (the neutral weight is (out, in)); at other
    layouts ``MatMul`` by the transposed weight on the features moved last."""
    bias = [param(node, "bias")] if node.attrs["bias"] else []
    if len(node.shape) == 1:
        return [op("Gemm", [inputs[0], param(node, "weight"), *bias], node.name, transB=1)]
    name, rank = node.name, len(node.shape) + 1
    axis = node.layout.index("C") + 1
    last = [0, *(i for i in range(1, rank) if i != axis), axis]
    x, protos = inputs[0], [op("Transpose", [param(node, "weight")], f"{name}/weight_t",
                               perm=[1, 0])]
    if axis != rank - 1:
        protos.append(op("Transpose", [x], f"{name}/features_last", perm=last))
        x = f"{name}/features_last"
    out = name if axis == rank - 1 else f"{name}/out"
    product = f"{name}/product" if bias else out
    protos.append(op("MatMul", [x, f"{name}/weight_t"], product))
    if bias:
        protos.append(op("Add", [product, *bias], out))
    if axis != rank - 1:
        protos.append(op("Transpose", [out], name, perm=[last.index(i) for i in range(rank)]))
    return protos


@_lower("batch_norm")
def _batch_norm(node, graph, inputs):
    """ONNX's momentum weighs the running statistic, the IR's the new batch's."""
    params = [param(node, p) for p in ("weight", "bias", "running_mean", "running_var")]
    return [op("BatchNormalization", [inputs[0], *params], node.name,
               epsilon=node.attrs["eps"], momentum=1.0 - node.attrs["momentum"])]


def _same(op_type: str, **attrs):
    return lambda node, graph, inputs: [op(op_type, inputs, node.name, **attrs)]


_lower("relu")(_same("Relu"))


@_lower("hardtanh")
def _hardtanh(node, graph, inputs):
    low, high = (f"{node.name}/{k}" for k in ("min", "max"))
    return [const(low, np.float32(node.attrs["min_val"])),
            const(high, np.float32(node.attrs["max_val"])),
            op("Clip", [inputs[0], low, high], node.name)]


_lower("tanh")(_same("Tanh"))
_lower("sigmoid")(_same("Sigmoid"))
_lower("flatten")(_same("Flatten", axis=1))  # C, H, W order, as the IR


@_lower("concat")
def _concat(node, graph, inputs):
    return [op("Concat", inputs, node.name, axis=concat_axis(node.attrs, node.layout) + 1)]


@_lower("softmax")
def _softmax(node, graph, inputs):
    return [op("Softmax", inputs, node.name, axis=node.attrs["axis"] + 1)]  # batch first


@_lower("dropout")
def _dropout(node, graph, inputs):
    """Dropout without ``training_mode``: the identity at inference."""
    ratio = const(f"{node.name}/ratio", np.float32(node.attrs["rate"]))
    return [ratio, op("Dropout", [inputs[0], ratio.name], node.name)]


@_lower("add")
def _add(node, graph, inputs):
    return [op("Add" if len(inputs) == 2 else "Sum", inputs, node.name)]


def _positions(node, graph) -> list[int]:
    """The first input's position axes, batch first: what a global pool reduces."""
    return [a + 1 for a in positions(graph[node.inputs[0]].layout)]


@_lower("global_avg_pool")
def _global_avg_pool(node, graph, inputs):
    axes = ints(f"{node.name}/axes", _positions(node, graph))
    return [axes, op("ReduceMean", [inputs[0], axes.name], node.name, keepdims=0)]


@_lower("local_response_norm")
def _lrn(node, graph, inputs):
    """ONNX LRN for odd sizes. For an even ``n`` ONNX sums over channels
    ``[c - (n-2)/2, c + n/2]`` and the IR (PyTorch) over ``[c - n/2, c + (n-2)/2]``,
    and onnxruntime refuses even sizes: the sum of squares is then a 3-D average pool
    over channels, as PyTorch computes it."""
    a, x, name = node.attrs, inputs[0], node.name
    n = a["size"]
    if n % 2:
        return [op("LRN", inputs, name, size=n, alpha=a["alpha"], beta=a["beta"], bias=a["k"])]
    axis = ints(f"{name}/axis", [1])
    alpha = const(f"{name}/alpha", np.float32(a["alpha"]))
    k = const(f"{name}/k", np.float32(a["k"]))
    beta = const(f"{name}/beta", np.float32(a["beta"]))
    return [
        axis, alpha, k, beta,
        op("Mul", [x, x], f"{name}/square"),
        op("Unsqueeze", [f"{name}/square", axis.name], f"{name}/stack"),
        op("AveragePool", [f"{name}/stack"], f"{name}/mean", kernel_shape=[n, 1, 1],
           strides=[1, 1, 1], pads=[n // 2, 0, 0, (n - 1) // 2, 0, 0], count_include_pad=1),
        op("Squeeze", [f"{name}/mean", axis.name], f"{name}/unstack"),
        op("Mul", [f"{name}/unstack", alpha.name], f"{name}/scaled"),
        op("Add", [f"{name}/scaled", k.name], f"{name}/base"),
        op("Pow", [f"{name}/base", beta.name], f"{name}/denominator"),
        op("Div", [x, f"{name}/denominator"], name),
    ]


def _window(node) -> dict:
    return {"kernel_shape": list(node.attrs["kernel"]), "strides": list(node.attrs["stride"])}


def _exact_padding(node, graph):
    return arithmetic.explicit_padding(node.attrs, graph.input_shapes(node)[0], node.shape)


@_lower("max_pool2d")
def _max_pool(node, graph, inputs):
    """One MaxPool: ONNX's padded cells never win, so the extra after-padding that
    stands for ``ceil_mode`` is exact."""
    return [op("MaxPool", inputs, node.name, pads=onnx_pads(_exact_padding(node, graph)),
               **_window(node))]


@_lower("avg_pool2d")
def _avg_pool(node, graph, inputs):
    """AveragePool with explicit pads, except in one case.

    Excluding padding, or including it when no window reaches past the padded input,
    ONNX's divisor is the IR's. A ceil-mode window that overhangs the padded input
    divides, in the IR, by its cells inside the padded input only: the declared
    padding is then applied as zeros first, and the overhang is left to an
    AveragePool that excludes padding.
    """
    declared, exact = node.attrs["padding"], _exact_padding(node, graph)
    include = node.attrs["count_include_pad"]
    if not include or exact == declared:
        return [op("AveragePool", inputs, node.name, pads=onnx_pads(exact),
                   count_include_pad=int(include), **_window(node))]
    overhang = tuple((0, e[1] - d[1]) for d, e in zip(declared, exact))
    return [*zero_pad(f"{node.name}/pad", inputs[0], declared),
            op("AveragePool", [f"{node.name}/pad"], node.name, pads=onnx_pads(overhang),
               count_include_pad=0, **_window(node))]


@_lower("adaptive_avg_pool2d")
def _adaptive_avg_pool(node, graph, inputs):
    """AveragePool when the bins tile the input evenly, else ``A_h @ x @ A_w^T`` with
    the IR's bin-averaging matrices as constants."""
    _, h, w = graph.input_shapes(node)[0]
    oh, ow = node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        k = [h // oh, w // ow]
        return [op("AveragePool", inputs, node.name, kernel_shape=k, strides=k,
                   pads=[0, 0, 0, 0])]
    rows = const(f"{node.name}/rows", arithmetic.adaptive_pool_matrix(h, oh).astype(np.float32))
    cols = const(f"{node.name}/cols",
                 arithmetic.adaptive_pool_matrix(w, ow).T.astype(np.float32))
    return [cols, rows, op("MatMul", [inputs[0], cols.name], f"{node.name}/width"),
            op("MatMul", [rows.name, f"{node.name}/width"], node.name)]


# -- element-wise arithmetic ----------------------------------------------------------------
def _arithmetic(op_type: str):
    """Two inputs broadcast (ONNX's multidirectional broadcasting is NumPy's), or the
    input and the constant as a float32 scalar."""

    def lower(node, graph, inputs):
        if node.attrs["scalar"] is None:
            return [op(op_type, inputs, node.name)]
        scalar = const(f"{node.name}/scalar", np.float32(node.attrs["scalar"]))
        return [scalar, op(op_type, [inputs[0], scalar.name], node.name)]

    return lower


for _op, _type in (("mul", "Mul"), ("sub", "Sub"), ("div", "Div"), ("maximum", "Max"),
                   ("minimum", "Min")):
    _lower(_op)(_arithmetic(_type))


# -- reductions, channel ops, group and instance norm, stochastic depth ---------------------
def _reduce(op_type: str):
    def lower(node, graph, inputs):
        axes = ints(f"{node.name}/axes", [a + 1 for a in node.attrs["axes"]])  # batch first
        return [axes, op(op_type, [inputs[0], axes.name], node.name,
                         keepdims=int(node.attrs["keepdims"]))]

    return lower


for _op, _type in (("mean", "ReduceMean"), ("sum", "ReduceSum"), ("max", "ReduceMax")):
    _lower(_op)(_reduce(_type))


@_lower("global_max_pool")
def _global_max_pool(node, graph, inputs):
    axes = ints(f"{node.name}/axes", _positions(node, graph))
    return [axes, op("ReduceMax", [inputs[0], axes.name], node.name, keepdims=0)]


@_lower("channel_shuffle")
def _channel_shuffle(node, graph, inputs):
    """A ``Gather`` of the channels in the shuffled order."""
    order = ints(f"{node.name}/order", channel_shuffle_order(node.shape[0],
                                                              node.attrs["groups"]))
    return [order, op("Gather", [inputs[0], order.name], node.name, axis=1)]


@_lower("slice")
def _slice(node, graph, inputs):
    a, size = node.attrs, graph.input_shapes(node)[0][node.attrs["axis"]]
    kept = slice_indices(a, size)
    names = [f"{node.name}/{k}" for k in ("starts", "ends", "axes", "steps")]
    values = [[kept.start], [kept.stop], [a["axis"] + 1], [kept.step]]
    return [*(ints(n, v) for n, v in zip(names, values)),
            op("Slice", [inputs[0], *names], node.name)]


def _group_statistics(node, graph, inputs, groups: int):
    """``(x - mean) / sqrt(var + eps)`` per sample and group of channels (with H, W),
    written out: ``GroupNormalization``'s scale is per group before opset 21."""
    x, name = inputs[0], node.name
    shape = graph.input_shapes(node)[0]
    grouped = ints(f"{name}/grouped", [0, groups, -1])
    back = ints(f"{name}/shape", [0, *shape])
    axes = ints(f"{name}/axes", [2])
    eps = const(f"{name}/eps", np.float32(node.attrs["eps"]))
    affine = node.attrs["affine"]
    out = f"{name}/normalised" if affine else name
    protos = [grouped, back, axes, eps,
              op("Reshape", [x, grouped.name], f"{name}/groups"),
              op("ReduceMean", [f"{name}/groups", axes.name], f"{name}/mean", keepdims=1),
              op("Sub", [f"{name}/groups", f"{name}/mean"], f"{name}/centred"),
              op("Mul", [f"{name}/centred", f"{name}/centred"], f"{name}/square"),
              op("ReduceMean", [f"{name}/square", axes.name], f"{name}/var", keepdims=1),
              op("Add", [f"{name}/var", eps.name], f"{name}/var_eps"),
              op("Sqrt", [f"{name}/var_eps"], f"{name}/std"),
              op("Div", [f"{name}/centred", f"{name}/std"], f"{name}/scaled"),
              op("Reshape", [f"{name}/scaled", back.name], out)]
    if not affine:
        return protos
    channel = ints(f"{name}/channel", [shape[0]] + [1] * (len(shape) - 1))
    return [*protos, channel,
            op("Reshape", [param(node, "weight"), channel.name], f"{name}/weight"),
            op("Reshape", [param(node, "bias"), channel.name], f"{name}/bias"),
            op("Mul", [out, f"{name}/weight"], f"{name}/affine"),
            op("Add", [f"{name}/affine", f"{name}/bias"], name)]


_lower("group_norm")(lambda node, graph, inputs: _group_statistics(
    node, graph, inputs, node.attrs["num_groups"]))
_lower("instance_norm")(lambda node, graph, inputs: _group_statistics(
    node, graph, inputs, node.shape[0]))
_lower("stochastic_depth")(_same("Identity"))  # the identity at inference


# Registered on import; kept apart for size.
from netir.emitters.onnx import activations, sequence, tokens, transformer, upsampling  # noqa: E402, F401, I001
