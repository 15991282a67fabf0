"""The PyTorch source of the learned ops (``netir/ir/ops/learned.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import Bare

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("parameter")
def _parameter(node, graph):
    ones = ", 1" * len(node.shape)
    return Bare((1, *node.shape), f"{{p}}.repeat({{0}}.shape[0]{ones})")


_lower("layer_scale")(lambda node, graph: Bare(tuple(graph.param_shapes(node)[0]["weight"]),
                                               "{p} * {0}"))
