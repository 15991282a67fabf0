"""The NumPy meaning of the shape ops (netir/ir/ops/shape.py): arrays in the logical
order, batch first."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.axes import batch_axis
from netir.ir.ops.shape import dims_of
from netir.ir.plan import batch_first


def reshape(plan, inputs):
    """Row-major in the logical order."""
    return inputs[0].reshape(inputs[0].shape[0], *plan.output)


def permute(plan, inputs):
    """Output axis i is input axis ``dims[i]`` (a transpose swaps two)."""
    dims = dims_of(plan.attrs, len(plan.inputs[0]))
    return np.transpose(inputs[0], batch_first(dims, "permutation", None))


def select(plan, inputs):
    return np.take(inputs[0], plan.attrs["index"], axis=batch_axis(plan, "axis"))


def flatten(plan, inputs):
    """Row-major in the logical order (C, H, W for a map)."""
    return inputs[0].reshape(inputs[0].shape[0], -1)


def to_tokens(plan, inputs):
    """(N, C, H, W) -> (N, H*W, C), row-major over H then W."""
    n, c = inputs[0].shape[:2]
    return inputs[0].reshape(n, c, -1).transpose(0, 2, 1)


def from_tokens(plan, inputs):
    """(N, H*W, C) -> (N, C, H, W)."""
    return inputs[0].transpose(0, 2, 1).reshape(inputs[0].shape[0], *plan.output)


LOWERINGS = {"reshape": reshape, "permute": permute, "transpose": permute,
             "select": select, "flatten": flatten, "to_tokens": to_tokens,
             "from_tokens": from_tokens}
