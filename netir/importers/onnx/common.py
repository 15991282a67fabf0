"""ONNX conventions as IR attributes, shared by the table entries: axes batch first,
``pads`` and ``auto_pad``, weights read from constants."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.walk import Unsupported, float32
from netir.ir.layout import feature_axis


def logical_axis(x, axis: int) -> int:
    """ONNX ``axis`` of ``x`` (batch first, negative from the end) as the IR's axis."""
    rank = len(x.shape) + 1
    if not -rank <= axis < rank:
        raise Unsupported(f"axis {axis} of a rank-{rank} tensor")
    axis %= rank
    if axis == 0:
        raise Unsupported("it works over the batch axis (the IR's ops act per sample)")
    return axis - 1


def feature_or_axis(x, axis: int):
    """An axis attribute that is None where it is the feature axis (the IR's default)."""
    a = logical_axis(x, axis)
    return None if a == feature_axis(x.layout) else a


def pairs(pads, rank: int) -> tuple[tuple[int, int], ...]:
    """ONNX ``[befores..., afters...]`` -> IR ``((before, after), ...)``."""
    pads = [int(p) for p in (pads or [0] * 2 * rank)]
    if len(pads) != 2 * rank:
        raise Unsupported(f"pads {pads} for {rank} window axes")
    return tuple((pads[i], pads[i + rank]) for i in range(rank))


def window_pads(unit, sizes, kernel, stride, dilation) -> tuple[tuple[int, int], ...]:
    """The explicit padding of a window op, ``auto_pad`` resolved as ONNX does."""
    auto = unit.attr("auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        return pairs(unit.attr("pads"), len(kernel))
    if auto == "VALID":
        return tuple((0, 0) for _ in kernel)
    out = []
    for n, k, s, d in zip(sizes, kernel, stride, dilation):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        small = total // 2
        out.append((small, total - small) if auto == "SAME_UPPER" else (total - small, small))
    return tuple(out)


def scalar(value: np.ndarray) -> float:
    """A one-element constant as the Python float the IR's attribute holds."""
    value = np.asarray(value)
    if value.size != 1:
        raise Unsupported(f"a constant of shape {value.shape} where the IR takes a number")
    return float32(value.reshape(()))


def int_list(value) -> list[int]:
    return [int(v) for v in np.asarray(value).reshape(-1)]


def unbatched(x, what: str = "tensor") -> None:
    """Unsupported unless ``x`` is an IR tensor (not a constant)."""
    if isinstance(x, np.ndarray):
        raise Unsupported(f"a constant {what} where the IR takes a computed one")


def pad_amounts(ctx, node, rank: int) -> list[tuple[int, int]]:
    """A zero constant ``Pad``'s (before, after) on each of ``rank`` batch-first axes."""
    mode = ctx.unit.attr("mode", "constant", node)
    if mode != "constant":
        raise Unsupported(f"Pad mode {mode!r} (the IR pads with zeros)")
    if ctx.opset < 11:
        pads, value = ctx.unit.attr("pads", [], node), ctx.unit.attr("value", 0.0, node)
    else:
        pads = int_list(ctx.const(node.input[1]))
        value = ctx.const(node.input[2]) if len(node.input) > 2 and node.input[2] else 0.0
    if np.any(np.asarray(value) != 0):
        raise Unsupported(f"a Pad with the value {value} (the IR pads with zeros)")
    axes = list(range(rank))
    if len(node.input) > 3 and node.input[3]:
        axes = [a % rank for a in int_list(ctx.const(node.input[3]))]
    out = [(0, 0)] * rank
    for i, (before, after) in enumerate(pairs(pads, len(axes))):
        if before < 0 or after < 0:
            raise Unsupported("a negative Pad (a crop)")
        out[axes[i]] = (before, after)
    if any(out[0]) or any(out[1]):
        raise Unsupported("a Pad of the batch or channel axis")
    return out
