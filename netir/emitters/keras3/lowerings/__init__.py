"""The Keras 3 lowering of every built-in op, one module per IR family (as
netir/ir/ops/), merged into the backend's table: ``lowering(plan, inputs) -> tensor``.

``plan`` is the node's :class:`~netir.ir.plan.NodePlan` (input and output types,
batch-first axes, window padding, operands, param shapes), from which a lowering reads
its facts; ``inputs`` are the Keras tensors of the node's inputs, in Keras' order
(features last, :mod:`netir.emitters.keras3.layouts`).

Channels last. The layer that carries a node's weights is named after the node;
helper layers (explicit padding, divisor maps) are named ``<node>>role`` (see
:func:`netir.emitters.keras3.names.helper_name`), which no node name can be.
Asymmetric padding, ceil_mode and count_include_pad are made exact by explicit
padding and per-cell divisors computed from the IR's own arithmetic. The serializable
layers the lowerings build are registered as ``netir>ClassName`` in the modules that
define them (saved .keras files name them).
"""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.emitters.keras3.lowerings import (
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


LOWERINGS = Lowerings.merged("keras", FAMILIES)  # op name -> lowering(plan, inputs)

__all__ = ["FAMILIES", "LOWERINGS"]
