"""The NumPy meaning of graph inputs (netir/ir/ops/io.py): the array fed."""

from __future__ import annotations


def input_(plan, inputs):
    return inputs[0]


LOWERINGS = {"input": input_}
