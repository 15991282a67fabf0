"""The NumPy meaning of the element-wise ops (netir/ir/ops/elementwise.py): NumPy
broadcasting of ``(N, *logical shape)`` arrays of one rank."""

from __future__ import annotations

import numpy as np


def add(plan, inputs):
    """The sum of every input, in order."""
    return sum(inputs[1:], inputs[0])


def arithmetic(function):
    """The lowering of ``a <op> b``, or ``x <op> scalar`` for a node with one input."""

    def lowering(plan, inputs):
        x = inputs[0]
        other = inputs[1] if len(inputs) > 1 else np.asarray(plan.attrs["scalar"],
                                                             inputs.dtype)
        return function(x, other)

    return lowering


LOWERINGS = {"add": add, "mul": arithmetic(np.multiply), "sub": arithmetic(np.subtract),
             "div": arithmetic(np.divide), "maximum": arithmetic(np.maximum),
             "minimum": arithmetic(np.minimum)}
