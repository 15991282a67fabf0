"""ONNX lowerings of the pools (netir/ir/ops/pool.py).

``MaxPool`` and ``AveragePool`` are N-d in ONNX: one lowering serves every rank. They
run in floor mode with the after-padding that ``ceil_mode`` implies written out (the
window plan's ``exact`` padding), so the model means the same in every runtime and
every opset.
"""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.padding import onnx_pads, zero_pad
from netir.emitters.onnx.protos import const, ints, note, op
from netir.ir import arithmetic


def _window(plan) -> dict:
    return {"kernel_shape": list(plan.window.kernel), "strides": list(plan.window.stride)}


def _noted(plan, node):
    """A ceil-mode pool notes it and its declared padding (the pads written are the
    exact ones, in floor mode)."""
    if plan.attrs["ceil_mode"]:
        note(node, ceil_mode=True, padding=plan.window.padding)
    return node


def max_pool(plan, inputs):
    """One MaxPool: ONNX's padded cells never win, so the extra after-padding that
    stands for ``ceil_mode`` is exact."""
    return [_noted(plan, op("MaxPool", inputs, plan.name, pads=onnx_pads(plan.window.exact),
                            **_window(plan)))]


def avg_pool(plan, inputs):
    """AveragePool with explicit pads, except in one case.

    Excluding padding, or including it when no window reaches past the padded input,
    ONNX's divisor is the IR's. A ceil-mode window that overhangs the padded input
    divides, in the IR, by its cells inside the padded input only: the declared
    padding is then applied as zeros first, and the overhang is left to an
    AveragePool that excludes padding.
    """
    declared, exact = plan.window.padding, plan.window.exact
    include = plan.attrs["count_include_pad"]
    if not include or exact == declared:
        return [_noted(plan, op("AveragePool", inputs, plan.name, pads=onnx_pads(exact),
                                count_include_pad=int(include), **_window(plan)))]
    overhang = tuple((0, e[1] - d[1]) for d, e in zip(declared, exact))
    return [*zero_pad(f"{plan.name}/pad", inputs[0], declared, plan.positions),
            op("AveragePool", [f"{plan.name}/pad"], plan.name, pads=onnx_pads(overhang),
               count_include_pad=0, **_window(plan))]


#: Per window axis from the last: the averaging matrix's name and the partial result's.
_AXIS_NAMES = (("cols", "width"), ("rows", "height"), ("planes", "depth"))


def adaptive_avg_pool(plan, inputs):
    """AveragePool when the bins tile the input evenly; else the IR's bin-averaging
    matrix applied along each window axis as a constant, the last axis first:
    ``x @ A_wᵀ``, then ``A_h @ x``, and for an earlier axis ``A @ x`` on the input
    viewed as (..., size, rest) and viewed back."""
    name, out = plan.name, plan.attrs["output_size"]
    sizes = [plan.inputs[0][a - 1] for a in plan.positions]
    if all(n % o == 0 for n, o in zip(sizes, out)):
        k = [n // o for n, o in zip(sizes, out)]
        return [op("AveragePool", inputs, name, kernel_shape=k, strides=k,
                   pads=[0] * 2 * len(k))]
    rank = len(sizes)
    matrices = [arithmetic.adaptive_pool_matrix(n, o).astype(np.float32)
                for n, o in zip(sizes, out)]
    protos = [const(f"{name}/{_AXIS_NAMES[0][0]}", matrices[-1].T)]
    protos += [const(f"{name}/{_AXIS_NAMES[j][0]}", matrices[rank - 1 - j])
               for j in range(1, rank)]
    x = inputs[0]
    for j in range(rank):
        matrix, result = (f"{name}/{n}" for n in _AXIS_NAMES[j])
        result = name if j == rank - 1 else result
        if j == 0:
            protos.append(op("MatMul", [x, matrix], result))
        elif j == 1:
            protos.append(op("MatMul", [matrix, x], result))
        else:  # viewed as (N, C, ..., size, rest), pooled, viewed back
            axis = rank - 1 - j
            keep = [0] * plan.positions[axis]  # the axes before this one, as they are
            view = ints(f"{result}/view", [*keep, sizes[axis], -1])
            shape = ints(f"{result}/shape", [*keep, *out[axis:]])
            protos += [view, shape, op("Reshape", [x, view.name], f"{result}/folded"),
                       op("MatMul", [matrix, f"{result}/folded"], f"{result}/pooled"),
                       op("Reshape", [f"{result}/pooled", shape.name], result)]
        x = result
    return protos


def _global(op_type: str):
    """A reduction over the first input's position axes, the features kept."""

    def lower(plan, inputs):
        axes = ints(f"{plan.name}/axes", list(plan.positions))
        return [axes, op(op_type, [inputs[0], axes.name], plan.name, keepdims=0)]

    return lower


LOWERINGS = {
    "max_pool2d": max_pool,
    "max_pool3d": max_pool,
    "avg_pool2d": avg_pool,
    "avg_pool3d": avg_pool,
    "global_avg_pool": _global("ReduceMean"),
    "global_max_pool": _global("ReduceMax"),
    "adaptive_avg_pool2d": adaptive_avg_pool,
    "adaptive_avg_pool3d": adaptive_avg_pool,
}
