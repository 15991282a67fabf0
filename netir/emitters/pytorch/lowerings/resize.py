"""The PyTorch lowering of upsample (netir/ir/ops/resize.py)."""

from __future__ import annotations

from torch import nn


def upsample(plan, inputs):
    """``nn.Upsample`` to the output size: for an integer factor PyTorch's scale
    ``in/out`` is the factor's inverse, exactly."""
    a = plan.attrs
    return nn.Upsample(size=tuple(plan.output[axis - 1] for axis in plan.positions),
                       mode=a["mode"],
                       align_corners=a["align_corners"] if a["mode"] == "bilinear" else None)


LOWERINGS = {"upsample": upsample}
