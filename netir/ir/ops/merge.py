"""Ops that join branches: element-wise add and channel concat."""

from __future__ import annotations

from netir.ir.errors import ShapeError
from netir.ir.registry import OpSpec


def _add_shape(attrs, inputs):
    if any(s != inputs[0] for s in inputs):
        raise ShapeError("add needs inputs of one shape (channels and spatial size)",
                         ", ".join(str(s) for s in inputs))
    return inputs[0]


def _concat_shape(attrs, inputs):
    ranks = {len(s) for s in inputs}
    if len(ranks) != 1 or any(s[1:] != inputs[0][1:] for s in inputs):
        raise ShapeError("concat along channels needs inputs of one rank and spatial size",
                         ", ".join(str(s) for s in inputs))
    return (sum(s[0] for s in inputs), *inputs[0][1:])


ADD = OpSpec(name="add", category="merge", arity=(2, None), shape=_add_shape,
             in_place=True, overwritable=True,
             doc="Element-wise sum of inputs of one shape (residual connections).")
CONCAT = OpSpec(name="concat", category="merge", arity=(2, None), shape=_concat_shape,
                overwritable=True, doc="Concatenate along channels, in input order.")

OPS = (ADD, CONCAT)
