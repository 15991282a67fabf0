"""Axes of the batched tensor: an op's axis attributes batch first, and the
permutations that move the feature axis last and back (ONNX's ``Gemm``/``MatMul`` and
``LayerNormalization`` act on the last axis)."""

from __future__ import annotations

from typing import Any

from netir.ir.plan import NodePlan, batch_first

#: How each axis attribute counts axes: one axis (or a tuple, None for the features),
#: or a whole permutation.
KINDS = {"axis": "axis", "axes": "axis", "dims": "permutation"}


def attr_axis(plan: NodePlan, name: str) -> Any:
    """Attribute ``name`` as axes of the batched tensor: the plan's, where the op's
    attribute declares it an axis; else :func:`netir.ir.plan.batch_first` of it, by
    the same rule."""
    if name in plan.axes:
        return plan.axes[name]
    return batch_first(plan.attrs[name], KINDS[name], plan.feature_axis - 1)


def features_last(rank: int, axis: int) -> tuple[list[int], list[int]]:
    """The permutation of a rank-``rank`` tensor that moves ``axis`` last (batch kept
    first), and its inverse."""
    last = [0, *(i for i in range(1, rank) if i != axis), axis]
    return last, [last.index(i) for i in range(rank)]
