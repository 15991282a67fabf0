"""Dense (netir/ir/ops/dense.py): Gemm on features; the ONNX backend's MatMul by the
transposed weight (features moved last and back where they are not); MatMul by a
constant, and MatMul then Add, as other exporters write it. The neutral weight is
``(out, in)``."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.units import Fold
from netir.importers.onnx.walk import NoMatch, Unsupported
from netir.ir.layout import feature_axis


def _dense(ctx, x, weight, bias):
    features = x.shape[feature_axis(x.layout)]
    if weight.ndim != 2 or weight.shape[1] != features:
        raise Unsupported(f"a weight of shape {weight.shape} on {features} features (layout "
                          f"{x.layout}: the IR's dense acts on the features)")
    weights = {"weight": weight, **({"bias": bias} if bias is not None else {})}
    return ctx.add("dense", [x], {"units": int(weight.shape[0]), "bias": bias is not None},
                   weights=weights)


def _gemm(ctx, unit):
    node = unit.head
    x = ctx.x(node.input[0])
    if unit.attr("transA", 0) or float(unit.attr("alpha", 1.0)) != 1.0 or \
            float(unit.attr("beta", 1.0)) != 1.0:
        raise Unsupported("Gemm with transA, alpha or beta (the IR's dense is x·Wᵀ + b)")
    weight = ctx.const(node.input[1])
    if not unit.attr("transB", 0):
        weight = np.ascontiguousarray(weight.T)
    bias = ctx.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    if bias is not None and bias.size not in (1, weight.shape[0]) or \
            bias is not None and bias.size == 1 and weight.shape[0] != 1:
        raise Unsupported(f"a Gemm bias of shape {bias.shape}")
    return _dense(ctx, x, weight, None if bias is None else bias.reshape(-1))


def _transposed(ctx, unit):
    """The ONNX backend's dense at a layout whose features are not a lone axis."""
    weight = ctx.const(unit.steps["weight_t"].input[0])
    first = unit.steps.get("features_last") or unit.steps.get("product") or unit.head
    x = ctx.x(first.input[0])
    bias = None
    add = unit.head if unit.head.op_type == "Add" else unit.steps.get("out")
    if add is not None and add.op_type == "Add":
        bias = ctx.const(add.input[1])
    return _dense(ctx, x, weight, bias)


def _matmul(ctx, unit):
    """MatMul by a constant (in, out) matrix: dense without bias."""
    node = unit.head
    if not ctx.is_const(node.input[1]) or node.input[0] not in ctx.values:
        raise NoMatch("")
    w = ctx.const(node.input[1])
    if w.ndim != 2:
        raise Unsupported(f"MatMul by a constant of shape {w.shape}")
    return _dense(ctx, ctx.x(node.input[0]), np.ascontiguousarray(w.T), None)


def _matmul_add(ctx, unit):
    """MatMul by a constant, then Add of a constant vector: dense with bias. Of tensors,
    the IR's matmul then add, as they are."""
    mm = unit.steps["matmul"]
    other = [t for t in unit.head.input if t != mm.output[0]]
    if len(other) == 1 and not any(ctx.is_const(t) for t in (*mm.input, other[0])):
        product = ctx.add("matmul", [ctx.x(mm.input[0]), ctx.x(mm.input[1])])
        return ctx.add("add", [product, ctx.x(other[0])]
                       if unit.head.input[0] == mm.output[0] else [ctx.x(other[0]), product])
    if not (ctx.is_const(mm.input[1]) and len(other) == 1 and ctx.is_const(other[0])):
        raise Unsupported("MatMul then Add of a constant that is not a dense's weight and "
                          "bias")
    w, b = ctx.const(mm.input[1]), ctx.const(other[0])
    if w.ndim != 2 or b.size != w.shape[1]:
        raise Unsupported(f"MatMul by {w.shape} then Add of {b.shape}")
    return _dense(ctx, ctx.x(mm.input[0]), np.ascontiguousarray(w.T), b.reshape(-1))


FOLDS = [Fold("Add", (("MatMul", "matmul"),))]  # MatMul then Add: dense with bias


def entries(entry):
    return [entry("Gemm", _gemm),
            entry("Add", _transposed, steps=("weight_t", "product")),
            entry("MatMul", _transposed, steps=("weight_t",)),
            entry("Transpose", _transposed, steps=("weight_t", "features_last", "product",
                                                   "out")),
            entry("Transpose", _transposed, steps=("weight_t", "features_last", "out")),
            entry("MatMul", _matmul), entry("Add", _matmul_add, steps=("matmul",))]
