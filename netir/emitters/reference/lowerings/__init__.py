"""The reference backend's lowering table: the NumPy meaning of every op, one module per
IR family (the names of netir/ir/ops/), merged here and nowhere else.

Every lowering is ``lowering(plan, inputs) -> array``, the signature of every backend:
``plan`` is the node's :class:`~netir.ir.plan.NodePlan` (attributes, types, batch-first
axes, window padding), ``inputs`` its input arrays as
:class:`~netir.emitters.reference.inputs.Inputs` (channels first, batch in front),
which also hold the node's weights (``inputs.params``, neutral layout), the run in
progress (``inputs.run``) and the model's dtype (``inputs.dtype``). A lowering runs
when the model runs: its result is the node's array.
"""

from netir.emitters.backend import Lowerings
from netir.emitters.reference.lowerings import (
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


LOWERINGS = Lowerings.merged("reference", FAMILIES)

__all__ = ["FAMILIES", "LOWERINGS"]
