"""The Keras source of the pool ops (``netir/ir/ops/pool.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

import numpy as np

from netir.emitters.backend import Lowerings
from netir.ir import arithmetic
from netir.source.keras.lowerings.base import Layers, Step, build, input_of, one, pad_steps

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


def _pool(kind: str):
    def lower(node, graph):
        dims = len(input_of(graph, node)) - 1
        return one(build(f"layers.Global{kind}Pooling{dims}D"))

    return lower


_lower("global_avg_pool")(_pool("Average"))


_lower("global_max_pool")(_pool("Max"))


@_lower("adaptive_avg_pool2d")
def _adaptive(node, graph):
    (_, h, w), (oh, ow) = input_of(graph, node), node.attrs["output_size"]
    if h % oh == 0 and w % ow == 0:
        return one(build("layers.AveragePooling2D", ("pool_size", (h // oh, w // ow))))
    return one(build("AdaptiveAvgPool2D", ("input_hw", (h, w)), ("output_size", (oh, ow))),
               ("AdaptiveAvgPool2D",))


@_lower("adaptive_avg_pool3d")
def _adaptive3d(node, graph):
    sizes, out = input_of(graph, node)[1:], tuple(node.attrs["output_size"])
    if all(n % o == 0 for n, o in zip(sizes, out)):
        return one(build("layers.AveragePooling3D",
                         ("pool_size", tuple(n // o for n, o in zip(sizes, out)))))
    return one(build("AdaptiveAvgPool3D", ("input_size", tuple(sizes)), ("output_size", out)),
               ("AdaptiveAvgPool2D", "AdaptiveAvgPool3D"))


def _exact_pad(node, graph):
    return arithmetic.explicit_padding(node.attrs, input_of(graph, node), node.shape)


@_lower("max_pool2d")
@_lower("max_pool3d")
def _max_pool(node, graph):
    a = node.attrs
    pad = pad_steps(_exact_pad(node, graph), value=float("-inf"))
    pool = build(f"layers.MaxPooling{len(a['kernel'])}D", ("pool_size", a["kernel"]),
                 ("strides", a["stride"]))
    return Layers((*pad, Step(pool)), ("ConstantPad",) if pad else ())


@_lower("avg_pool2d")
@_lower("avg_pool3d")
def _avg_pool(node, graph):
    a = node.attrs
    steps = [*pad_steps(_exact_pad(node, graph)),
             Step(build(f"layers.AveragePooling{len(a['kernel'])}D", ("pool_size", a["kernel"]),
                        ("strides", a["stride"])))]
    divisor = arithmetic.avg_divisor(a, input_of(graph, node))
    window = int(np.prod(a["kernel"]))
    if np.all(divisor == window):
        return Layers(tuple(steps))
    value = divisor.astype(int).tolist()
    steps.append(Step(build("ScaleMap", ("window", window), ("divisor", value)), "divisor"))
    return Layers(tuple(steps), ("ScaleMap",))
