"""Small ONNX models written as other exporters write them (older opsets, auto_pad,
Gemm, MatMul + Add, Pad before Conv, Sum, Dropout's ratio attribute, Upsample), built
with onnx.helper for the importer's tests."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def tensor(name: str, *shape: int, low: float = -1.0, high: float = 1.0):
    return numpy_helper.from_array(RNG.uniform(low, high, shape).astype(np.float32), name)


def ints(name: str, values):
    return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)


def model(nodes, inputs, output, initializers=(), opset: int = 13, out_shape=None):
    """A model with float inputs ``{name: shape}`` (batch first) and one output."""
    graph = helper.make_graph(
        nodes, "m", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
                     for n, s in inputs.items()],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, out_shape)],
        initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def classifier_opset9():
    """Conv (auto_pad SAME_UPPER), BatchNormalization, Relu, MaxPool, GlobalAveragePool,
    Flatten, Gemm with transB=0, Softmax (opset 9's)."""
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", auto_pad="SAME_UPPER",
                              kernel_shape=[3, 3], strides=[2, 2]),
             helper.make_node("BatchNormalization", ["c", "s", "o", "m", "v"], ["n"], name="bn",
                              epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
             helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["l"], name="fc"),
             helper.make_node("Softmax", ["l"], ["y"], name="softmax", axis=1)]
    inits = [tensor("w", 4, 3, 3, 3), tensor("b", 4), tensor("s", 4, low=0.5, high=1.5),
             tensor("o", 4), tensor("m", 4), tensor("v", 4, low=0.5, high=1.5),
             tensor("fw", 4, 5), tensor("fb", 5)]
    return model(nodes, {"x": ["N", 3, 9, 9]}, "y", inits, opset=9)


def pad_then_conv():
    nodes = [helper.make_node("Pad", ["x", "pads"], ["p"], name="pad", mode="constant"),
             helper.make_node("Conv", ["p", "w"], ["y"], name="conv", kernel_shape=[3, 3])]
    inits = [ints("pads", [0, 0, 1, 2, 0, 0, 1, 0]), tensor("w", 2, 3, 3, 3)]
    return model(nodes, {"x": [1, 3, 6, 6]}, "y", inits, opset=13)


def matmul_add_tokens():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="proj"),
             helper.make_node("Add", ["h", "b"], ["y"], name="proj_bias")]
    return model(nodes, {"x": ["N", 5, 4]}, "y", [tensor("w", 4, 6), tensor("b", 6)])


def sum_dropout_upsample():
    """Opset 9: Sum of three, Dropout with its ratio attribute, Upsample by scales."""
    nodes = [helper.make_node("Sum", ["x", "x", "x"], ["s"], name="sum"),
             helper.make_node("Dropout", ["s"], ["d"], name="drop", ratio=0.25),
             helper.make_node("Upsample", ["d", "scales"], ["y"], name="up", mode="nearest")]
    inits = [numpy_helper.from_array(np.asarray([1, 1, 2, 2], np.float32), "scales")]
    return model(nodes, {"x": ["N", 2, 3, 4]}, "y", inits, opset=9)


def ceil_pool_opset10():
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                              strides=[2, 2], ceil_mode=1)]
    return model(nodes, {"x": ["N", 2, 8, 8]}, "y", opset=10)


def scale_shift():
    """Unsqueeze + Mul + Add of per-channel constants: an exporter's folded batch norm."""
    nodes = [helper.make_node("Unsqueeze", ["s", "axes"], ["s3"], name="s_view"),
             helper.make_node("Unsqueeze", ["b", "axes"], ["b3"], name="b_view"),
             helper.make_node("Mul", ["x", "s3"], ["m"], name="scale"),
             helper.make_node("Add", ["m", "b3"], ["y"], name="shift")]
    inits = [tensor("s", 3), tensor("b", 3), ints("axes", [1, 2])]
    return model(nodes, {"x": ["N", 3, 4, 5]}, "y", inits)


def shuffle_reshapes():
    """Reshape to (N, g, C/g, H, W), swap, Reshape back: a channel shuffle by 2."""
    nodes = [helper.make_node("Reshape", ["x", "split"], ["r"], name="split"),
             helper.make_node("Transpose", ["r"], ["t"], name="swap", perm=[0, 2, 1, 3, 4]),
             helper.make_node("Reshape", ["t", "back"], ["y"], name="shuffle")]
    inits = [ints("split", [1, 2, 3, 4, 4]), ints("back", [1, -1, 4, 4])]
    return model(nodes, {"x": [1, 6, 4, 4]}, "y", inits)


def dropout_mask_softmax_opset9():
    """Opset 9's Dropout with an unread mask, Softmax of (N, C, 1, 1) at axis 1."""
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["g"], name="gap"),
             helper.make_node("Dropout", ["g"], ["d", "mask"], name="drop", ratio=0.5),
             helper.make_node("Softmax", ["d"], ["y"], name="softmax", axis=1)]
    return model(nodes, {"x": ["N", 5, 3, 3]}, "y", opset=9)


FORMS = {"scale shift": scale_shift, "shuffle reshapes": shuffle_reshapes,
         "dropout mask softmax opset 9": dropout_mask_softmax_opset9,
"classifier opset 9": classifier_opset9, "pad then conv": pad_then_conv,
         "matmul add tokens": matmul_add_tokens,
         "sum dropout upsample": sum_dropout_upsample, "ceil pool opset 10": ceil_pool_opset10}
