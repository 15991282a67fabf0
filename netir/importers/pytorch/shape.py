"""Shape and layout ops (netir/ir/ops/shape.py, channel.py, merge.py, regularization.py,
upsampling.py): flatten, view / reshape, permute / transpose, indexing, concatenation,
padding, dropout, interpolation.

Rewrites live here as pending values (:mod:`.values`): a permute waits for its inverse
(so permute -> LayerNorm -> permute back is one layer_norm), and
view(n, g, c/g, h, w) -> transpose(1, 2) -> view(n, c, h, w) is one channel_shuffle.
"""

from __future__ import annotations

import builtins
import math
import operator

import torch
import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import axis, from_torch_pad, layout_of_rank, unary
from netir.importers.pytorch.naming import scope_of
from netir.importers.pytorch.values import (
    Batch,
    BatchMoved,
    Expanded,
    Flattened,
    GroupSplit,
    Param,
    Permuted,
    Unsupported,
)
from netir.ir.layout import MAP, feature_axis
from netir.ir.node import Tensor


def _flatten(ctx, x, start_dim=0, end_dim=-1):
    x = ctx.tensor(x)
    if start_dim == 2 and end_dim in (-1, 3) and x.layout == MAP:
        return Flattened(x)
    if start_dim != 1 or end_dim not in (-1, len(x.shape)):
        raise Unsupported(f"flatten({start_dim}, {end_dim}): the IR flattens every axis "
                          "after the batch")
    return ctx.add("flatten", [x])


def _sizes(shape) -> list:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, torch.Size)):
        shape = tuple(shape[0])
    return list(shape)


