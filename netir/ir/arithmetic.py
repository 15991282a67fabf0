"""Window arithmetic, in one place: padding resolution, output sizes, ceil mode,
average-pool divisors, adaptive bins, transposed-convolution sizes and resize
sources.

Used by the shape rules of conv and the pools and by every backend that has to
decompose a window op. Per-axis functions take sizes and a ``(before, after)``
padding pair; the 2-D helpers take attribute mappings (``kernel``, ``stride``,
``padding``, ``dilation``, ``ceil_mode``, ``count_include_pad``) and shapes
``(C, H, W)``, batch excluded.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from netir.ir.errors import ShapeError

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]
Attrs = Mapping[str, Any]


def _dims(values) -> str:
    return "×".join(str(v) for v in values)


def same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> Pair:
    """TensorFlow's 'same' rule: output = ceil(size / stride), odd pixel after.

    >>> same_padding(224, 3, 2)
    (0, 1)
    """
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def window_output_size(size: int, kernel: int, stride: int, pad: Pair,
                       dilation: int = 1, ceil_mode: bool = False) -> int:
    """Number of windows along one axis, PyTorch semantics.

    With ``ceil_mode`` a partial last window is kept unless it would start in the
    after-padding, in which case it is dropped. Returns a value < 1 when the window
    does not fit; callers turn that into a ShapeError.
    """
    effective = (kernel - 1) * dilation + 1
    span = size + pad[0] + pad[1] - effective
    if span < 0:
        return 0
    if ceil_mode:
        out = -(-span // stride) + 1
        if (out - 1) * stride >= size + pad[0]:
            out -= 1
        return out
    return span // stride + 1


def window_starts(out: int, stride: int, pad_before: int) -> np.ndarray:
    """Start index (in unpadded coordinates) of each window along one axis."""
    return np.arange(out) * stride - pad_before


def avg_pool_divisor(size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                     padding: tuple[Pair, ...], ceil_mode: bool,
                     count_include_pad: bool) -> np.ndarray:
    """Divisor of each output cell of an average pool over any number of window axes,
    shape ``(out_h, out_w)`` for a map, ``(out_d, out_h, out_w)`` for a volume.

    A window is clipped to the padded extent; with ``count_include_pad`` the padded
    cells inside it count, otherwise only the cells of the input itself.
    """
    counts = []
    for axis in range(len(size)):
        n = window_output_size(size[axis], kernel[axis], stride[axis], padding[axis],
                               ceil_mode=ceil_mode)
        start = window_starts(n, stride[axis], padding[axis][0])
        end = np.minimum(start + kernel[axis], size[axis] + padding[axis][1])
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size[axis])
        counts.append(end - start)
    return functools.reduce(np.multiply.outer, counts).astype(np.int64)


def adaptive_bins(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling bins: ``[floor(i*n/out), ceil((i+1)*n/out))``."""
    return [(math.floor(i * size / out), math.ceil((i + 1) * size / out)) for i in range(out)]


def adaptive_pool_matrix(size: int, out: int) -> np.ndarray:
    """``(out, size)`` matrix whose rows average the bins of :func:`adaptive_bins`."""
    m = np.zeros((out, size), dtype=np.float64)
    for i, (a, b) in enumerate(adaptive_bins(size, out)):
        m[i, a:b] = 1.0 / (b - a)
    return m


def exact_window_padding(size: int, kernel: int, stride: int, pad: Pair, out: int) -> Pair:
    """Padding after which an unpadded ('valid', floor) window op yields exactly ``out``.

    Adds to the after-side what ``ceil_mode`` needs; a floor-mode remainder is left for
    the window op to ignore. Used by emitters that decompose padded or ceil-mode pools.
    """
    needed = (out - 1) * stride + kernel - (size + pad[0] + pad[1])
    return pad[0], pad[1] + max(needed, 0)


