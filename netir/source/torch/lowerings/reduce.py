"""The PyTorch source of the reduce ops (``netir/ir/ops/reduce.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import build

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


for _op in ("mean", "sum", "max"):
    _lower(_op)(lambda node, graph, _op=_op: build(
        {"mean": "Mean", "sum": "Sum", "max": "Amax"}[_op],
        ("dims", tuple(a + 1 for a in node.attrs["axes"])), ("keepdim", node.attrs["keepdims"]),
        helpers=({"mean": "Mean", "sum": "Sum", "max": "Amax"}[_op],)))