def view(ctx, x, *shape):
    """``x.view(n, ...)`` / ``reshape``: the batch first, then the IR's shape."""
    shape = _sizes(shape)
    if isinstance(x, Param) and not any(isinstance(s, Batch) for s in shape):
        return Param(x.path, x.value.reshape(*shape))  # gamma.view(1, -1, 1, 1)
    if not shape or (not isinstance(shape[0], Batch) and shape[0] != -1):
        raise Unsupported(f"a view to {shape} that does not keep the batch first "
                          "(x.view(x.size(0), ...))")
    rest = [int(s) for s in shape[1:]]
    if isinstance(x, GroupSplit) and x.swapped and rest in ([-1, *x.tensor.shape[1:]],
                                                            list(x.tensor.shape)):
        return ctx.add("channel_shuffle", [x.tensor], {"groups": x.groups})
    if isinstance(x, Tensor) and x.layout == MAP and len(rest) == 4:
        c, h, w = x.shape
        g = rest[0]
        if g > 0 and c % g == 0 and rest[1:] in ([c // g, h, w], [-1, h, w]):
            return GroupSplit(x, g)
    if isinstance(x, Tensor) and x.layout == MAP and rest in ([x.shape[0], -1], [
            x.shape[0], x.shape[1] * x.shape[2]]):
        return Flattened(x)  # x.reshape(n, c, h * w): ViT's patches, as x.flatten(2)
    x = ctx.tensor(x)
    if len(rest) == 1 and rest[0] in (-1, math.prod(x.shape)):
        return ctx.add("flatten", [x])
    if any(s < -1 or s == 0 for s in rest):
        raise Unsupported(f"view to {shape}")
    return ctx.add("reshape", [x], {"shape": tuple(rest), "layout": layout_of_rank(len(rest))})


def permute(ctx, x, *dims):
    dims = tuple(int(d) for d in _sizes(dims))
    rank = len(dims)
    dims = tuple(d + rank if d < 0 else d for d in dims)
    if isinstance(x, Flattened) and dims == (0, 2, 1):
        return ctx.add("to_tokens", [x.tensor])
    if isinstance(x, Permuted):
        dims = tuple(x.dims[d] for d in dims)
        x = x.tensor
    x = ctx.tensor(x)
    if dims[0] != 0:
        return BatchMoved(x, dims)
    return x if dims == tuple(range(rank)) else Permuted(x, dims)


def moved_part(ctx, x: BatchMoved, index: int, name: str):
    """Part ``index`` of the first axis of a permute that moved the batch from the
    front: a select of the axis it was, then the other axes in their permuted order."""
    first = x.dims[0]
    part = ctx.add("select", [x.tensor], {"axis": first - 1, "index": int(index)}, name=name)
    rest = tuple(d if d < first else d - 1 for d in x.dims[1:])
    if rest[0] != 0:
        raise Unsupported(f"permute{x.dims}: its parts along the first axis do not hold "
                          "the batch first either")
    return part if rest == tuple(range(len(rest))) else Permuted(part, rest)


def transpose(ctx, x, dim0, dim1):
    if isinstance(x, GroupSplit) and not x.swapped and {dim0, dim1} == {1, 2}:
        return GroupSplit(x.tensor, x.groups, swapped=True)
    if isinstance(x, Flattened) and {dim0 % 3, dim1 % 3} == {1, 2}:
        return ctx.add("to_tokens", [x.tensor])
    rank = len(x.dims) if isinstance(x, Permuted) else len(ctx.tensor(x).shape) + 1
    dims = list(range(rank))
    dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
    return permute(ctx, x, *dims)


def _same(ctx, x, *args, **kwargs):
    return x


def _size(ctx, x, dim=None):
    if isinstance(x, Permuted):
        full = (None, *x.tensor.shape)
        sizes = (Batch(x.tensor), *(full[d] for d in x.dims[1:]))
        return sizes if dim is None else sizes[dim]
    x = ctx.tensor(x)
    sizes = (Batch(x), *x.shape)
    return sizes if dim is None else sizes[dim]


def _dim(ctx, x):
    """``x.dim()``, ``x.ndim``: the rank, batch included (a constant)."""
    return len(x.tensor.shape if isinstance(x, Permuted) else ctx.tensor(x).shape) + 1


def _getattr(ctx, x, name):
    if name == "shape":
        return _size(ctx, x)
    if name == "ndim":
        return _dim(ctx, x)
    if name in ("device", "dtype"):  # x.device, x.dtype: the traced constant
        return ctx.traced[ctx.node]
    raise Unsupported(f"the tensor attribute {name!r}")


def expand(ctx, x, *sizes):
    """``param.expand(n, -1, ...)`` of a learned (1, ...) tensor: the IR's parameter op,
    batched like the tensor ``n`` was read from (ViT's class token)."""
    sizes = _sizes(sizes)
    if not isinstance(x, Param) or not sizes or not isinstance(sizes[0], Batch) \
            or any(s not in (-1, d) for s, d in zip(sizes[1:], x.value.shape[1:])):
        raise Unsupported("expand other than of a learned (1, ...) tensor to the batch")
    return Expanded(x, sizes[0].of)


def parameter(ctx, param: Param, like):
    """The IR's parameter op for the learned (1, *S) ``param``, batched like ``like``
    and of its layout where the ranks agree."""
    like = ctx.tensor(like)
    value = param.value
    if value.dim() < 2 or value.shape[0] != 1:
        raise Unsupported(f"the learned tensor {param.path!r} of shape {tuple(value.shape)} "
                          "is not (1, ...) (the IR's parameter is one tensor per sample)")
    shape = tuple(value.shape[1:])
    layout = like.layout if len(shape) == len(like.shape) else layout_of_rank(len(shape))
    return ctx.place(param, "parameter", like, {"shape": shape, "layout": layout})


def getitem(ctx, x, index):
    """A tuple's element, or ``x[:, i]`` / ``x[:, a:b]`` (select / slice of one axis)."""
    if isinstance(x, (tuple, list)):
        return x[index]
    if isinstance(x, BatchMoved) and isinstance(index, int):
        return moved_part(ctx, x, index, ctx.names.scoped(scope_of(ctx.node), "select"))
    x = ctx.tensor(x)
    index = index if isinstance(index, tuple) else (index,)
    if Ellipsis in index:  # x[..., :14]: full slices for the axes it stands for
        k = index.index(Ellipsis)
        index = index[:k] + (slice(None),) * (len(x.shape) + 2 - len(index)) + index[k + 1:]
    if not index or index[0] != slice(None):
        raise Unsupported(f"indexing {index} that does not keep the batch")
    kept = [i for i, s in enumerate(index[1:]) if s != slice(None)]
    if len(kept) != 1:
        raise Unsupported(f"indexing {index}: the IR selects or slices one axis")
    a, s = kept[0], index[1 + kept[0]]
    if isinstance(s, int):
        return ctx.add("select", [x], {"axis": a, "index": s})
    if isinstance(s, slice):
        return ctx.add("slice", [x], {"axis": a, "start": s.start or 0, "stop": s.stop,
                                      "step": s.step or 1})
    raise Unsupported(f"indexing with {type(s).__name__}")


def concat(ctx, tensors, dim=0):
    """``torch.cat``; of one tensor, that tensor. A list whose first tensors were
    concatenated already (DenseNet's growing list) extends that concat:
    concat(previous, rest), each feature copied once."""
    tensors = [t if isinstance(t, Expanded) else ctx.tensor(t) for t in tensors]
    partner = next((t for t in tensors if not isinstance(t, Expanded)), None)
    tensors = [parameter(ctx, t.param, partner or t.of) if isinstance(t, Expanded) else t
               for t in tensors]
    if len(tensors) == 1:
        return tensors[0]
    a = axis(tensors[0], dim)
    key = (a, *(t.name for t in tensors))
    done = max((k for k in range(2, len(tensors)) if key[:k + 1] in ctx.concats), default=0)
    if done:
        tensors = [ctx.concats[key[:done + 1]], *tensors[done:]]
    out = ctx.add("concat", tensors, {"axis": None if a == feature_axis(tensors[0].layout)
                                      else a})
    ctx.concats[key] = out
    return out


def chunk(ctx, x, chunks, dim=0):
    """``x.chunk(n, dim)``: slices of one axis, each ``ceil(size / n)`` long but the
    last, named ``<scope>.chunk0``, ``chunk1``... (ShuffleNet's split)."""
    x = ctx.tensor(x)
    a = axis(x, dim)
    size = x.shape[a]
    step = -(-size // chunks)
    return tuple(ctx.add("slice", [x], {"axis": a, "start": start,
                                        "stop": start + step if start + step < size else None,
                                        "step": 1},
                         name=ctx.names.scoped(scope_of(ctx.node), f"chunk{k}"))
                 for k, start in enumerate(range(0, size, step)))


def _dropout(ctx, x, p=0.5, training=True, inplace=False):
    return unary(ctx, "dropout", x, {"rate": float(p)})


def _pad(ctx, x, pad, mode="constant", value=None):
    if mode != "constant" or value not in (None, 0, 0.0) or len(pad) != 4:
        raise Unsupported(f"F.pad(mode={mode!r}, value={value}, {len(pad)} sizes): the IR "
                          "pads H and W with zeros")
    return ctx.add("zero_pad2d", [x], {"padding": from_torch_pad(pad)})


def interpolate(ctx, x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    if antialias or mode not in ("nearest", "bilinear"):
        raise Unsupported(f"interpolate(mode={mode!r}, antialias={antialias}): the IR "
                          "upsamples nearest or bilinear, without antialiasing")
    attrs = {"mode": mode, "align_corners": bool(align_corners)}
    if size is not None:
        attrs["size"] = size
    else:
        factor = scale_factor
        pair = factor if isinstance(factor, (tuple, list)) else (factor, factor)
        if any(float(f) != int(f) for f in pair):
            raise Unsupported(f"scale_factor {scale_factor}: the IR upsamples by integers")
        attrs["scale_factor"] = tuple(int(f) for f in pair)
    return ctx.add("upsample", [x], attrs)


def _upsample(ctx, m, x):
    return interpolate(ctx, x, m.size, m.scale_factor, m.mode, m.align_corners)


MODULES = {
    nn.Flatten: lambda ctx, m, x: _flatten(ctx, x, m.start_dim, m.end_dim),
    nn.Dropout: lambda ctx, m, x: _dropout(ctx, x, m.p),
    nn.Identity: lambda ctx, m, x, *args, **kwargs: x,
    nn.ZeroPad2d: lambda ctx, m, x: _pad(ctx, x, m.padding),
    nn.ChannelShuffle: lambda ctx, m, x: ctx.add("channel_shuffle", [x], {"groups": m.groups}),
    nn.Upsample: _upsample,
    "torchvision.ops.stochastic_depth.StochasticDepth": lambda ctx, m, x: ctx.add(
        "stochastic_depth", [x], {"p": m.p, "mode": m.mode}),
}
FUNCTIONS = {
    torch.flatten: _flatten,
    torch.reshape: lambda ctx, x, shape: view(ctx, x, shape),
    torch.permute: lambda ctx, x, dims: permute(ctx, x, dims),
    torch.transpose: transpose,
    torch.cat: concat, torch.concat: concat,
    torch.chunk: chunk,
    operator.getitem: getitem,
    builtins.getattr: _getattr,
    F.dropout: _dropout,
    F.pad: _pad,
    F.interpolate: interpolate,
    "torchvision.ops.stochastic_depth.stochastic_depth":
        lambda ctx, x, p, mode, training=True: ctx.add("stochastic_depth", [x],
                                                       {"p": p, "mode": mode}),
}
METHODS = {
    "flatten": _flatten,
    "view": view, "reshape": view,
    "permute": permute,
    "transpose": transpose,
    "contiguous": _same,
    "expand": expand,
    "chunk": chunk,
    "size": _size,
    "dim": _dim,
}
