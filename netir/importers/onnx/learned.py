"""Learned tensors (netir/ir/ops/learned.py): the ONNX backend's parameter (a constant
expanded to the batch) and layer scale (Mul by a per-channel constant)."""

from __future__ import annotations

from netir.importers.onnx.walk import NoMatch
from netir.ir.layout import default_layout, feature_axis


def _parameter(ctx, unit):
    """``Expand(weight, Concat(Shape(x)[:1], rest))``: x is only the batch's source.
    ONNX has no layouts: one of x's rank is taken to be x's (a class token)."""
    x = ctx.x(unit.steps["batch"].input[0])
    weight = ctx.const(unit.head.input[0])
    shape = tuple(int(v) for v in weight.shape[1:])
    layout = x.layout if len(x.shape) == len(shape) else default_layout(len(shape))
    return ctx.add("parameter", [x], {"shape": shape, "layout": layout},
                   weights={"weight": weight})


def _layer_scale(ctx, unit):
    """Mul by an initializer shaped to broadcast per feature ((C, 1, 1) on a map)."""
    a, b = unit.head.input[0], unit.head.input[1]
    if not (b in ctx.initializers and a in ctx.values):
        raise NoMatch("")
    x, w = ctx.x(a), ctx.const(b)
    axis = feature_axis(x.layout)
    want = [1] * len(x.shape)
    want[axis] = x.shape[axis]
    if tuple(w.shape) != tuple(want) or w.size == 1:
        raise NoMatch("")
    return ctx.add("layer_scale", [x], weights={"weight": w})


def entries(entry):
    return [entry("Expand", _parameter, steps=("rest", "batch", "shape")),
            entry("Mul", _layer_scale)]
