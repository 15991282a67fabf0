"""The NumPy meaning of pooling (netir/ir/ops/pool.py): one window pool for max and
average at every rank, one adaptive average at every rank, and the global pools.
Arrays are ``(N, C, *positions)`` for the window and adaptive pools."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.windows import pad, windows
from netir.ir.arithmetic import adaptive_bins


def _windows(plan, x: np.ndarray, value: float) -> np.ndarray:
    """The cells under each of the node's windows, ``x`` padded with ``value`` by the
    plan's exact padding (the declared one, extended after the input so that ceil
    mode's kept partial windows are whole)."""
    w = plan.window
    return windows(pad(x, w.exact, value), w.effective, w.stride, w.dilation,
                   plan.output[1:])


def _window_axes(plan) -> tuple[int, ...]:
    """The kernel axes of :func:`_windows`' view: its last ``rank`` axes."""
    return tuple(range(-plan.window.rank, 0))


def max_pool(plan, inputs):
    """Max over each window; padding is -inf, so a padded cell never wins."""
    return _windows(plan, inputs[0], -np.inf).max(axis=_window_axes(plan))


def avg_pool(plan, inputs):
    """Window sum over the number of counted cells: the input's own cells, plus the
    padding's with ``count_include_pad``. Cells that a ceil-mode window reaches beyond
    the padding never count."""
    x, w = inputs[0], plan.window
    total = _windows(plan, x, 0.0).sum(axis=_window_axes(plan))
    counted = pad(np.ones((1, 1, *x.shape[2:]), x.dtype), w.padding,
                  1.0 if plan.attrs["count_include_pad"] else 0.0)
    beyond = tuple((0, exact[1] - declared[1]) for exact, declared in zip(w.exact, w.padding))
    counted = windows(pad(counted, beyond), w.effective, w.stride, w.dilation,
                      plan.output[1:])
    return total / counted.sum(axis=_window_axes(plan))


def adaptive_avg_pool(plan, inputs):
    """Mean over PyTorch's bins ``[floor(i·n/out), ceil((i+1)·n/out))`` on each axis, at
    every rank: each output cell the mean of its box of input cells."""
    x, out = inputs[0], plan.output[1:]
    bins = [adaptive_bins(n, o) for n, o in zip(x.shape[2:], out)]
    y = np.empty((*x.shape[:2], *out), dtype=x.dtype)
    every, axes = (slice(None), slice(None)), tuple(range(2, x.ndim))
    for index in np.ndindex(*out):
        box = tuple(slice(*bins[axis][i]) for axis, i in enumerate(index))
        y[(*every, *index)] = x[(*every, *box)].mean(axis=axes)
    return y


def global_avg_pool(plan, inputs):
    """Mean over the first input's position axes."""
    return inputs[0].mean(axis=plan.positions)


def global_max_pool(plan, inputs):
    return inputs[0].max(axis=plan.positions)


LOWERINGS = {"max_pool2d": max_pool, "max_pool3d": max_pool,
             "avg_pool2d": avg_pool, "avg_pool3d": avg_pool,
             "adaptive_avg_pool2d": adaptive_avg_pool, "adaptive_avg_pool3d": adaptive_avg_pool,
             "global_avg_pool": global_avg_pool, "global_max_pool": global_max_pool}
