"""The NumPy meaning of upsample (netir/ir/ops/resize.py)."""

from __future__ import annotations

import numpy as np

from netir.ir import arithmetic


def upsample(plan, inputs):
    """Along H, then W: nearest takes the IR's source index; bilinear blends the lower
    and upper source cells with the IR's weights (PyTorch's float32 coordinates)."""
    x, a = inputs[0], plan.attrs
    for axis, out in zip(plan.positions, plan.output[1:]):
        size = x.shape[axis]
        if a["mode"] == "nearest":
            x = np.take(x, arithmetic.nearest_source(size, out), axis=axis)
            continue
        lower, upper, weight = arithmetic.linear_source(size, out, a["align_corners"],
                                                        inputs.dtype)
        shape = [1] * x.ndim
        shape[axis] = out
        w1, w0 = weight.reshape(shape), (1 - weight).reshape(shape)
        x = np.take(x, lower, axis=axis) * w0 + np.take(x, upper, axis=axis) * w1
    return x


LOWERINGS = {"upsample": upsample}
