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


def _exact_pad(node, graph):
    return arithmetic.explicit_padding(node.attrs, graph.input_shapes(node)[0], node.shape)


def max_pool(node, graph, inputs):
    a = node.attrs
    x = pad_2d(inputs[0], _exact_pad(node, graph), _n(node), value=-np.inf)
    return layers.MaxPooling2D(a["kernel"], a["stride"], padding="valid", name=_n(node))(x)


def avg_pool(node, graph, inputs):
    a = node.attrs
    x = pad_2d(inputs[0], _exact_pad(node, graph), _n(node))
    divisor = arithmetic.avg_divisor(a, graph.input_shapes(node)[0])
    window = a["kernel"][0] * a["kernel"][1]
    y = layers.AveragePooling2D(a["kernel"], a["stride"], padding="valid", name=_n(node))(x)
    if np.all(divisor == window):
        return y
    return L.ScaleMap(window / divisor, name=helper_name(_n(node), "divisor"))(y)


def global_avg_pool(node, graph, inputs):
    """Features are last at every layout: the 1-D, 2-D or 3-D pool of the positions."""
    pool = (layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D,
            layers.GlobalAveragePooling3D)[len(graph.input_shapes(node)[0]) - 2]
    return pool(name=_n(node))(inputs[0])


def global_max_pool(node, graph, inputs):
    pool = (layers.GlobalMaxPooling1D, layers.GlobalMaxPooling2D,
            layers.GlobalMaxPooling3D)[len(graph.input_shapes(node)[0]) - 2]
    return pool(name=_n(node))(inputs[0])


def adaptive_avg_pool(node, graph, inputs):
    (_, h, w), (oh, ow) = graph.input_shapes(node)[0], node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        return layers.AveragePooling2D((h // oh, w // ow), name=_n(node))(inputs[0])
    return L.AdaptiveAvgPool2D((h, w), (oh, ow), name=_n(node))(inputs[0])


LOWERINGS = {"max_pool2d": max_pool, "avg_pool2d": avg_pool,
             "global_avg_pool": global_avg_pool, "global_max_pool": global_max_pool,
             "adaptive_avg_pool2d": adaptive_avg_pool}
