"""ONNX lowerings of the reductions over logical axes (netir/ir/ops/reduce.py)."""

from __future__ import annotations

from netir.emitters.onnx.axes import attr_axis
from netir.emitters.onnx.protos import ints, op


def reduction(op_type: str):
    def lower(plan, inputs):
        axes = ints(f"{plan.name}/axes", list(attr_axis(plan, "axes")))
        return [axes, op(op_type, [inputs[0], axes.name], plan.name,
                         keepdims=int(plan.attrs["keepdims"]))]

    return lower


LOWERINGS = {"mean": reduction("ReduceMean"), "sum": reduction("ReduceSum"),
             "max": reduction("ReduceMax")}
