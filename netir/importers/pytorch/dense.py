"""Dense layers (netir/ir/ops/dense.py): nn.Linear on the features, also of a map
permuted to put its features last (ConvNeXt's per-position Linear); F.linear on a
module's weight and bias."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import last_axis, learned, through
from netir.importers.pytorch.values import Unsupported


def dense(ctx, m, x, *, features_first: bool = False):
    """``nn.Linear``; ``features_first`` for netir's FeatureLinear (a map's features)."""
    if features_first:
        tensor = ctx.tensor(x)
    else:
        tensor, last = last_axis(ctx, x)
        if not last:
            raise Unsupported("a Linear on an axis that does not hold the features")
    return through(x, ctx.add("dense", [tensor], {"units": m.out_features,
                                                  "bias": m.bias is not None}, source=m))


def _f_linear(ctx, x, weight, bias=None):
    """``F.linear`` with a module's weight (and bias): the IR's dense."""
    tensor, last = last_axis(ctx, x)
    if not last:
        raise Unsupported("a linear map on an axis that does not hold the features")
    learned_ = {"weight": weight} if bias is None else {"weight": weight, "bias": bias}
    name, weights = learned(ctx, "dense", **learned_)
    units = int(weights["weight"].shape[0])
    return through(x, ctx.add("dense", [tensor], {"units": units, "bias": bias is not None},
                              source=weights, name=name))


MODULES = {nn.Linear: dense}
FUNCTIONS = {F.linear: _f_linear}
METHODS: dict = {}
