"""ONNX lowerings of matmul and attention (netir/ir/ops/attention.py), in opset-18 ops;
tensors in the logical order, batch first, as in PyTorch."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.protos import const, ints, op, param
from netir.ir.ops.attention import attention_scale


def attend(name: str, q: str, k: str, v: str, rank: int, scale: float) -> list:
    """softmax(q kᵀ · scale) v over the last two axes of rank-``rank`` tensors."""
    swap = [*range(rank - 2), rank - 1, rank - 2]
    factor = const(f"{name}/scale", np.float32(scale))
    return [factor, op("Transpose", [k], f"{name}/kt", perm=swap),
            op("MatMul", [q, f"{name}/kt"], f"{name}/scores"),
            op("Mul", [f"{name}/scores", factor.name], f"{name}/scaled"),
            op("Softmax", [f"{name}/scaled"], f"{name}/weights", axis=-1),
            op("MatMul", [f"{name}/weights", v], name)]


def scaled_dot_product_attention(plan, inputs):
    scale = attention_scale(plan.attrs, plan.inputs[0][-1])
    return attend(plan.name, *inputs, len(plan.output) + 1, scale)


def _operands(plan, inputs) -> list[str]:
    """Query, key and value: the plan's operands, and, where the op does not resolve
    them, one input attending to itself or two as (query, memory)."""
    value = dict(zip(plan.node.inputs, inputs))
    q, *rest = (value[name] for name in plan.operands)
    k = rest[0] if rest else q
    return [q, k, rest[1] if len(rest) > 1 else k]


def multi_head_attention(plan, inputs):
    """torch's packed projections written out: rows ``[iD, (i+1)D)`` of in_proj for
    query, key, value; heads split as (N, T, H, D/H) -> (N, H, T, D/H); scale
    1/sqrt(D/H); heads joined back in order; out_proj."""
    name, d, heads = plan.name, plan.output[-1], plan.attrs["num_heads"]
    split = ints(f"{name}/split", [0, 0, heads, d // heads])
    merge = ints(f"{name}/merge", [0, 0, d])
    protos = [split, merge]
    heads_of = []
    for i, (role, x) in enumerate(zip("qkv", _operands(plan, inputs))):
        rows = [ints(f"{name}/{role}/{key}", [value]) for key, value in
                (("start", i * d), ("end", (i + 1) * d), ("axis", 0))]
        protos += [*rows, op("Slice", [param(plan, "in_proj_weight"),
                                       *(r.name for r in rows)], f"{name}/{role}/weight"),
                   op("Transpose", [f"{name}/{role}/weight"], f"{name}/{role}/weight_t",
                      perm=[1, 0]),
                   op("MatMul", [x, f"{name}/{role}/weight_t"], f"{name}/{role}/projected")]
        projected = f"{name}/{role}/projected"
        if plan.attrs["bias"]:
            protos += [op("Slice", [param(plan, "in_proj_bias"), *(r.name for r in rows)],
                          f"{name}/{role}/bias"),
                       op("Add", [projected, f"{name}/{role}/bias"], f"{name}/{role}/biased")]
            projected = f"{name}/{role}/biased"
        protos += [op("Reshape", [projected, split.name], f"{name}/{role}/split"),
                   op("Transpose", [f"{name}/{role}/split"], f"{name}/{role}/heads",
                      perm=[0, 2, 1, 3])]
        heads_of.append(f"{name}/{role}/heads")
    protos += attend(f"{name}/attended", *heads_of, 4, (d // heads) ** -0.5)
    protos += [op("Transpose", [f"{name}/attended"], f"{name}/tokens", perm=[0, 2, 1, 3]),
               op("Reshape", [f"{name}/tokens", merge.name], f"{name}/joined"),
               op("Transpose", [param(plan, "out_proj.weight")], f"{name}/out_t", perm=[1, 0])]
    if not plan.attrs["bias"]:
        return [*protos, op("MatMul", [f"{name}/joined", f"{name}/out_t"], name)]
    return [*protos, op("MatMul", [f"{name}/joined", f"{name}/out_t"], f"{name}/out"),
            op("Add", [f"{name}/out", param(plan, "out_proj.bias")], name)]


LOWERINGS = {
    "matmul": lambda plan, inputs: [op("MatMul", inputs, plan.name)],
    "scaled_dot_product_attention": scaled_dot_product_attention,
    "multi_head_attention": multi_head_attention,
}
