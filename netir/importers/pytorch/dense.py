"""Dense layers (netir/ir/ops/dense.py): nn.Linear on the features, also of a map
permuted to put its features last (ConvNeXt's per-position Linear)."""

from __future__ import annotations

from torch import nn

from netir.importers.pytorch.common import features_last, through
from netir.importers.pytorch.values import Unsupported


def dense(ctx, m, x, *, features_first: bool = False):
    """``nn.Linear``; ``features_first`` for netir's FeatureLinear (a map's features)."""
    if features_first:
        tensor = ctx.tensor(x)
    else:
        tensor, last = features_last(x)
        if not last:
            raise Unsupported("a Linear on an axis that does not hold the features")
    return through(x, ctx.add("dense", [tensor], {"units": m.out_features,
                                                  "bias": m.bias is not None}, source=m))


MODULES = {nn.Linear: dense}
FUNCTIONS: dict = {}
METHODS: dict = {}
