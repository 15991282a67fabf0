"""ONNX lowerings of the shape, learned-tensor and attention ops
(netir/ir/ops/shape.py, learned.py, attention.py), in opset-18 ops.

Tensors are in the logical order, batch first, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.lowerings import _lower
from netir.emitters.onnx.protos import const, ints, op, param
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.shape import dims_of


@_lower("reshape")
def _reshape(node, graph, inputs):
    shape = ints(f"{node.name}/shape", [0, *node.shape])  # 0 keeps the batch
    return [shape, op("Reshape", [inputs[0], shape.name], node.name)]


def _transpose(node, graph, inputs):
    dims = dims_of(node.attrs, len(node.shape))
    return [op("Transpose", inputs, node.name, perm=[0, *(d + 1 for d in dims)])]


_lower("permute")(_transpose)
_lower("transpose")(_transpose)


@_lower("select")
def _select(node, graph, inputs):
    """``Gather`` with a scalar index drops the axis."""
    index = const(f"{node.name}/index", np.asarray(node.attrs["index"], np.int64))
    return [index, op("Gather", [inputs[0], index.name], node.name, axis=node.attrs["axis"] + 1)]


@_lower("parameter")
def _parameter(node, graph, inputs):
    """The (1, *shape) initializer ``Expand`` ed to the input's batch."""
    name = node.name
    rest = ints(f"{name}/rest", list(node.shape))
    return [rest, op("Shape", inputs, f"{name}/batch", start=0, end=1),
            op("Concat", [f"{name}/batch", rest.name], f"{name}/shape", axis=0),
            op("Expand", [param(node, "weight"), f"{name}/shape"], name)]


@_lower("layer_scale")
def _layer_scale(node, graph, inputs):
    """The (C, 1, 1) weight broadcasts against (N, C, H, W) as it stands."""
    return [op("Mul", [inputs[0], param(node, "weight")], node.name)]


_lower("matmul")(lambda node, graph, inputs: [op("MatMul", inputs, node.name)])


def _attend(name: str, q: str, k: str, v: str, rank: int, scale: float) -> list:
    """softmax(q kᵀ · scale) v over the last two axes of rank-``rank`` tensors."""
    swap = [*range(rank - 2), rank - 1, rank - 2]
    factor = const(f"{name}/scale", np.float32(scale))
    return [factor, op("Transpose", [k], f"{name}/kt", perm=swap),
            op("MatMul", [q, f"{name}/kt"], f"{name}/scores"),
            op("Mul", [f"{name}/scores", factor.name], f"{name}/scaled"),
            op("Softmax", [f"{name}/scaled"], f"{name}/weights", axis=-1),
            op("MatMul", [f"{name}/weights", v], name)]


@_lower("scaled_dot_product_attention")
def _attention(node, graph, inputs):
    scale = attention_scale(node.attrs, graph.input_shapes(node)[0][-1])
    return _attend(node.name, *inputs, len(node.shape) + 1, scale)


@_lower("multi_head_attention")
def _multi_head_attention(node, graph, inputs):
    """torch's packed projections written out: rows ``[iD, (i+1)D)`` of in_proj for
    query, key, value; heads split as (N, T, H, D/H) -> (N, H, T, D/H); scale
    1/sqrt(D/H); heads joined back in order; out_proj."""
    name, d, heads = node.name, node.shape[-1], node.attrs["num_heads"]
    q, k = inputs[0], inputs[1] if len(inputs) > 1 else inputs[0]
    v = inputs[2] if len(inputs) > 2 else k
    split = ints(f"{name}/split", [0, 0, heads, d // heads])
    merge = ints(f"{name}/merge", [0, 0, d])
    protos = [split, merge]
    heads_of = []
    for i, (role, x) in enumerate((("q", q), ("k", k), ("v", v))):
        rows = [ints(f"{name}/{role}/{key}", [value]) for key, value in
                (("start", i * d), ("end", (i + 1) * d), ("axis", 0))]
        protos += [*rows, op("Slice", [param(node, "in_proj_weight"),
                                       *(r.name for r in rows)], f"{name}/{role}/weight"),
                   op("Transpose", [f"{name}/{role}/weight"], f"{name}/{role}/weight_t",
                      perm=[1, 0]),
                   op("MatMul", [x, f"{name}/{role}/weight_t"], f"{name}/{role}/projected")]
        projected = f"{name}/{role}/projected"
        if node.attrs["bias"]:
            protos += [op("Slice", [param(node, "in_proj_bias"), *(r.name for r in rows)],
                          f"{name}/{role}/bias"),
                       op("Add", [projected, f"{name}/{role}/bias"], f"{name}/{role}/biased")]
            projected = f"{name}/{role}/biased"
        protos += [op("Reshape", [projected, split.name], f"{name}/{role}/split"),
                   op("Transpose", [f"{name}/{role}/split"], f"{name}/{role}/heads",
                      perm=[0, 2, 1, 3])]
        heads_of.append(f"{name}/{role}/heads")
    protos += _attend(f"{name}/attended", *heads_of, 4, (d // heads) ** -0.5)
    protos += [op("Transpose", [f"{name}/attended"], f"{name}/tokens", perm=[0, 2, 1, 3]),
               op("Reshape", [f"{name}/tokens", merge.name], f"{name}/joined"),
               op("Transpose", [param(node, "out_proj.weight")], f"{name}/out_t", perm=[1, 0])]
    if not node.attrs["bias"]:
        return [*protos, op("MatMul", [f"{name}/joined", f"{name}/out_t"], name)]
    return [*protos, op("MatMul", [f"{name}/joined", f"{name}/out_t"], f"{name}/out"),
            op("Add", [f"{name}/out", param(node, "out_proj.bias")], name)]
