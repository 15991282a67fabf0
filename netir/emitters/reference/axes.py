"""Axes of the batched arrays the lowerings compute on: a per-axis vector shaped to
broadcast, and an axis attribute as an axis of the batched array."""

from __future__ import annotations

from typing import Any

import numpy as np

from netir.ir.plan import NodePlan, batch_first


def along(v: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """The vector ``v`` shaped to broadcast along ``axis`` of an ``ndim``-d array."""
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


def batch_axis(plan: NodePlan, name: str, kind: str = "axis") -> Any:
    """The attribute ``name`` (an axis, axes, or None for the feature axis; or with
    ``kind="permutation"`` every axis reordered) as axes of the batched array: the
    plan's where the op declares the attribute an axis, the IR's rule
    (:func:`~netir.ir.plan.batch_first`) on the attribute otherwise."""
    if name in plan.axes:
        return plan.axes[name]
    return batch_first(plan.attrs[name], kind, plan.feature_axis - 1)
