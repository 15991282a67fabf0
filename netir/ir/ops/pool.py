"""Pooling: windowed max/average and adaptive average (one declaration each for every
rank), global average and max."""

from __future__ import annotations

from netir.ir.arithmetic import same_padding
from netir.ir.attrs import Attr, AttrType, boolean, padding_of, sizes
from netir.ir.errors import ShapeError
from netir.ir.layout import MAP, POSITIONED, VOLUME
from netir.ir.ops.window import (
    KERNEL_NAMES,
    describe_window,
    dims_text,
    draw_padding,
    per_axis,
    stored,
    window_sizes,
)
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites

_LAYOUT = {2: MAP, 3: VOLUME}
_PADDING_DOC = {
    2: "explicit ((top, bottom), (left, right)); 'same' resolves with TF's rule",
    3: "explicit ((front, back), (top, bottom), (left, right)); 'same' resolves with "
       "TF's rule",
}
_DOC = {"max": "Max over windows; padded cells are -inf and never win.",
        "avg": "Mean over windows clipped to the padded input (PyTorch rule)."}


def _optional(inner: AttrType) -> AttrType:
    return AttrType(inner.name + "|None", lambda n, v: None if v is None else inner(n, v),
                    inner.annotation + " | None")


def _pool_draw(draw, st, inputs, average: bool):
    """A window pool's attributes at the input's rank (a map or a volume): kernels of
    at most 3 a side."""
    _, *sizes = inputs[0]
    rank = len(sizes)
    kernel = tuple(draw(st.integers(1, min(3, n))) for n in sizes)
    strides = [None, (1,) * rank, (2,) * rank, (2,) + (1,) * (rank - 1)]
    attrs = {"kernel": kernel, "stride": draw(st.sampled_from(strides)),
             "padding": draw_padding(draw, st, kernel, below_kernel=True),
             "ceil_mode": draw(st.booleans())}
    if attrs["padding"] == "same" and max(kernel) == 1:
        attrs["padding"] = "valid"
    if average:
        attrs["count_include_pad"] = draw(st.booleans())
    return attrs


def window_pool(kind: str, rank: int, draw_attrs=None) -> OpSpec:
    """``max`` or ``avg`` pooling over ``rank`` window axes (2: a map, 3: a volume),
    PyTorch's MaxPoolNd / AvgPoolNd: one declaration of attributes, padding, shape and
    rewrites, its rank from the input layout."""
    def view(attrs, key):
        return per_axis(attrs[key], rank)

    def resolve(attrs, inputs):
        stride = attrs["stride"] or attrs["kernel"]
        pad, kernel = attrs["padding"], view(attrs, "kernel")
        if pad in ("same", "valid"):
            pad = stored(tuple((0, 0) if pad == "valid" else same_padding(n, k, s)
                               for n, k, s in zip(inputs[0][1:], kernel,
                                                  per_axis(stride, rank))), rank)
        if any(max(p) >= k for p, k in zip(per_axis(pad, rank), kernel)):
            raise ShapeError("pool padding must be smaller than the kernel on each side "
                             "(a window would see only padding)",
                             f"kernel {attrs['kernel']}, padding {pad}")
        return {**attrs, "stride": stride, "padding": pad}

    def is_identity(attrs, inputs):
        """A window of one cell with stride 1 and no padding returns its input."""
        return (set(view(attrs, "kernel")) == {1} and set(view(attrs, "stride")) == {1}
                and not any(map(any, view(attrs, "padding"))))

    def shape(attrs, inputs):
        return (inputs[0][0], *window_sizes(
            inputs[0], view(attrs, "kernel"), view(attrs, "stride"), view(attrs, "padding"),
            ceil_mode=attrs["ceil_mode"]))

    names = KERNEL_NAMES[rank]
    attrs = (
        Attr("kernel", sizes(rank, 1), doc=f"window size ({', '.join(names)})"),
        Attr("stride", _optional(sizes(rank, 1)), None,
             f"stride ({', '.join('s' + k[1:] for k in names)}); None means the kernel size"),
        Attr("padding", padding_of(rank), 0, _PADDING_DOC[rank]),
        Attr("ceil_mode", boolean, False,
             "keep a partial last window (PyTorch rule: dropped if it starts in the padding)"),
    )
    if kind == "avg":
        attrs += (Attr("count_include_pad", boolean, True,
                       "padded cells count in the divisor (PyTorch's default; Keras 'same' "
                       "is False)"),)
    return OpSpec(
        name=f"{kind}_pool{rank}d", category="pool", ranks=(rank + 1,),
        layouts=(_LAYOUT[rank],), positional=("kernel", "stride"), doc=_DOC[kind],
        attrs=attrs, resolve=resolve, shape=shape, overwritable=True, draw_attrs=draw_attrs,
        describe=lambda a: describe_window(f"{kind} pool", a) + (" ceil" if a["ceil_mode"]
                                                                 else ""),
        rewrites=Rewrites(identity=is_identity),
    )


