"""The PyTorch source of the resize ops (``netir/ir/ops/resize.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("upsample")
def _upsample(node, graph):
    a = node.attrs
    return build("nn.Upsample", size=tuple(node.shape[1:]), mode=a["mode"],
              align_corners=a["align_corners"] if a["mode"] == "bilinear" else None)
