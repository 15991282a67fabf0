"""Activations (netir/ir/ops/activation.py): the one-node ones, Clip, Softmax, PRelu,
and the ONNX backend's written-out GELU (erf and tanh forms) and SiLU."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import logical_axis, scalar
from netir.importers.onnx.walk import Unsupported, float32
from netir.ir.layout import feature_axis


def _plain(op: str):
    return lambda ctx, unit: ctx.add(op, [ctx.x(unit.head.input[0])])


def _clip(ctx, unit):
    """(0, 6) is relu6; both bounds hardtanh; one bound clip."""
    node = unit.head
    if ctx.opset < 11:
        low, high = unit.attr("min"), unit.attr("max")
    else:
        low, high = (scalar(ctx.const(t)) if t else None
                     for t in (ctx.input(1), ctx.input(2)))
    low = None if low is None else float32(low)
    high = None if high is None else float32(high)
    x = ctx.x(node.input[0])
    if (low, high) == (0.0, 6.0):
        return ctx.add("relu6", [x])
    if low is not None and high is not None:
        return ctx.add("hardtanh", [x], {"min_val": low, "max_val": high})
    return ctx.add("clip", [x], {"min": low, "max": high})


def _softmax(ctx, unit):
    x = ctx.x(unit.head.input[0])
    axis = unit.attr("axis", -1 if ctx.opset >= 13 else 1)
    a = logical_axis(x, axis)
    if ctx.opset < 13 and any(d != 1 for d in x.shape[a + 1:]):
        raise Unsupported("Softmax before opset 13 over the flattened trailing axes")
    return ctx.add("softmax", [x], {"axis": a})


def _alpha(op: str, name: str, default: float):
    def convert(ctx, unit):
        return ctx.add(op, [ctx.x(unit.head.input[0])],
                       {name: float32(unit.attr("alpha", default))})

    return convert


def _hardsigmoid(ctx, unit):
    alpha, beta = unit.attr("alpha", 0.2), unit.attr("beta", 0.5)
    if np.float32(alpha) != np.float32(1.0 / 6.0) or np.float32(beta) != np.float32(0.5):
        raise Unsupported(f"HardSigmoid alpha={alpha}, beta={beta} (the IR's is x/6 + 1/2)")
    return ctx.add("hardsigmoid", [ctx.x(unit.head.input[0])])


def _gelu_op(ctx, unit):
    approximate = unit.attr("approximate", "none")
    return ctx.add("gelu", [ctx.x(unit.head.input[0])], {"approximate": approximate})


def _gelu_written(approximate: str):
    def convert(ctx, unit):
        """``x · (1 + inner) / 2``: x is what the gate multiplies."""
        return ctx.add("gelu", [ctx.x(unit.steps["xgate"].input[0])],
                       {"approximate": approximate})

    return convert


def _silu(ctx, unit):
    return ctx.add("silu", [ctx.x(unit.steps["sigmoid"].input[0])])


def _prelu(ctx, unit):
    """PRelu by a (C,) slope reshaped to broadcast (the ONNX backend's step), or a
    constant slope of one value per feature."""
    node = unit.head
    if "slope" in unit.steps:
        slope = ctx.const(unit.steps["slope"].input[0])
    else:
        slope = ctx.const(node.input[1])
    x = ctx.x(node.input[0])
    if slope.size not in (1, x.shape[feature_axis(x.layout)]):
        raise Unsupported(f"a PRelu slope of shape {slope.shape} (the IR's is per feature)")
    return ctx.add("prelu", [x], {"num_parameters": int(slope.size)},
                   weights={"weight": slope.reshape(-1)})


def entries(entry):
    out = [entry(t, _plain(op)) for t, op in (
        ("Relu", "relu"), ("Tanh", "tanh"), ("Sigmoid", "sigmoid"),
        ("HardSwish", "hardswish"), ("Mish", "mish"), ("Softplus", "softplus"))]
    return out + [
        entry("Clip", _clip), entry("Clip", _clip, steps=("min", "max")),
        entry("Clip", _clip, steps=("min",)), entry("Clip", _clip, steps=("max",)),
        entry("Softmax", _softmax), entry("LeakyRelu", _alpha("leaky_relu",
                                                               "negative_slope", 0.01)),
        entry("Elu", _alpha("elu", "alpha", 1.0)), entry("HardSigmoid", _hardsigmoid),
        entry("Gelu", _gelu_op, opsets=(20, 26)),
        entry("Mul", _gelu_written("none"), steps=(
            "half", "one", "rsqrt2", "scaled", "inner", "gate", "xgate")),
        entry("Mul", _gelu_written("tanh"), steps=(
            "half", "one", "k", "c", "x2", "x3", "cx3", "poly", "scaled", "inner", "gate",
            "xgate")),
        entry("Mul", _silu, steps=("sigmoid",)),
        entry("PRelu", _prelu), entry("PRelu", _prelu, steps=("slope_shape", "slope"))]
