"""The NumPy meaning of the learned tensors (netir/ir/ops/learned.py)."""

from __future__ import annotations

import numpy as np


def parameter(plan, inputs):
    """The (1, *shape) weight, once per sample."""
    return np.repeat(inputs.params["weight"], inputs[0].shape[0], axis=0)


def layer_scale(plan, inputs):
    return inputs[0] * inputs.params["weight"][None]


LOWERINGS = {"parameter": parameter, "layer_scale": layer_scale}
