"""The ONNX lowering of every built-in op: ``(node, graph, builder, inputs) -> tensor``.

A lowering appends ONNX nodes to the builder and returns the name of the tensor that
holds the node's output, which is the node's own name. Only standard ``ai.onnx`` ops
are used; windows always get explicit ``pads`` (never ``auto_pad``) and pools run in
floor mode with the after-padding that ``ceil_mode`` implies written out, so the model
means the same in every runtime and every opset from ``MIN_OPSET``. Where ONNX and the
IR differ, the lowering decomposes (docs/semantics.md lists each case).
"""

from __future__ import annotations

import numpy as np

from netir.emitters.registry import register_lowering
from netir.ir import arithmetic
from netir.ir.ops import pool


def _lower(op: str):
    return register_lowering(op, "onnx")


def onnx_pads(padding) -> list[int]:
    """IR ``((top, bottom), (left, right))`` -> ONNX ``[top, left, bottom, right]``."""
    (top, bottom), (left, right) = padding
    return [top, left, bottom, right]


@_lower("input")
def _input(node, graph, b, inputs):
    return b.input(node)


@_lower("conv2d")
def _conv2d(node, graph, b, inputs):
    a = node.attrs
    args = [inputs[0], b.param(node, "weight")]
    if a["bias"]:
        args.append(b.param(node, "bias"))
    return b.op("Conv", args, node.name, kernel_shape=list(a["kernel"]),
                strides=list(a["stride"]), dilations=list(a["dilation"]),
                pads=onnx_pads(a["padding"]), group=a["groups"])


def pad_input(padding) -> list[int]:
    """IR padding as the ``pads`` input of ONNX Pad on (N, C, H, W)."""
    (top, bottom), (left, right) = padding
    return [0, 0, top, left, 0, 0, bottom, right]


@_lower("zero_pad2d")
def _zero_pad(node, graph, b, inputs):
    pads = b.ints(f"{node.name}/pads", pad_input(node.attrs["padding"]))
    return b.op("Pad", [inputs[0], pads], node.name, mode="constant")


@_lower("dense")
def _dense(node, graph, b, inputs):
    args = [inputs[0], b.param(node, "weight")]  # weight is (out, in): Gemm with transB
    if node.attrs["bias"]:
        args.append(b.param(node, "bias"))
    return b.op("Gemm", args, node.name, transB=1)


@_lower("batch_norm")
def _batch_norm(node, graph, b, inputs):
    params = [b.param(node, p) for p in ("weight", "bias", "running_mean", "running_var")]
    return b.op("BatchNormalization", [inputs[0], *params], node.name,
                epsilon=node.attrs["eps"], momentum=1.0 - node.attrs["momentum"])


register_lowering("relu", "onnx")(lambda node, graph, b, inputs: b.op("Relu", inputs, node.name))
register_lowering("tanh", "onnx")(lambda node, graph, b, inputs: b.op("Tanh", inputs, node.name))
register_lowering("sigmoid", "onnx")(
    lambda node, graph, b, inputs: b.op("Sigmoid", inputs, node.name))
register_lowering("softmax", "onnx")(  # the IR's axis excludes the batch
    lambda node, graph, b, inputs: b.op("Softmax", inputs, node.name,
                                        axis=node.attrs["axis"] + 1))
register_lowering("flatten", "onnx")(  # C, H, W order, as the IR
    lambda node, graph, b, inputs: b.op("Flatten", inputs, node.name, axis=1))
register_lowering("concat", "onnx")(
    lambda node, graph, b, inputs: b.op("Concat", inputs, node.name, axis=1))


@_lower("dropout")
def _dropout(node, graph, b, inputs):
    """Dropout with ``training_mode`` left out: the identity at inference."""
    ratio = b.const(f"{node.name}/ratio", np.asarray(node.attrs["rate"], dtype=np.float32))
    return b.op("Dropout", [inputs[0], ratio], node.name)


@_lower("add")
def _add(node, graph, b, inputs):
    return b.op("Add" if len(inputs) == 2 else "Sum", inputs, node.name)


@_lower("global_avg_pool")
def _global_avg_pool(node, graph, b, inputs):
    axes = b.ints(f"{node.name}/axes", [2, 3])
    return b.op("ReduceMean", [inputs[0], axes], node.name, keepdims=0)


