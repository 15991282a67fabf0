"""ONNX lowerings of the element-wise arithmetic (netir/ir/ops/elementwise.py): ONNX's
multidirectional broadcasting is NumPy's, the IR's on the logical axes."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.protos import const, op


def add(plan, inputs):
    return [op("Add" if len(inputs) == 2 else "Sum", inputs, plan.name)]


def arithmetic(op_type: str):
    """Two inputs broadcast, or the input and the constant as a float32 scalar."""

    def lower(plan, inputs):
        if plan.attrs["scalar"] is None:
            return [op(op_type, inputs, plan.name)]
        scalar = const(f"{plan.name}/scalar", np.float32(plan.attrs["scalar"]))
        return [scalar, op(op_type, [inputs[0], scalar.name], plan.name)]

    return lower


LOWERINGS = {
    "add": add,
    "mul": arithmetic("Mul"),
    "sub": arithmetic("Sub"),
    "div": arithmetic("Div"),
    "maximum": arithmetic("Max"),
    "minimum": arithmetic("Min"),
}
