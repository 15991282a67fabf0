"""The PyTorch source of the regularization ops (``netir/ir/ops/regularization.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings.base import plain

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


_lower("dropout")(plain("nn.Dropout", ("p", "rate")))


_lower("stochastic_depth")(plain("StochasticDepth", ("p", "p"), ("mode", "mode"),
                                  helpers=("StochasticDepth",)))
