"""The PyTorch source of every built-in op: ``(node, graph) -> Layer | Expr | Bare``.

The same choices as netir's torch lowering (``netir/emitters/pytorch/lowerings/``),
written as source, one module per IR family merged here: a :class:`Layer` is a module
attribute (``nn.Conv2d(...)``, or a small helper class of :mod:`..helpers`), an
:class:`Expr` an expression in forward (``{0} + {1}``), a :class:`Bare` a bare
``nn.Parameter`` at the node's path.
"""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.torch.lowerings import (
    activation,
    attention,
    channel,
    conv,
    dense,
    elementwise,
    learned,
    norm,
    pool,
    reduce,
    regularization,
    resize,
    shape,
)
from netir.source.torch.lowerings.base import Bare, Expr, Layer

FAMILIES = (conv, dense, norm, activation, regularization, pool, elementwise, channel,
            shape, reduce, learned, attention, resize)
LOWERINGS = Lowerings.merged("torch source", FAMILIES)

__all__ = ["FAMILIES", "LOWERINGS", "Bare", "Expr", "Layer"]
