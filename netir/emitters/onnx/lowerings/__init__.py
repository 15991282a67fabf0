"""The ONNX lowering of every built-in op, one module per IR family (as netir/ir/ops/),
merged into the backend's table: ``lowering(plan, inputs) -> [protos]``.

``plan`` is the node's :class:`~netir.ir.plan.NodePlan`; ``inputs`` are the names of
the tensors the node reads; a lowering returns the ONNX nodes it adds, the last named
after the node (see :mod:`netir.emitters.onnx.protos`). Only standard ``ai.onnx`` ops
are used; windows always get explicit ``pads`` (never ``auto_pad``) and pools run in
floor mode with the after-padding that ``ceil_mode`` implies written out, so the model
means the same in every runtime and every opset from ``MIN_OPSET``. Where ONNX and the
IR differ, the lowering decomposes (docs/semantics.md lists each).

A family's table may hold the lowerings of ops it declares but does not register yet
(the 3-D windows): an op is lowered only once registered.
"""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.emitters.onnx.lowerings import (
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


LOWERINGS = Lowerings.merged("onnx", FAMILIES)  # op name -> lowering(plan, inputs) -> [protos]

__all__ = ["FAMILIES", "LOWERINGS"]
