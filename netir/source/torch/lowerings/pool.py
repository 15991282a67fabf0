"""The PyTorch source of the pool ops (``netir/ir/ops/pool.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir import arithmetic
from netir.ir.layout import positions
from netir.source.torch.lowerings.base import build, input_of, pad4, symmetric, torch_pad

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


def _native_pool(a) -> bool:
    return symmetric(a["padding"]) and all(
        p <= k // 2 for (p, _), k in zip(a["padding"], a["kernel"]))


def _exact_pad(node, graph):
    return pad4(arithmetic.explicit_padding(node.attrs, input_of(graph, node), node.shape))


@_lower("max_pool2d")
def _max_pool(node, graph):
    a = node.attrs
    if _native_pool(a):
        return build("nn.MaxPool2d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"])
    return build("MaxPoolExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _exact_pad(node, graph)), helpers=("MaxPoolExact",))


@_lower("avg_pool2d")
def _avg_pool(node, graph):
    a = node.attrs
    if _native_pool(a):
        return build("nn.AvgPool2d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"],
                  count_include_pad=a["count_include_pad"])
    divisor = arithmetic.avg_divisor(a, input_of(graph, node))
    flat = sorted({int(v) for v in divisor.ravel()})
    value = flat[0] if len(flat) == 1 else [[int(v) for v in row] for row in divisor]
    return build("AvgPoolExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", _exact_pad(node, graph)), ("divisor", value), helpers=("AvgPoolExact",))


@_lower("max_pool3d")
def _max_pool3d(node, graph):
    a = node.attrs
    if _native_pool(a):
        return build("nn.MaxPool3d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"])
    pad = arithmetic.explicit_padding(a, input_of(graph, node), node.shape)
    return build("MaxPool3dExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", torch_pad(pad)), helpers=("MaxPool3dExact",))


@_lower("avg_pool3d")
def _avg_pool3d(node, graph):
    a = node.attrs
    if _native_pool(a):
        return build("nn.AvgPool3d", ("kernel_size", a["kernel"]), ("stride", a["stride"]),
                  ("padding", tuple(p for p, _ in a["padding"])), ceil_mode=a["ceil_mode"],
                  count_include_pad=a["count_include_pad"])
    divisor = arithmetic.avg_divisor(a, input_of(graph, node))
    flat = sorted({int(v) for v in divisor.ravel()})
    value = flat[0] if len(flat) == 1 else divisor.astype(int).tolist()
    pad = arithmetic.explicit_padding(a, input_of(graph, node), node.shape)
    return build("AvgPool3dExact", ("kernel", a["kernel"]), ("stride", a["stride"]),
              ("pad", torch_pad(pad)), ("divisor", value), helpers=("AvgPool3dExact",))


def _positions(node, graph) -> tuple[int, ...]:
    return tuple(a + 1 for a in positions(input_of(graph, node).layout))


_lower("global_avg_pool")(lambda node, graph: build(
    "GlobalAvgPool", ("dims", _positions(node, graph)), helpers=("GlobalAvgPool",)))
_lower("global_max_pool")(lambda node, graph: build(
    "Amax", ("dims", _positions(node, graph)), ("keepdim", False), helpers=("Amax",)))
_lower("adaptive_avg_pool2d")(lambda node, graph: build(
    "nn.AdaptiveAvgPool2d", ("output_size", node.attrs["output_size"])))
_lower("adaptive_avg_pool3d")(lambda node, graph: build(
    "nn.AdaptiveAvgPool3d", ("output_size", node.attrs["output_size"])))
