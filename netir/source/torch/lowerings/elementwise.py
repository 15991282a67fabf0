"""The PyTorch source of the elementwise ops (``netir/ir/ops/elementwise.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.common import literal
from netir.source.torch.lowerings.base import Expr

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("add")
def _add(node, graph):
    return Expr(" + ".join(f"{{{k}}}" for k in range(len(node.inputs))))


for _op, _fn in (("mul", "mul"), ("sub", "sub"), ("div", "div"), ("maximum", "maximum"),
                 ("minimum", "minimum")):
    _lower(_op)(lambda node, graph, _fn=_fn: Expr(
        f"torch.{_fn}({{0}}, {{1}})" if len(node.inputs) == 2 else
        f"torch.{_fn}({{0}}, scalar({{0}}, {literal(node.attrs['scalar'])}))",
        helpers=() if len(node.inputs) == 2 else ("scalar",)))
