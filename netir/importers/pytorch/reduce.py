"""Reductions (netir/ir/ops/reduce.py): ``x.mean(dims)``, ``sum``, ``amax``.

A mean (max) over every position without keepdim is the IR's global pool, the op a
catalog network uses for it; other dims are the IR's mean / sum / max.
"""

from __future__ import annotations

import torch

from netir.importers.pytorch.common import axis
from netir.importers.pytorch.values import Unsupported
from netir.ir.layout import positions

_GLOBAL = {"mean": "global_avg_pool", "max": "global_max_pool"}


def reduce(ctx, op: str, x, dims, keepdim: bool):
    """The IR's ``op`` over torch ``dims`` (batch first) of ``x``."""
    if dims is None:
        raise Unsupported(f"{op} over every axis, the batch included")
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    x = ctx.tensor(x)
    axes = tuple(sorted(axis(x, d) for d in dims))
    if not keepdim and op in _GLOBAL and axes == positions(x.layout):
        return ctx.add(_GLOBAL[op], [x])
    return ctx.add(op, [x], {"axes": axes, "keepdims": bool(keepdim)})


def _method(op: str):
    def entry(ctx, x, dim=None, keepdim=False, *, dtype=None):
        if dtype is not None:
            raise Unsupported(f"{op} with a dtype")
        return reduce(ctx, op, x, dim, keepdim)
    return entry


MODULES: dict = {}
FUNCTIONS = {torch.mean: _method("mean"), torch.sum: _method("sum"), torch.amax: _method("max")}
METHODS = {"mean": _method("mean"), "sum": _method("sum"), "amax": _method("max")}
