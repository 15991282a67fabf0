"""The NumPy meaning of the reductions (netir/ir/ops/reduce.py) over logical axes."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.axes import batch_axis


def reduction(function):
    """The lowering of a NumPy reduction over the node's axes (batch first)."""

    def lowering(plan, inputs):
        return function(inputs[0], axis=batch_axis(plan, "axes"),
                        keepdims=plan.attrs["keepdims"])

    return lowering


LOWERINGS = {"mean": reduction(np.mean), "sum": reduction(np.sum), "max": reduction(np.max)}