@_lower("local_response_norm")
def _lrn(node, graph, b, inputs):
    """ONNX LRN for odd sizes. For even ``n`` ONNX's window is ``[c - (n-2)/2, c + n/2]``
    while the IR's (PyTorch's) is ``[c - n/2, c + (n-2)/2]`` (and onnxruntime refuses
    even sizes), so the sum of squares is written out as a 3-D average pool."""
    a = node.attrs
    n = a["size"]
    if n % 2:
        return b.op("LRN", inputs, node.name, size=n, alpha=a["alpha"], beta=a["beta"],
                    bias=a["k"])
    x, name = inputs[0], node.name
    square = b.op("Mul", [x, x], f"{name}/square")
    stacked = b.op("Unsqueeze", [square, b.ints(f"{name}/axis", [1])], f"{name}/stack")
    mean = b.op("AveragePool", [stacked], f"{name}/window_mean", kernel_shape=[n, 1, 1],
                pads=[n // 2, 0, 0, (n - 1) // 2, 0, 0], count_include_pad=1)
    mean = b.op("Squeeze", [mean, f"{name}/axis"], f"{name}/unstack")
    scaled = b.op("Mul", [mean, b.const(f"{name}/alpha", np.float32(a["alpha"]))],
                  f"{name}/scaled")
    base = b.op("Add", [scaled, b.const(f"{name}/k", np.float32(a["k"]))], f"{name}/base")
    denominator = b.op("Pow", [base, b.const(f"{name}/beta", np.float32(a["beta"]))],
                       f"{name}/denominator")
    return b.op("Div", [x, denominator], name)


def _window(node) -> dict:
    k, s = node.attrs["kernel"], node.attrs["stride"]
    return {"kernel_shape": list(k), "strides": list(s)}


def _exact_padding(node, graph):
    return pool.explicit_padding(node.attrs, graph.input_shapes(node)[0], node.shape)


@_lower("max_pool2d")
def _max_pool(node, graph, b, inputs):
    """One MaxPool: ONNX's padded cells never win, so the extra after-padding that
    stands for ``ceil_mode`` is exact."""
    return b.op("MaxPool", inputs, node.name, pads=onnx_pads(_exact_padding(node, graph)),
                **_window(node))


@_lower("avg_pool2d")
def _avg_pool(node, graph, b, inputs):
    """AveragePool with explicit pads, except one case.

    Excluding padding, or including it with no window reaching past the padded input,
    ONNX's divisor is the IR's. A ceil-mode window that overhangs the padded input
    divides, in the IR, by the cells inside the padded input only, so the declared
    padding is applied as zeros first and the overhang is left to an AveragePool that
    excludes padding.
    """
    declared, exact = node.attrs["padding"], _exact_padding(node, graph)
    include = node.attrs["count_include_pad"]
    if not include or exact == declared:
        return b.op("AveragePool", inputs, node.name, pads=onnx_pads(exact),
                    count_include_pad=int(include), **_window(node))
    zeros = b.op("Pad", [inputs[0], b.ints(f"{node.name}/pads", pad_input(declared))],
                 f"{node.name}/pad", mode="constant")
    overhang = tuple((0, e[1] - d[1]) for d, e in zip(declared, exact))
    return b.op("AveragePool", [zeros], node.name, pads=onnx_pads(overhang),
                count_include_pad=0, **_window(node))


@_lower("adaptive_avg_pool2d")
def _adaptive_avg_pool(node, graph, b, inputs):
    """AveragePool when the bins tile the input evenly, else ``A_h @ x @ A_w^T`` with
    the IR's bin-averaging matrices as constants."""
    _, h, w = graph.input_shapes(node)[0]
    oh, ow = node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        k = [h // oh, w // ow]
        return b.op("AveragePool", inputs, node.name, kernel_shape=k, strides=k)
    rows = arithmetic.adaptive_pool_matrix(h, oh).astype(np.float32)
    cols = arithmetic.adaptive_pool_matrix(w, ow).T.astype(np.float32)
    x = b.op("MatMul", [inputs[0], b.const(f"{node.name}/cols", cols)], f"{node.name}/width")
    return b.op("MatMul", [b.const(f"{node.name}/rows", rows), x], node.name)
