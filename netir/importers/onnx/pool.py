"""Pools (netir/ir/ops/pool.py): MaxPool, AveragePool, the global pools, the ONNX
backend's ReduceMean/ReduceMax over the positions and its adaptive-pool matrices (2-D
and 3-D).

The ONNX backend writes ``ceil_mode`` as the after-padding it implies (floor mode
then), and notes the ceil mode and declared padding in the node's doc string: read
back from the note; without one, ONNX's pads are the padding."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import int_list, pad_amounts, window_pads
from netir.importers.onnx.walk import NoMatch, Unsupported
from netir.ir import arithmetic
from netir.ir.layout import positions

_KINDS = {2: "2d", 3: "3d"}


def _declared(unit, pads, ceil: bool):
    """(padding, ceil_mode) of the IR: ONNX's pads, unless the ONNX backend noted the
    ceil mode and the declared padding of the pads it wrote (in floor mode)."""
    noted = unit.notes
    if ceil or noted.get("ceil_mode") is not True:
        return pads, ceil
    try:
        declared = tuple((int(b), int(a)) for b, a in noted["padding"])
    except (KeyError, TypeError, ValueError):
        raise Unsupported(f"a pool noted as ceil mode without its padding: {noted}") \
            from None
    if len(declared) != len(pads) or any(d[0] != p[0] or d[1] > p[1]
                                         for d, p in zip(declared, pads)):
        raise Unsupported(f"a pool noted with padding {declared} beyond its pads {pads}")
    return declared, True


def _window(ctx, unit, x):
    rank = len(x.shape) - 1
    if rank not in _KINDS:
        raise Unsupported(f"a pool over {rank} axes")
    kernel = tuple(unit.attr("kernel_shape"))
    stride = tuple(unit.attr("strides", [1] * rank))
    if any(d != 1 for d in unit.attr("dilations", [1] * rank)):
        raise Unsupported("a dilated pool (the IR's pools are not dilated)")
    pads = window_pads(unit, x.shape[1:], kernel, stride, [1] * rank)
    return rank, kernel, stride, pads, bool(unit.attr("ceil_mode", 0))


def _max_pool(ctx, unit):
    x = ctx.x(unit.head.input[0])
    if ctx.extra_outputs_read():
        raise Unsupported("MaxPool's indices output (the IR's max pool returns values)")
    rank, kernel, stride, pads, ceil = _window(ctx, unit, x)
    padding, ceil = _declared(unit, pads, ceil)
    return ctx.add(f"max_pool{_KINDS[rank]}", [x], {"kernel": kernel, "stride": stride,
                                                   "padding": padding, "ceil_mode": ceil})


def _avg_pool(ctx, unit):
    """The ONNX backend writes ``count_include_pad`` always; without it, bins that tile
    the input with no padding are its adaptive pool."""
    x = ctx.x(unit.head.input[0])
    rank, kernel, stride, pads, ceil = _window(ctx, unit, x)
    include = unit.attr("count_include_pad")
    sizes = x.shape[1:]
    if include is None and kernel == stride and not any(map(any, pads)) and \
            all(n % k == 0 for n, k in zip(sizes, kernel)) and not ceil:
        return ctx.add(f"adaptive_avg_pool{_KINDS[rank]}", [x],
                       {"output_size": tuple(n // k for n, k in zip(sizes, kernel))})
    include = bool(include)
    padding, ceil = _declared(unit, pads, ceil)
    if include and padding != pads:  # the ONNX backend pads first (_padded_avg_pool)
        raise Unsupported("AveragePool counting the padding with a window past it")
    return ctx.add(f"avg_pool{_KINDS[rank]}", [x], {
        "kernel": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil,
        "count_include_pad": include})


def _padded_avg_pool(ctx, unit):
    """The declared padding as zeros (step ``pad``), the ceil-mode overhang excluded."""
    pad = unit.steps["pad"]
    x = ctx.x(pad.input[0])
    declared = tuple(pad_amounts(ctx, pad, len(x.shape) + 1)[2:])
    rank, kernel, stride, overhang, ceil = _window(ctx, unit, x)
    if unit.attr("count_include_pad", 0) or ceil or any(b for b, _ in overhang):
        raise Unsupported("a padded AveragePool not in the ONNX backend's form")
    return ctx.add(f"avg_pool{_KINDS[rank]}", [x], {
        "kernel": kernel, "stride": stride, "padding": declared, "ceil_mode": True,
        "count_include_pad": True})


def _global(op: str):
    def convert(ctx, unit):
        """ONNX keeps the positions as 1s: the IR's adaptive (or whole-map) pool."""
        x = ctx.x(unit.head.input[0])
        rank = len(x.shape) - 1
        if rank not in _KINDS:
            raise Unsupported(f"a global pool over {rank} axes")
        if op == "avg":
            return ctx.add(f"adaptive_avg_pool{_KINDS[rank]}", [x],
                           {"output_size": (1,) * rank})
        size = tuple(x.shape[1:])
        return ctx.add(f"max_pool{_KINDS[rank]}", [x], {"kernel": size, "stride": size})

    return convert


