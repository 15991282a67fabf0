"""Pooling: windowed max/average, global and adaptive average."""

from __future__ import annotations

from netir.ir.arithmetic import resolve_padding, window_shape
from netir.ir.attrs import Attr, boolean, optional_pair, padding, pair
from netir.ir.errors import ShapeError
from netir.ir.layout import POSITIONED
from netir.ir.ops.conv import describe_window, draw_padding
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites


def _pool_resolve(attrs, inputs):
    stride = attrs["stride"] or attrs["kernel"]
    pad = resolve_padding(attrs["padding"], inputs[0][1:], attrs["kernel"], stride)
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


def _pool_draw(draw, st, inputs, average: bool):
    _, h, w = inputs[0]
    kernel = (draw(st.integers(1, min(3, h))), draw(st.integers(1, min(3, w))))
    attrs = {"kernel": kernel, "stride": draw(st.sampled_from([None, (1, 1), (2, 2), (2, 1)])),
             "padding": draw_padding(draw, st, kernel, below_kernel=True),
             "ceil_mode": draw(st.booleans())}
    if attrs["padding"] == "same" and max(kernel) == 1:
        attrs["padding"] = "valid"
    if average:
        attrs["count_include_pad"] = draw(st.booleans())
    return attrs


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
    attrs=_WINDOW_ATTRS, resolve=_pool_resolve, shape=_pool_shape, overwritable=True,
    draw_attrs=lambda draw, st, inputs: _pool_draw(draw, st, inputs, average=False),
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
    resolve=_pool_resolve, shape=_pool_shape, overwritable=True,
    draw_attrs=lambda draw, st, inputs: _pool_draw(draw, st, inputs, average=True),
    describe=lambda a: describe_window("avg pool", a) + (" ceil" if a["ceil_mode"] else ""),
    rewrites=Rewrites(identity=_pool_is_identity),
)

GLOBAL_AVG_POOL = OpSpec(
    name="global_avg_pool", category="pool", ranks=(2, 3, 4), layouts=POSITIONED,
    doc="Mean over every position, the features kept: (C, H, W) -> (C,), (T, C) -> (C,).",
    shape=lambda attrs, inputs: (inputs[0].features,), describe=lambda a: "global avg pool",
    overwritable=True,
)


def _adaptive_shape(attrs, inputs):
    return (inputs[0][0], *attrs["output_size"])


ADAPTIVE_AVG_POOL2D = OpSpec(
    name="adaptive_avg_pool2d", category="pool", ranks=(3,), positional=("output_size",),
    doc="Average over PyTorch's adaptive bins to a fixed (H, W).",
    attrs=(Attr("output_size", pair(1), doc="output (H, W)"),),
    shape=_adaptive_shape, overwritable=True,
    draw_attrs=lambda draw, st, inputs: {
        "output_size": (draw(st.integers(1, 4)), draw(st.integers(1, 4)))},
    describe=lambda a: f"adaptive avg pool → {a['output_size'][0]}×{a['output_size'][1]}",
    workspace=lambda a, inputs, out: 8 * (out[1] * inputs[0][1] + out[2] * inputs[0][2]),
)

OPS = (MAX_POOL2D, AVG_POOL2D, GLOBAL_AVG_POOL, ADAPTIVE_AVG_POOL2D)
