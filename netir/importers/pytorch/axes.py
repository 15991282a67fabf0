"""Axes added, removed or split apart (netir/ir/ops/shape.py, merge.py): unsqueeze,
squeeze, torch.stack, split and unbind, and the casts that leave a float32 tensor as
it is (``x.float()``, ``x.to(x.dtype)``, ``x.type_as(y)``).

An axis added or removed is the IR's reshape to the traced shape; stack is that
reshape of each tensor, then concat; split and unbind are slices and selects of one
axis. A module's learned tensor given a new shape (``self.gamma.view(1, -1, 1, 1)``)
stays that learned tensor, reshaped, for the op that uses it (a layer scale).
"""

from __future__ import annotations

import torch

from netir.importers.pytorch.common import axis, layout_of_rank, tensor_like
from netir.importers.pytorch.naming import scope_of
from netir.importers.pytorch.shape import concat, moved_part
from netir.importers.pytorch.values import BatchMoved, Param, Unsupported


def _batch(ctx, node) -> int:
    return int(ctx.traced[node].shape[0])


def _reshape_to(ctx, x, shape: tuple[int, ...], name: str | None = None):
    return ctx.add("reshape", [x], {"shape": shape, "layout": layout_of_rank(len(shape))},
                   name=name)


def unsqueeze(ctx, x, dim):
    """``x.unsqueeze(dim)``: a size-1 axis, not before the batch."""
    if isinstance(x, Param):
        return Param(x.path, x.value.unsqueeze(dim))
    x = ctx.tensor(tensor_like(x))
    d = dim + len(x.shape) + 2 if dim < 0 else dim
    if d == 0:
        raise Unsupported("unsqueeze(0): a new axis before the batch (the IR's ops act per "
                          "sample)")
    shape = list(x.shape)
    shape.insert(d - 1, 1)
    return _reshape_to(ctx, x, tuple(shape))


def squeeze(ctx, x, dim=None):
    """``x.squeeze(dim)``: size-1 axes removed, never the batch."""
    if isinstance(x, Param):
        return Param(x.path, x.value.squeeze() if dim is None else x.value.squeeze(dim))
    x = ctx.tensor(tensor_like(x))
    node = ctx.node.args[0]
    if dim is None and _batch(ctx, node) == 1:
        raise Unsupported("squeeze() of a batch of one would remove the batch axis; name "
                          "the dims")
    dims = () if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        axis(x, d)  # refuses the batch axis
    shape = ctx.shape
    if not shape:
        raise Unsupported("a squeeze that leaves only the batch axis")
    return x if shape == tuple(x.shape) else _reshape_to(ctx, x, shape)


def stack(ctx, tensors, dim=0):
    """``torch.stack``: each tensor given a size-1 axis at ``dim``, then concatenated."""
    tensors = [ctx.tensor(tensor_like(t)) for t in tensors]
    rank = len(tensors[0].shape) + 2  # the output's torch rank
    d = dim + rank if dim < 0 else dim
    if d == 0:
        raise Unsupported("stack on dim 0, the batch axis (the IR's ops act per sample)")
    scope = scope_of(ctx.node)
    pieces = []
    for k, t in enumerate(tensors):
        shape = list(t.shape)
        shape.insert(d - 1, 1)
        pieces.append(_reshape_to(ctx, t, tuple(shape), ctx.names.scoped(scope, f"stack{k}")))
    return concat(ctx, pieces, d)


def split(ctx, x, split_size_or_sections, dim=0):
    """``x.split(size | sizes, dim)``: slices of one axis, named ``<scope>.split0``..."""
    x = ctx.tensor(tensor_like(x))
    a = axis(x, dim)
    size = x.shape[a]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        bounds = [(s, min(s + step, size)) for s in range(0, size, step)]
    else:
        ends = [int(s) for s in split_size_or_sections]
        starts = [sum(ends[:k]) for k in range(len(ends))]
        bounds = [(s, s + e) for s, e in zip(starts, ends)]
    scope = scope_of(ctx.node)
    return tuple(ctx.add("slice", [x], {"axis": a, "start": start,
                                        "stop": None if stop >= size else stop, "step": 1},
                         name=ctx.names.scoped(scope, f"split{k}"))
                 for k, (start, stop) in enumerate(bounds))


def unbind(ctx, x, dim=0):
    """``x.unbind(dim)``: every position of one axis, named ``<scope>.unbind0``...; of
    a permute that moved the batch (``qkv.permute(2, 0, 3, 1, 4).unbind(0)``), its
    parts along the new first axis."""
    scope = scope_of(ctx.node)
    if isinstance(x, BatchMoved) and dim == 0:
        full = (None, *x.tensor.shape)
        return tuple(moved_part(ctx, x, k, ctx.names.scoped(scope, f"unbind{k}"))
                     for k in range(full[x.dims[0]]))
    x = ctx.tensor(tensor_like(x))
    a = axis(x, dim)
    if len(x.shape) == 1:
        raise Unsupported("unbind of a vector: its parts would hold the batch alone")
    return tuple(ctx.add("select", [x], {"axis": a, "index": k},
                         name=ctx.names.scoped(scope, f"unbind{k}"))
                 for k in range(x.shape[a]))


def same_dtype(ctx, x, *args, **kwargs):
    """A cast that gives the tensor its own dtype back: the tensor itself."""
    node = ctx.node.args[0]
    before, after = ctx.traced[node], ctx.traced[ctx.node]
    if not isinstance(after, torch.Tensor) or after.dtype != before.dtype \
            or after.device != before.device:
        raise Unsupported(f"a cast from {before.dtype} to {getattr(after, 'dtype', after)} "
                          "(the IR computes in its input's dtype)")
    return x


MODULES: dict = {}
FUNCTIONS = {
    torch.unsqueeze: unsqueeze, torch.squeeze: squeeze,
    torch.stack: stack, torch.split: split, torch.unbind: unbind,
}
METHODS = {
    "unsqueeze": unsqueeze, "squeeze": squeeze, "split": split, "unbind": unbind,
    "to": same_dtype, "float": same_dtype, "type_as": same_dtype, "type": same_dtype,
}
