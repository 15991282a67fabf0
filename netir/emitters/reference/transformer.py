"""The NumPy meaning of the shape, learned-tensor and attention ops
(netir/ir/ops/shape.py, learned.py, attention.py). Same signature and array
conventions as :mod:`.lowerings`: arrays in the logical order, batch first."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.lowerings import _lower
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.shape import dims_of


@_lower("reshape")
def reshape(node, inputs, params, run):
    """Row-major in the logical order."""
    return inputs[0].reshape(inputs[0].shape[0], *node.shape)


def _permute(node, inputs, params, run):
    dims = dims_of(node.attrs, inputs[0].ndim - 1)
    return np.transpose(inputs[0], (0, *(d + 1 for d in dims)))


_lower("permute")(_permute)
_lower("transpose")(_permute)


@_lower("select")
def select(node, inputs, params, run):
    return np.take(inputs[0], node.attrs["index"], axis=node.attrs["axis"] + 1)


@_lower("parameter")
def parameter(node, inputs, params, run):
    """The (1, *shape) weight, once per sample."""
    return np.repeat(params["weight"], inputs[0].shape[0], axis=0)


@_lower("layer_scale")
def layer_scale(node, inputs, params, run):
    return inputs[0] * params["weight"][None]


@_lower("matmul")
def matmul(node, inputs, params, run):
    return np.matmul(inputs[0], inputs[1])


def attend(q: np.ndarray, k: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """``softmax(q kᵀ · scale) v`` over the last two axes, the softmax shifted by its
    maximum (exact in real arithmetic)."""
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * np.asarray(scale, q.dtype)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.matmul(e / e.sum(axis=-1, keepdims=True), v)


@_lower("scaled_dot_product_attention")
def scaled_dot_product_attention(node, inputs, params, run):
    return attend(*inputs, attention_scale(node.attrs, inputs[0].shape[-1]))


@_lower("multi_head_attention")
def multi_head_attention(node, inputs, params, run):
    """torch's nn.MultiheadAttention: packed projections, head h on features
    [h·d, (h+1)·d), scores scaled by 1/sqrt(d), heads joined in order, out_proj."""
    q = inputs[0]
    k = inputs[1] if len(inputs) > 1 else q
    v = inputs[2] if len(inputs) > 2 else k
    n, d, heads = q.shape[0], q.shape[-1], node.attrs["num_heads"]
    w = params["in_proj_weight"]
    b = params.get("in_proj_bias", np.zeros(3 * d, q.dtype))

    def heads_of(x, i):
        y = x @ w[i * d:(i + 1) * d].T + b[i * d:(i + 1) * d]
        return y.reshape(n, -1, heads, d // heads).transpose(0, 2, 1, 3)

    out = attend(heads_of(q, 0), heads_of(k, 1), heads_of(v, 2), (d // heads) ** -0.5)
    joined = out.transpose(0, 2, 1, 3).reshape(n, -1, d)
    y = joined @ params["out_proj.weight"].T
    return y + params["out_proj.bias"] if "out_proj.bias" in params else y

