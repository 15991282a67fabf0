"""Reductions over logical axes (netir/ir/ops/reduce.py): ReduceMean, ReduceSum,
ReduceMax, their axes an attribute or (newer opsets) an input."""

from __future__ import annotations

from netir.importers.onnx.common import int_list, logical_axis


def _reduction(op: str):
    def convert(ctx, unit):
        x = ctx.x(unit.head.input[0])
        axes = unit.attr("axes")
        if axes is None and ctx.input(1):
            axes = int_list(ctx.const(ctx.input(1)))
        if axes is None:
            axes = list(range(1, len(x.shape) + 1))
        logical = tuple(sorted(logical_axis(x, a) for a in axes))
        return ctx.add(op, [x], {"axes": logical,
                                 "keepdims": bool(unit.attr("keepdims", 1))})

    return convert


def entries(entry):
    out = []
    for op_type, op in (("ReduceMean", "mean"), ("ReduceSum", "sum"), ("ReduceMax", "max")):
        out += [entry(op_type, _reduction(op)), entry(op_type, _reduction(op),
                                                      steps=("axes",))]
    return out
