"""ONNX lowerings of the shape ops (netir/ir/ops/shape.py); tensors in the logical
order, batch first, as in PyTorch."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.axes import attr_axis
from netir.emitters.onnx.protos import const, ints, one_node, op
from netir.ir.ops.shape import dims_of
from netir.ir.plan import batch_first


def reshape(plan, inputs):
    shape = ints(f"{plan.name}/shape", [0, *plan.output])  # 0 keeps the batch
    return [shape, op("Reshape", [inputs[0], shape.name], plan.name)]


def permutation(plan, inputs):
    """``Transpose``; a ``transpose`` of two axes is the permutation that swaps them."""
    if "dims" in plan.attrs:
        perm = attr_axis(plan, "dims")
    else:  # transpose's dim0 and dim1 name two axes, not a permutation
        perm = batch_first(dims_of(plan.attrs, len(plan.output)), "permutation", None)
    return [op("Transpose", inputs, plan.name, perm=list(perm))]


def select(plan, inputs):
    """``Gather`` with a scalar index drops the axis."""
    index = const(f"{plan.name}/index", np.asarray(plan.attrs["index"], np.int64))
    return [index, op("Gather", [inputs[0], index.name], plan.name,
                      axis=attr_axis(plan, "axis"))]


def to_tokens(plan, inputs):
    t, c = plan.output
    flat = f"{plan.name}/flat"
    return [ints(f"{plan.name}/shape", [0, c, t]),
            op("Reshape", [inputs[0], f"{plan.name}/shape"], flat),
            op("Transpose", [flat], plan.name, perm=[0, 2, 1])]


def from_tokens(plan, inputs):
    moved = f"{plan.name}/features_first"
    return [op("Transpose", inputs, moved, perm=[0, 2, 1]),
            ints(f"{plan.name}/shape", [0, *plan.output]),
            op("Reshape", [moved, f"{plan.name}/shape"], plan.name)]


LOWERINGS = {
    "reshape": reshape,
    "permute": permutation,
    "transpose": permutation,
    "select": select,
    "flatten": one_node("Flatten", axis=1),  # C, H, W order, as the IR
    "to_tokens": to_tokens,
    "from_tokens": from_tokens,
}
