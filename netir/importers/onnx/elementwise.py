"""Element-wise arithmetic (netir/ir/ops/elementwise.py): Add and Sum, Mul, Sub, Div,
Max, Min of tensors, or of a tensor and a one-element constant (the IR's ``scalar``;
``x + c`` is the IR's ``sub`` of ``-c``, exact in IEEE arithmetic)."""

from __future__ import annotations

from netir.importers.onnx.common import scalar
from netir.importers.onnx.walk import Unsupported

_COMMUTES = {"add", "mul", "maximum", "minimum"}


def _binary(op: str):
    def convert(ctx, unit):
        a, b = unit.head.input[0], unit.head.input[1]
        if ctx.is_const(a) and op in _COMMUTES:
            a, b = b, a
        if ctx.is_const(a):
            raise Unsupported(f"a constant on the left of {unit.head.op_type}")
        if not ctx.is_const(b):
            return ctx.add(op, [ctx.x(a), ctx.x(b)])
        value = scalar(ctx.const(b))
        if op == "add":
            return ctx.add("sub", [ctx.x(a)], {"scalar": -value})
        return ctx.add(op, [ctx.x(a)], {"scalar": value})

    return convert


def _sum(ctx, unit):
    inputs = [ctx.x(t) for t in unit.head.input]
    return inputs[0] if len(inputs) == 1 else ctx.add("add", inputs)


def entries(entry):
    out = [entry("Sum", _sum)]
    for op_type, op in (("Add", "add"), ("Mul", "mul"), ("Sub", "sub"), ("Div", "div"),
                        ("Max", "maximum"), ("Min", "minimum")):
        out += [entry(op_type, _binary(op)), entry(op_type, _binary(op), steps=("scalar",))]
    return out
