"""Reductions (netir/ir/ops/reduce.py): ``x.mean(dims)``, ``sum``, ``amax``.

A mean (max) over every position without keepdim is the IR's global pool, the op a
catalog network uses for it; other dims are the IR's mean / sum / max.
"""

from __future__ import annotations

import torch

from netir.importers.pytorch.common import axis
from netir.importers.pytorch.naming import scope_of
from netir.importers.pytorch.values import Unsupported
from netir.ir.layout import default_layout, positions

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
    if not keepdim and op in ("sum", "mean") and axes == (0,) and len(x.shape) >= 3:
        return _over_features(ctx, op, x)
    return ctx.add(op, [x], {"axes": axes, "keepdims": bool(keepdim)})


def _over_features(ctx, op: str, x):
    """A sum (mean) over a map's or volume's first axis, which holds its features: the
    result's features are the next axis, which no IR reduction names; the parts along
    it added (and divided by their count): SKNet's ``torch.stack(branches, 1).sum(1)``."""
    scope = scope_of(ctx.node)
    rest = tuple(x.shape[1:])
    parts = []
    for k in range(x.shape[0]):  # a slice of one, then its shape without it (a select
        part = ctx.add("slice", [x], {"axis": 0, "start": k, "stop": k + 1, "step": 1},
                       name=ctx.names.scoped(scope, f"{op}{k}"))  # would drop the features)
        parts.append(ctx.add("reshape", [part], {"shape": rest,
                                                 "layout": default_layout(len(rest))}))
    total = parts[0] if len(parts) == 1 else ctx.add("add", parts)
    return total if op == "sum" else ctx.add("div", [total], {"scalar": float(len(parts))})


def _method(op: str):
    def entry(ctx, x, dim=None, keepdim=False, *, dtype=None):
        if dtype is not None:
            raise Unsupported(f"{op} with a dtype")
        return reduce(ctx, op, x, dim, keepdim)
    return entry


MODULES: dict = {}
FUNCTIONS = {torch.mean: _method("mean"), torch.sum: _method("sum"), torch.amax: _method("max")}
METHODS = {"mean": _method("mean"), "sum": _method("sum"), "amax": _method("max")}
