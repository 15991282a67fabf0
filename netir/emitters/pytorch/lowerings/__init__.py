"""The PyTorch lowering of every built-in op, one module per IR family (the names of
netir/ir/ops/), merged here and nowhere else: ``lowering(plan, inputs) -> nn.Module``.

``plan`` is the node's :class:`~netir.ir.plan.NodePlan`; ``inputs`` are the torch.fx
nodes feeding it, rarely needed. A lowering returns the module for one node, which the
emitter places at the node's dotted path (so ``state_dict`` keys are ``<node
name>.<param>``) and calls with the plan's operands; a graph input lowers to
:data:`~netir.emitters.pytorch.lowered.PLACEHOLDER` and a bare weight to a
:class:`~netir.emitters.pytorch.lowered.BareParameter`.

A family's table may hold the lowerings of ops it declares but does not register yet
(the 3-D windows): an op is lowered only once registered.
"""

from netir.emitters.backend import Lowerings
from netir.emitters.pytorch.lowerings import (
    activation,
    attention,
    channel,
    conv,
    dense,
    elementwise,
    io,
    learned,
    norm,
    pool,
    reduce,
    regularization,
    resize,
    shape,
)

FAMILIES = (io, conv, pool, dense, norm, activation, elementwise, reduce, shape, channel,
            resize, learned, attention, regularization)

LOWERINGS = Lowerings.merged("torch", FAMILIES)

__all__ = ["FAMILIES", "LOWERINGS"]
