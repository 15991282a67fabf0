"""The NumPy meaning of dropout and stochastic depth (netir/ir/ops/regularization.py):
identities, at inference by the IR's rule and in a reference training pass too, since
the reference backend computes statistics, not gradients."""

from __future__ import annotations


def identity(plan, inputs):
    return inputs[0]


LOWERINGS = {"dropout": identity, "stochastic_depth": identity}
