"""Element-wise arithmetic (netir/ir/ops/elementwise.py): Add, Multiply, Subtract,
Rescaling and the keras.ops Add / Multiply / Subtract / TrueDivide recorded in a
functional graph (``x + 3.0``). ``x + c`` is the IR's ``sub`` of ``-c`` (the IR's add
takes no scalar; IEEE ``x - (-c)`` is ``x + c`` exactly)."""

from __future__ import annotations

import numbers

from keras import layers
from keras.src.applications import inception_resnet_v2
from keras.src.ops import numpy as knp

from netir.importers.keras.walk import Unsupported


def _merge(op: str):
    def entry(ctx, layer, xs):
        return ctx.add(op, list(xs))

    return entry


def _binary(op: str):
    def entry(ctx, layer, a, b):
        if isinstance(b, numbers.Real) or isinstance(a, numbers.Real):
            if isinstance(a, numbers.Real):
                if op not in ("add", "mul"):
                    raise Unsupported(f"a constant on the left of {op}")
                a, b = b, a
            if op == "add":
                return ctx.add("sub", [a], {"scalar": -float(b)})
            return ctx.add(op, [a], {"scalar": float(b)})
        return ctx.add(op, [a, b])

    return entry


def _rescaling(ctx, layer, x):
    scale, offset = layer.scale, layer.offset
    if not isinstance(scale, numbers.Real) or not isinstance(offset, numbers.Real):
        raise Unsupported("Rescaling by a tensor (the IR's scalar arithmetic takes a number)")
    y = ctx.add("mul", [x], {"scalar": float(scale)})
    if offset == 0:
        return y
    return ctx.add("sub", [y], {"scalar": -float(offset)}, role="offset")


def _custom_scale(ctx, layer, inputs):
    """InceptionResNetV2's CustomScaleLayer: ``inputs[0] + inputs[1] * scale``."""
    residual, branch = inputs
    scaled = ctx.add("mul", [branch], {"scalar": float(layer.scale)}, role="scale")
    return ctx.add("add", [residual, scaled], role="add")


LAYERS = {layers.Add: _merge("add"), layers.Multiply: _merge("mul"),
          layers.Subtract: _merge("sub"), layers.Maximum: _merge("maximum"),
          layers.Minimum: _merge("minimum"), layers.Rescaling: _rescaling,
          inception_resnet_v2.CustomScaleLayer: _custom_scale,
          knp.Add: _binary("add"), knp.Multiply: _binary("mul"),
          knp.Subtract: _binary("sub"), knp.TrueDivide: _binary("div")}
