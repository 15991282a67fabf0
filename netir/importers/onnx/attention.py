"""Matmul and attention (netir/ir/ops/attention.py): MatMul of two tensors, and the
ONNX backend's written-out scaled dot-product and multi-head attention."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import scalar
from netir.importers.onnx.walk import NoMatch, Unsupported
from netir.ir.ops.attention import attention_scale

_ATTEND = ("scale", "kt", "scores", "scaled", "weights")


def _mha_steps(bias: bool) -> tuple[str, ...]:
    steps = ["split", "merge", "attended", "tokens", "joined", "out_t",
             *(f"attended/{s}" for s in _ATTEND)]
    for r in "qkv":
        steps += [f"{r}/{s}" for s in ("start", "end", "axis", "weight", "weight_t",
                                       "projected", "split", "heads")]
        steps += [f"{r}/bias", f"{r}/biased"] if bias else []
    return tuple(steps + (["out"] if bias else []))


def _matmul(ctx, unit):
    a, b = unit.head.input
    if ctx.is_const(a) or ctx.is_const(b):
        raise NoMatch("")
    return ctx.add("matmul", [ctx.x(a), ctx.x(b)])


def _sdpa(ctx, unit):
    q = ctx.x(unit.steps["scores"].input[0])
    k = ctx.x(unit.steps["kt"].input[0])
    v = ctx.x(unit.head.input[1])
    stored = scalar(ctx.const(unit.steps["scale"].output[0]))
    default = attention_scale({"scale": None}, q.shape[-1])
    scale = None if np.float32(default) == np.float32(stored) else stored
    return ctx.add("scaled_dot_product_attention", [q, k, v], {"scale": scale})


def _mha(bias: bool):
    def convert(ctx, unit):
        """One input attending to itself, or (query, memory), or three."""
        s = unit.steps
        heads = int(ctx.const(s["split"].output[0])[2])
        q, k, v = (s[f"{r}/projected"].input[0] for r in "qkv")
        inputs = [q] if q == k == v else [q, k] if k == v else [q, k, v]
        weights = {"in_proj_weight": ctx.const(s["q/weight"].input[0]),
                   "out_proj.weight": ctx.const(s["out_t"].input[0])}
        if bias:
            weights["in_proj_bias"] = ctx.const(s["q/bias"].input[0])
            weights["out_proj.bias"] = ctx.const(unit.head.input[1])
        if any(s[f"{r}/weight"].input[0] != s["q/weight"].input[0] for r in "kv"):
            raise Unsupported("projections from separate matrices (the IR's are packed)")
        return ctx.add("multi_head_attention", [ctx.x(t) for t in inputs],
                       {"num_heads": heads, "bias": bias}, weights=weights)

    return convert


def entries(entry):
    return [entry("MatMul", _matmul), entry("MatMul", _sdpa, steps=_ATTEND),
            entry("Add", _mha(True), steps=_mha_steps(True)),
            entry("MatMul", _mha(False), steps=_mha_steps(False))]
