"""Attention (netir/ir/ops/attention.py): nn.MultiheadAttention (batch first, self- or
cross-attention, no masks), F.scaled_dot_product_attention, torch.matmul and ``@``."""

from __future__ import annotations

import operator

import torch
import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.values import Lacking, Unsupported


def multi_head_attention(ctx, m, query, key=None, value=None):
    """The IR node of ``m`` (query, key, value; a repeated one is left out)."""
    if not m.batch_first or not m._qkv_same_embed_dim or m.bias_k is not None \
            or m.add_zero_attn or m.dropout != 0.0:
        raise Unsupported("MultiheadAttention that is not batch_first, has kdim/vdim, "
                          "bias_k/v, add_zero_attn or attention dropout (the IR's has none)")
    key = query if key is None else key
    value = key if value is None else value
    inputs = [query] if key is query and value is query else \
        [query, key] if value is key else [query, key, value]
    return ctx.add("multi_head_attention", inputs, {"num_heads": m.num_heads,
                                                    "bias": m.in_proj_bias is not None},
                   source=m)


def _torch_mha(ctx, m, query, key, value, key_padding_mask=None, need_weights=True,
               attn_mask=None, average_attn_weights=True, is_causal=False):
    if key_padding_mask is not None or attn_mask is not None or is_causal:
        raise Unsupported("attention with a mask (the IR's attention has none)")
    out = multi_head_attention(ctx, m, query, key, value)
    return (out, Lacking("the attention weights of MultiheadAttention (the IR returns the "
                         "attended values only; call it with need_weights=False)"))


def sdpa(ctx, q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
         enable_gqa=False):
    if attn_mask is not None or is_causal or dropout_p or enable_gqa:
        raise Unsupported("scaled_dot_product_attention with a mask, dropout or GQA")
    return ctx.add("scaled_dot_product_attention", [q, k, v], {"scale": scale})


def _matmul(ctx, a, b):
    return ctx.add("matmul", [a, b])


MODULES = {nn.MultiheadAttention: _torch_mha}
FUNCTIONS = {
    F.scaled_dot_product_attention: sdpa,
    torch.matmul: _matmul, operator.matmul: _matmul,
}
METHODS = {"matmul": _matmul}
