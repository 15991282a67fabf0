"""The NumPy meaning of matmul and attention (netir/ir/ops/attention.py): arrays in the
logical order, batch first."""

from __future__ import annotations

import numpy as np

from netir.ir.ops.attention import attention_scale


def matmul(plan, inputs):
    return np.matmul(inputs[0], inputs[1])


def attend(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """``softmax(q kᵀ · scale) v`` over the last two axes, the softmax shifted by its
    maximum (exact in real arithmetic)."""
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * np.asarray(scale, q.dtype)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.matmul(e / e.sum(axis=-1, keepdims=True), v)


def scaled_dot_product_attention(plan, inputs):
    return attend(*inputs, attention_scale(plan.attrs, inputs[0].shape[-1]))


def _query_key_value(plan, inputs) -> list[np.ndarray]:
    """The arrays of the plan's operands; where the spec resolves fewer than three, the
    key is the query and the value the key (self-attention)."""
    by_name = dict(zip(plan.node.inputs, inputs))
    arrays = [by_name[name] for name in plan.operands]
    while len(arrays) < 3:
        arrays.append(arrays[-1])
    return arrays


def multi_head_attention(plan, inputs):
    """torch's nn.MultiheadAttention: packed projections, head h on features
    [h·d, (h+1)·d), scores scaled by 1/sqrt(d), heads joined in order, out_proj."""
    q, k, v = _query_key_value(plan, inputs)
    params = inputs.params
    n, d, heads = q.shape[0], q.shape[-1], plan.attrs["num_heads"]
    w = params["in_proj_weight"]
    b = params.get("in_proj_bias", np.zeros(3 * d, q.dtype))

    def heads_of(x, i):
        y = x @ w[i * d:(i + 1) * d].T + b[i * d:(i + 1) * d]
        return y.reshape(n, -1, heads, d // heads).transpose(0, 2, 1, 3)

    out = attend(heads_of(q, 0), heads_of(k, 1), heads_of(v, 2), (d // heads) ** -0.5)
    joined = out.transpose(0, 2, 1, 3).reshape(n, -1, d)
    y = joined @ params["out_proj.weight"].T
    return y + params["out_proj.bias"] if "out_proj.bias" in params else y


LOWERINGS = {"matmul": matmul, "scaled_dot_product_attention": scaled_dot_product_attention,
             "multi_head_attention": multi_head_attention}
