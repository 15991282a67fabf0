"""Pooling: windowed max/average, global and adaptive average."""

from __future__ import annotations

import numpy as np

from netir.ir import arithmetic
from netir.ir.attrs import Attr, boolean, optional_pair, padding, pair
from netir.ir.errors import ShapeError
from netir.ir.ops.conv import describe_window, resolve_padding, window_shape
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites


def _pool_resolve(attrs, inputs):
    stride = attrs["stride"] or attrs["kernel"]
    pad = resolve_padding(attrs, inputs[0][1:], attrs["kernel"], stride)
    for axis in range(2):
        if max(pad[axis]) >= attrs["kernel"][axis]:
            raise ShapeError("pool padding must be smaller than the kernel on each side "
                             "(a window would see only padding)",
                             f"kernel {attrs['kernel']}, padding {pad}")
    return {**attrs, "stride": stride, "padding": pad}


def _pool_is_identity(attrs, inputs):
    """A 1×1 window with stride 1 and no padding returns its input."""
    return (attrs["kernel"] == (1, 1) and attrs["stride"] == (1, 1)
            and attrs["padding"] == ((0, 0), (0, 0)))


def _pool_shape(attrs, inputs):
    oh, ow = window_shape(inputs[0], attrs["kernel"], attrs["stride"], attrs["padding"],
                          ceil_mode=attrs["ceil_mode"])
    return (inputs[0][0], oh, ow)


_WINDOW_ATTRS = (
    Attr("kernel", pair(1), doc="window size (kh, kw)"),
    Attr("stride", optional_pair(1), None, "stride (sh, sw); None means the kernel size"),
    Attr("padding", padding, 0,
         "explicit ((top, bottom), (left, right)); 'same' resolves with TF's rule"),
    Attr("ceil_mode", boolean, False,
         "keep a partial last window (PyTorch rule: dropped if it starts in the padding)"),
)

MAX_POOL2D = OpSpec(
    name="max_pool2d", category="pool", ranks=(3,), positional=("kernel", "stride"),
    doc="Max over windows; padded cells are -inf and never win.",
    attrs=_WINDOW_ATTRS, resolve=_pool_resolve, shape=_pool_shape,
    describe=lambda a: describe_window("max pool", a) + (" ceil" if a["ceil_mode"] else ""),
    rewrites=Rewrites(identity=_pool_is_identity),
)

AVG_POOL2D = OpSpec(
    name="avg_pool2d", category="pool", ranks=(3,), positional=("kernel", "stride"),
    doc="Mean over windows clipped to the padded input (PyTorch rule).",
    attrs=_WINDOW_ATTRS + (
        Attr("count_include_pad", boolean, True,
             "padded cells count in the divisor (PyTorch's default; Keras 'same' is False)"),
    ),
    resolve=_pool_resolve, shape=_pool_shape,
    describe=lambda a: describe_window("avg pool", a) + (" ceil" if a["ceil_mode"] else ""),
    rewrites=Rewrites(identity=_pool_is_identity),
)

GLOBAL_AVG_POOL = OpSpec(
    name="global_avg_pool", category="pool", ranks=(3,),
    doc="Mean over H and W: (C, H, W) -> (C,).",
    shape=lambda attrs, inputs: (inputs[0][0],), describe=lambda a: "global avg pool",
)


def _adaptive_shape(attrs, inputs):
    return (inputs[0][0], *attrs["output_size"])


ADAPTIVE_AVG_POOL2D = OpSpec(
    name="adaptive_avg_pool2d", category="pool", ranks=(3,), positional=("output_size",),
    doc="Average over PyTorch's adaptive bins to a fixed (H, W).",
    attrs=(Attr("output_size", pair(1), doc="output (H, W)"),),
    shape=_adaptive_shape,
    describe=lambda a: f"adaptive avg pool → {a['output_size'][0]}×{a['output_size'][1]}",
)

def explicit_padding(attrs, in_shape, out_shape) -> tuple[tuple[int, int], tuple[int, int]]:
    """``((top, bottom), (left, right))`` after which an unpadded, floor-mode window op
    gives exactly ``out_shape``: how emitters run a padded or ceil-mode pool exactly."""
    return tuple(arithmetic.exact_window_padding(in_shape[1 + i], attrs["kernel"][i],
                                                 attrs["stride"][i], attrs["padding"][i],
                                                 out_shape[1 + i]) for i in range(2))


def avg_divisor(attrs, in_shape) -> np.ndarray:
    """The (H, W) map of cells each average-pool output is divided by."""
    return arithmetic.avg_pool_divisor(in_shape[1:], attrs["kernel"], attrs["stride"],
                                       attrs["padding"], attrs["ceil_mode"],
                                       attrs["count_include_pad"])


OPS = (MAX_POOL2D, AVG_POOL2D, GLOBAL_AVG_POOL, ADAPTIVE_AVG_POOL2D)
