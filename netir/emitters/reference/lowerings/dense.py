"""The NumPy meaning of dense (netir/ir/ops/dense.py)."""

from __future__ import annotations

import numpy as np


def dense(plan, inputs):
    """``y = x W^T + b`` on the feature axis of every position, weight ``(out, in)``."""
    axis, params = plan.feature_axis, inputs.params
    y = np.moveaxis(inputs[0], axis, -1) @ params["weight"].T
    y = y + params["bias"] if "bias" in params else y
    return np.moveaxis(y, -1, axis)


LOWERINGS = {"dense": dense}
