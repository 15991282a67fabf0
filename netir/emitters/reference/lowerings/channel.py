"""The NumPy meaning of concat, channel shuffle and slice (netir/ir/ops/channel.py)."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.axes import batch_axis


def concat(plan, inputs):
    """Along the logical axis (the feature axis when ``axis`` is None), in input order."""
    return np.concatenate(inputs, axis=batch_axis(plan, "axis"))


def channel_shuffle(plan, inputs):
    """torchvision's: view as (N, g, C/g, ...), swap the two channel axes, flatten."""
    x, g = inputs[0], plan.attrs["groups"]
    n, c, *rest = x.shape
    return x.reshape(n, g, c // g, *rest).swapaxes(1, 2).reshape(x.shape)


def slice_(plan, inputs):
    """``x[start:stop:step]`` along the logical axis."""
    a = plan.attrs
    return inputs[0][(slice(None),) * batch_axis(plan, "axis")
                     + (slice(a["start"], a["stop"], a["step"]),)]


LOWERINGS = {"concat": concat, "channel_shuffle": channel_shuffle, "slice": slice_}
