"""Keras lowerings of the pools (netir/ir/ops/pool.py), channels last, one lowering per
kind for every rank (the plan's window gives it). Asymmetric padding, ceil_mode and
count_include_pad are made exact by explicit padding and per-cell divisors computed from
the IR's own arithmetic."""

from __future__ import annotations

import numpy as np
from keras import layers

from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.padding import pad
from netir.emitters.keras3.window_layers import AdaptiveAvgPool, ScaleMap
from netir.ir import arithmetic

_MAX = {2: layers.MaxPooling2D, 3: layers.MaxPooling3D}
_AVG = {2: layers.AveragePooling2D, 3: layers.AveragePooling3D}


def max_pool(plan, inputs):
    """max_pool2d and max_pool3d: the exact window's padding with ``-inf``, then the
    stock ``MaxPooling{rank}D(padding="valid")``."""
    w = plan.window
    x = pad(inputs[0], w.exact, _n(plan), value=-np.inf)
    return _MAX[w.rank](w.kernel, w.stride, padding="valid", name=_n(plan))(x)


def avg_pool(plan, inputs):
    """avg_pool2d and avg_pool3d: zero padding, the stock ``AveragePooling{rank}D``, and
    PyTorch's per-cell divisor where it is not the window's size."""
    w = plan.window
    x = pad(inputs[0], w.exact, _n(plan))
    divisor = arithmetic.avg_divisor(plan.attrs, plan.inputs[0])
    window = int(np.prod(w.kernel))
    y = _AVG[w.rank](w.kernel, w.stride, padding="valid", name=_n(plan))(x)
    if np.all(divisor == window):
        return y
    return ScaleMap(window / divisor, name=helper_name(_n(plan), "divisor"))(y)


def global_avg_pool(plan, inputs):
    """Features are last at every layout: the 1-D, 2-D or 3-D pool of the positions."""
    pool = (layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D,
            layers.GlobalAveragePooling3D)[len(plan.positions) - 1]
    return pool(name=_n(plan))(inputs[0])


def global_max_pool(plan, inputs):
    pool = (layers.GlobalMaxPooling1D, layers.GlobalMaxPooling2D,
            layers.GlobalMaxPooling3D)[len(plan.positions) - 1]
    return pool(name=_n(plan))(inputs[0])


def adaptive_avg_pool(plan, inputs):
    """adaptive_avg_pool2d and adaptive_avg_pool3d: the stock average pool where every
    axis divides into its outputs, else :class:`AdaptiveAvgPool`'s bins."""
    sizes, out = plan.inputs[0][1:], tuple(plan.attrs["output_size"])
    if all(n % o == 0 for n, o in zip(sizes, out)):
        return _AVG[len(sizes)](tuple(n // o for n, o in zip(sizes, out)),
                                name=_n(plan))(inputs[0])
    return AdaptiveAvgPool(sizes, out, name=_n(plan))(inputs[0])


LOWERINGS = {"max_pool2d": max_pool, "max_pool3d": max_pool, "avg_pool2d": avg_pool,
             "avg_pool3d": avg_pool, "global_avg_pool": global_avg_pool,
             "global_max_pool": global_max_pool, "adaptive_avg_pool2d": adaptive_avg_pool,
             "adaptive_avg_pool3d": adaptive_avg_pool}