def adaptive_avg_pool(rank: int, draw_attrs=None) -> OpSpec:
    """Average over PyTorch's adaptive bins to a fixed size on ``rank`` window axes."""
    axes = ", ".join(k[1:].upper() for k in KERNEL_NAMES[rank])
    return OpSpec(
        name=f"adaptive_avg_pool{rank}d", category="pool", ranks=(rank + 1,),
        layouts=(_LAYOUT[rank],), positional=("output_size",),
        doc=f"Average over PyTorch's adaptive bins to a fixed ({axes}).",
        attrs=(Attr("output_size", sizes(rank, 1), doc=f"output ({axes})"),),
        shape=lambda attrs, inputs: (inputs[0][0], *attrs["output_size"]), overwritable=True,
        draw_attrs=draw_attrs,
        describe=lambda a: f"adaptive avg pool → {dims_text(a['output_size'])}",
        # one float64 averaging matrix (out, in) per window axis
        workspace=lambda a, inputs, out: 8 * sum(o * i for o, i in zip(out[1:],
                                                                          inputs[0][1:])),
    )


MAX_POOL2D = window_pool("max", 2, lambda draw, st, inputs: _pool_draw(draw, st, inputs,
                                                                       average=False))
AVG_POOL2D = window_pool("avg", 2, lambda draw, st, inputs: _pool_draw(draw, st, inputs,
                                                                       average=True))
ADAPTIVE_AVG_POOL2D = adaptive_avg_pool(2, lambda draw, st, inputs: {
    "output_size": (draw(st.integers(1, 4)), draw(st.integers(1, 4)))})
MAX_POOL3D = window_pool("max", 3, lambda draw, st, inputs: _pool_draw(draw, st, inputs,
                                                                       average=False))
AVG_POOL3D = window_pool("avg", 3, lambda draw, st, inputs: _pool_draw(draw, st, inputs,
                                                                       average=True))
ADAPTIVE_AVG_POOL3D = adaptive_avg_pool(3, lambda draw, st, inputs: {
    "output_size": tuple(draw(st.integers(1, 3)) for _ in range(3))})

GLOBAL_AVG_POOL = OpSpec(
    name="global_avg_pool", category="pool", ranks=(2, 3, 4), layouts=POSITIONED,
    doc="Mean over every position, the features kept: (C, H, W) -> (C,), (T, C) -> (C,).",
    shape=lambda attrs, inputs: (inputs[0].features,), describe=lambda a: "global avg pool",
    overwritable=True,
)


GLOBAL_MAX_POOL = OpSpec(
    name="global_max_pool", category="pool", ranks=(2, 3, 4), layouts=POSITIONED,
    doc="Max over every position, the features kept: (C, H, W) -> (C,), (T, C) -> (C,).",
    shape=lambda attrs, inputs: (inputs[0].features,), describe=lambda a: "global max pool",
    overwritable=True,
)

OPS = (MAX_POOL2D, MAX_POOL3D, AVG_POOL2D, AVG_POOL3D, GLOBAL_AVG_POOL, GLOBAL_MAX_POOL,
       ADAPTIVE_AVG_POOL2D, ADAPTIVE_AVG_POOL3D)
