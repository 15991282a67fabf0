"""Keras lowerings of the pools (netir/ir/ops/pool.py), channels last. Asymmetric
padding, ceil_mode and count_include_pad are made exact by explicit padding and
per-cell divisors computed from the IR's own arithmetic."""

from __future__ import annotations

import numpy as np
from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.padding import pad_2d
from netir.ir import arithmetic


def max_pool(plan, inputs):
    a = plan.attrs
    x = pad_2d(inputs[0], plan.window.exact, _n(plan), value=-np.inf)
    return layers.MaxPooling2D(a["kernel"], a["stride"], padding="valid", name=_n(plan))(x)


def avg_pool(plan, inputs):
    a = plan.attrs
    x = pad_2d(inputs[0], plan.window.exact, _n(plan))
    divisor = arithmetic.avg_divisor(a, plan.inputs[0])
    window = a["kernel"][0] * a["kernel"][1]
    y = layers.AveragePooling2D(a["kernel"], a["stride"], padding="valid", name=_n(plan))(x)
    if np.all(divisor == window):
        return y
    return L.ScaleMap(window / divisor, name=helper_name(_n(plan), "divisor"))(y)


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
    (_, h, w), (oh, ow) = plan.inputs[0], plan.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        return layers.AveragePooling2D((h // oh, w // ow), name=_n(plan))(inputs[0])
    return L.AdaptiveAvgPool2D((h, w), (oh, ow), name=_n(plan))(inputs[0])


LOWERINGS = {"max_pool2d": max_pool, "avg_pool2d": avg_pool,
             "global_avg_pool": global_avg_pool, "global_max_pool": global_max_pool,
             "adaptive_avg_pool2d": adaptive_avg_pool}
