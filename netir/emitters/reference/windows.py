"""Sliding windows over the position axes of channels-first arrays ``(N, C, *positions)``
at any rank: explicit padding and the view of the cells under each window (what the
convolution and pooling kernels reduce)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pair = tuple[int, int]


def pad(x: np.ndarray, padding: Sequence[Pair], value: float = 0.0) -> np.ndarray:
    """``x`` padded with ``value`` by ``(before, after)`` on each position axis, in order
    (``((top, bottom), (left, right))`` for a map)."""
    return np.pad(x, ((0, 0), (0, 0), *padding), constant_values=value)


def windows(x: np.ndarray, effective: Sequence[int], stride: Sequence[int],
            dilation: Sequence[int], out: Sequence[int]) -> np.ndarray:
    """``(N, C, *out, *kernel)``: the cells of ``x`` under each output's window.

    ``x`` is already padded; a window spans ``effective`` cells per axis (the dilated
    kernel), starts at multiples of ``stride`` and takes every ``dilation``-th cell; a
    floor-mode remainder after the last window is ignored.
    """
    rank = len(effective)
    view = sliding_window_view(x, tuple(effective), axis=tuple(range(2, 2 + rank)))
    every = (slice(None), slice(None))
    view = view[(*every, *(slice(None, None, s) for s in stride),
                 *(slice(None, None, d) for d in dilation))]
    return view[(*every, *(slice(n) for n in out))]
