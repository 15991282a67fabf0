"""Shape ops (netir/ir/ops/shape.py): Reshape, Flatten, Transpose,
Squeeze/Unsqueeze, Gather of one index, the ONNX backend's to_tokens and from_tokens,
Constant."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import int_list, logical_axis
from netir.importers.onnx.walk import NoMatch, Unsupported, const_value
from netir.ir.layout import TOKENS, default_layout


def _target(x, target: list[int], allowzero: bool) -> tuple[int, ...]:
    """ONNX's Reshape target (batch first; 0 copies, -1 infers) as the IR's shape."""
    given = [1, *x.shape]
    dims = [given[i] if v == 0 and not allowzero and i < len(given) else v
            for i, v in enumerate(target)]
    total = int(np.prod(given))
    if dims.count(-1) == 1:
        known = int(np.prod([d for d in dims if d != -1]))
        dims = [total // known if d == -1 else d for d in dims]
    if dims[:1] != [1] or int(np.prod(dims)) != total:
        raise Unsupported(f"a Reshape to {target} that does not keep the batch axis")
    return tuple(dims[1:])


def layout_for(x, shape) -> str:
    """ONNX has no layouts: a reshape keeps x's where the rank is x's; to rank 2 it
    makes tokens (T, C), else takes the default of its rank."""
    if len(shape) == len(x.shape):
        return x.layout
    return TOKENS if len(shape) == 2 else default_layout(len(shape))


def _reshape_to(ctx, x, shape):
    if tuple(shape) == tuple(x.shape):
        return x
    return ctx.add("reshape", [x], {"shape": tuple(shape), "layout": layout_for(x, shape)})


def _reshape(ctx, unit):
    node = unit.head
    x = ctx.x(node.input[0])
    target = int_list(ctx.const(node.input[1]))
    shape = _target(x, target, bool(unit.attr("allowzero", 0)))
    if not shape:
        raise Unsupported("a Reshape to the batch axis alone")
    return ctx.add("reshape", [x], {"shape": shape, "layout": layout_for(x, shape)})


def _to_tokens(ctx, unit):
    return ctx.add("to_tokens", [ctx.x(unit.steps["flat"].input[0])])


def _from_tokens(ctx, unit):
    x = ctx.x(unit.steps["features_first"].input[0])
    shape = _target(x, int_list(ctx.const(unit.steps["shape"].output[0])), False)
    if len(shape) != 3:
        raise Unsupported(f"tokens back to a map of shape {shape}")
    return ctx.add("from_tokens", [x], {"height": shape[1], "width": shape[2]})


def _flatten(ctx, unit):
    x = ctx.x(unit.head.input[0])
    if logical_axis(x, unit.attr("axis", 1)) != 0:
        raise Unsupported(f"Flatten at axis {unit.attr('axis', 1)} (the IR's flattens "
                          f"every axis but the batch)")
    return ctx.add("flatten", [x])  # of a vector too: the graph keeps its node


def _transpose(ctx, unit):
    x = ctx.x(unit.head.input[0])
    perm = list(unit.attr("perm", list(range(len(x.shape), -1, -1))))
    if perm[0] != 0:
        raise Unsupported(f"a Transpose {perm} that moves the batch axis")
    moved = [i - 1 for i, p in enumerate(perm) if p != i]
    if len(moved) == 2:  # a swap of two axes: the IR's transpose
        return ctx.add("transpose", [x], {"dim0": moved[0], "dim1": moved[1]})
    return ctx.add("permute", [x], {"dims": tuple(p - 1 for p in perm[1:])})


def _squeeze(ctx, unit):
    """Squeeze / Unsqueeze of positions of size 1: a reshape."""
    node = unit.head
    x = ctx.x(node.input[0])
    axes = unit.attr("axes")
    if axes is None and ctx.input(1):
        axes = int_list(ctx.const(ctx.input(1)))
    dims = [1, *x.shape]
    if node.op_type == "Squeeze":
        axes = [a % len(dims) for a in (axes or [i for i, d in enumerate(dims) if d == 1])]
        if 0 in axes:
            raise Unsupported("a Squeeze of the batch axis")
        shape = [d for i, d in enumerate(dims) if i not in axes]
    else:
        rank = len(dims) + len(axes)
        axes = sorted(a % rank for a in axes)
        if 0 in axes:
            raise Unsupported("an Unsqueeze before the batch axis")
        shape = list(dims)
        for a in axes:
            shape.insert(a, 1)
    if not shape[1:]:
        raise Unsupported("a Squeeze to the batch axis alone")
    return _reshape_to(ctx, x, shape[1:])


def _select(ctx, unit):
    node = unit.head
    if not ctx.is_const(node.input[1]) or ctx.const(node.input[1]).ndim != 0:
        raise NoMatch("")
    x = ctx.x(node.input[0])
    axis = logical_axis(x, unit.attr("axis", 0))
    index = int(ctx.const(node.input[1]))
    return ctx.add("select", [x], {"axis": axis, "index": index})


def _constant(ctx, unit):
    return const_value(unit.head)


def entries(entry):
    return [entry("Reshape", _reshape), entry("Reshape", _reshape, steps=("shape",)),
            entry("Transpose", _to_tokens, steps=("shape", "flat")),
            entry("Reshape", _from_tokens, steps=("features_first", "shape")),
            entry("Flatten", _flatten), entry("Transpose", _transpose),
            entry("Squeeze", _squeeze), entry("Unsqueeze", _squeeze),
            entry("Gather", _select), entry("Gather", _select, steps=("index",)),
            entry("Constant", _constant)]