def _reduce(op: str):
    def convert(ctx, unit):
        """Over every position, the features kept: the IR's global pool."""
        x = ctx.x(unit.head.input[0])
        if unit.attr("keepdims", 1) or len(x.shape) < 2:
            raise NoMatch("")
        axes = unit.attr("axes")
        if axes is None and len(unit.head.input) > 1 and unit.head.input[1]:
            axes = int_list(ctx.const(unit.head.input[1]))
        rank = len(x.shape) + 1
        where = [a + 1 for a in positions(x.layout)]
        if not where or sorted(a % rank for a in (axes or [])) != where:
            raise NoMatch("")
        return ctx.add(op, [x])

    return convert


def _adaptive_matrices(ctx, unit):
    """``x @ A_wᵀ`` then ``A_h @ x``: the IR's bin-averaging matrices, checked."""
    x = ctx.x(unit.steps["width"].input[0])
    cols, rows = ctx.const(unit.steps["cols"].output[0]), \
        ctx.const(unit.steps["rows"].output[0])
    out = (int(rows.shape[0]), int(cols.shape[1]))
    for matrix, n, o in ((cols.T, x.shape[2], out[1]), (rows, x.shape[1], out[0])):
        if not np.array_equal(matrix, arithmetic.adaptive_pool_matrix(n, o)
                              .astype(np.float32)):
            raise Unsupported("a MatMul by a matrix that is not an adaptive pool's")
    return ctx.add("adaptive_avg_pool2d", [x], {"output_size": out})


def _adaptive_volume(ctx, unit):
    """The 3-D form: ``x @ A_wᵀ``, ``A_h @ x``, then ``A_d`` on the input viewed as
    (N, C, D, rest) and viewed back; each matrix checked."""
    x = ctx.x(unit.steps["width"].input[0])
    cols, rows, planes = (ctx.const(unit.steps[s].output[0]) for s in ("cols", "rows", "planes"))
    out = (int(planes.shape[0]), int(rows.shape[0]), int(cols.shape[1]))
    for matrix, n, o in ((cols.T, x.shape[3], out[2]), (rows, x.shape[2], out[1]),
                         (planes, x.shape[1], out[0])):
        if not np.array_equal(matrix, arithmetic.adaptive_pool_matrix(n, o)
                              .astype(np.float32)):
            raise Unsupported("a MatMul by a matrix that is not an adaptive pool's")
    return ctx.add("adaptive_avg_pool3d", [x], {"output_size": out})


CHANNELS_FIRST = {"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"}


def entries(entry):
    return [entry("MaxPool", _max_pool), entry("AveragePool", _avg_pool),
            entry("AveragePool", _padded_avg_pool, steps=("pad", "pad/pads", "pad/axes")),
            entry("GlobalAveragePool", _global("avg")),
            entry("GlobalMaxPool", _global("max")),
            entry("ReduceMean", _reduce("global_avg_pool"), steps=("axes",)),
            entry("ReduceMax", _reduce("global_max_pool"), steps=("axes",)),
            entry("ReduceMean", _reduce("global_avg_pool")),
            entry("ReduceMax", _reduce("global_max_pool")),
            entry("MatMul", _adaptive_matrices, steps=("cols", "rows", "width")),
            entry("Reshape", _adaptive_volume, steps=("cols", "rows", "planes", "width",
                                                      "height", "view", "shape", "folded",
                                                      "pooled"))]
