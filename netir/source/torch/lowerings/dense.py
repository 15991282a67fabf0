"""The PyTorch source of the dense ops (``netir/ir/ops/dense.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build, input_of

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("dense")
def _dense(node, graph):
    shape = input_of(graph, node)
    last = shape.feature_axis == len(shape) - 1
    return build("nn.Linear" if last else "FeatureLinear", ("in_features", shape.features),
              ("out_features", node.attrs["units"]), bias=node.attrs["bias"],
              helpers=() if last else ("FeatureLinear",))