def resolve_padding(padding, in_hw: Pair, kernel: Pair, stride: Pair,
                    dilation: Pair = (1, 1)) -> Padding:
    """Turn 'same'/'valid' into explicit ``((top, bottom), (left, right))``; explicit
    padding is returned as it is."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        return tuple(same_padding(in_hw[i], kernel[i], stride[i], dilation[i])
                     for i in range(2))
    return padding


def window_shape(in_shape: tuple[int, int, int], kernel: Pair, stride: Pair, pad: Padding,
                 dilation: Pair = (1, 1), ceil_mode: bool = False) -> Pair:
    """Output (H, W) of a sliding window over ``(C, H, W)``; ShapeError when the
    (dilated) kernel is larger than the padded input."""
    _, h, w = in_shape
    out = tuple(window_output_size((h, w)[i], kernel[i], stride[i], pad[i], dilation[i],
                                   ceil_mode) for i in range(2))
    if min(out) < 1:
        eff = tuple((kernel[i] - 1) * dilation[i] + 1 for i in range(2))
        padded = (h + pad[0][0] + pad[0][1], w + pad[1][0] + pad[1][1])
        raise ShapeError(f"kernel {_dims(eff)} is larger than the padded input "
                         f"{_dims(padded)}",
                         f"input {_dims(in_shape)}, kernel {_dims(kernel)}, padding {pad}, "
                         f"dilation {_dims(dilation)}")
    return out


def explicit_padding(attrs: Attrs, in_shape, out_shape) -> Padding:
    """One ``(before, after)`` per window axis (``((top, bottom), (left, right))`` for a
    map) after which an unpadded, floor-mode window op gives exactly ``out_shape``: how
    backends run a padded or ceil-mode pool exactly, at any rank."""
    return tuple(exact_window_padding(in_shape[1 + i], attrs["kernel"][i], attrs["stride"][i],
                                      attrs["padding"][i], out_shape[1 + i])
                 for i in range(len(attrs["kernel"])))


def avg_divisor(attrs: Attrs, in_shape) -> np.ndarray:
    """The (H, W) map of cells each average-pool output is divided by."""
    return avg_pool_divisor(in_shape[1:], attrs["kernel"], attrs["stride"], attrs["padding"],
                            attrs["ceil_mode"], attrs["count_include_pad"])


def transposed_output_size(size: int, kernel: int, stride: int, padding: int,
                           output_padding: int, dilation: int = 1) -> int:
    """Output length of a transposed convolution (PyTorch's rule):
    ``(n − 1)·s − 2p + d·(k − 1) + output_padding + 1``.

    >>> transposed_output_size(4, 3, 2, 1, 1)
    8
    """
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def nearest_source(size: int, out: int) -> np.ndarray:
    """Input index of each of ``out`` nearest-neighbour outputs (PyTorch's ``nearest``):
    ``min(⌊dst · (size / out)⌋, size − 1)`` with the product and the ratio in float32,
    as PyTorch computes them; an integer upscale ``s`` gives ``dst // s``."""
    scale = np.float32(size) / np.float32(out)
    dst = np.arange(out, dtype=np.float32)
    return np.minimum(np.floor(dst * scale).astype(np.int64), size - 1)


def linear_source(size: int, out: int, align_corners: bool, dtype=np.float32):
    """``(lower, upper, weight)`` per output of a linear resize along one axis (PyTorch's
    ``interpolate``, no antialiasing): output ``dst`` is
    ``(1 − weight)·x[lower] + weight·x[upper]``.

    The source coordinate is ``dst · (size − 1)/(out − 1)`` with ``align_corners`` (0 for
    one output), otherwise half-pixel centres ``(dst + ½)·size/out − ½``, below 0 taken as
    0; ``upper`` stays inside the input. The ratio, the coordinate and the weight are
    computed in ``dtype`` as PyTorch computes them for that dtype (in float32 ``a·b − ½``
    is rounded once, as its fused multiply-add): at 300 float32 outputs the coordinate
    is 4e-6 off the real one, and the output shows it.
    """
    f = np.dtype(dtype).type
    dst = np.arange(out, dtype=f)
    if out == size:
        index = np.arange(out)
        return index, index, np.zeros(out, f)
    if align_corners:
        src = dst * (f(size - 1) / f(out - 1) if out > 1 else f(0))
    elif f is np.float32:
        scale = np.float64(f(size) / f(out))  # one rounding of a·b − ½ (fused)
        src = np.maximum(f(scale * (dst + f(0.5)) - 0.5), f(0))
    else:
        src = np.maximum((f(size) / f(out)) * (dst + f(0.5)) - f(0.5), f(0))
    lower = np.minimum(np.floor(src).astype(np.int64), size - 1)
    upper = np.minimum(lower + 1, size - 1)
    return lower, upper, np.clip(src - lower.astype(f), f(0), f(1))


def linear_matrix(size: int, out: int, align_corners: bool) -> np.ndarray:
    """``(out, size)`` matrix of :func:`linear_source`'s weights: a resize is
    ``A_h · x · A_wᵀ``."""
    lower, upper, weight = linear_source(size, out, align_corners)
    m = np.zeros((out, size), dtype=np.float64)
    np.add.at(m, (np.arange(out), lower), np.float32(1) - weight)
    np.add.at(m, (np.arange(out), upper), weight)
    return m
