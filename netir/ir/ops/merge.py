"""Ops that join branches: element-wise add and channel concat."""

from __future__ import annotations

from functools import reduce

from netir.ir.errors import ShapeError
from netir.ir.ops.elementwise import broadcast_shape
from netir.ir.registry import OpSpec


def _add_shape(attrs, inputs):
    return reduce(broadcast_shape, inputs)


def _concat_shape(attrs, inputs):
    ranks = {len(s) for s in inputs}
    if len(ranks) != 1 or any(s[1:] != inputs[0][1:] for s in inputs):
        raise ShapeError("concat along channels needs inputs of one rank and spatial size",
                         ", ".join(str(s) for s in inputs))
    return (sum(s[0] for s in inputs), *inputs[0][1:])


ADD = OpSpec(name="add", category="merge", arity=(2, None), shape=_add_shape,
             in_place=True, overwritable=True,
             doc="Element-wise sum (residual connections); inputs of one rank broadcast "
                 "NumPy's way on the logical axes, as mul.")
CONCAT = OpSpec(name="concat", category="merge", arity=(2, None), shape=_concat_shape,
                overwritable=True, doc="Concatenate along channels, in input order.")

OPS = (ADD, CONCAT)
