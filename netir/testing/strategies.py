"""Hypothesis strategies that draw netir graphs valid by construction.

Every attribute is drawn from the range that fits the current shape, so no example
is filtered out: kernels never exceed the padded input, groups divide the channels,
pool padding stays below the kernel, merges join tensors of matching shapes.
Sizes stay small so each example runs in milliseconds on both backends.

    from hypothesis import given
    from netir.testing.strategies import graphs

    @given(graphs())
    def test_my_emitter(graph): ...
"""

from __future__ import annotations

from hypothesis import strategies as st

from netir.ir.graph import Graph
from netir.ir.node import Tensor

MAX_CHANNELS = 8


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def paddings(draw, kernel: tuple[int, int], size: tuple[int, int], *, below_kernel: bool,
             allow_same: bool = True):
    """'same', 'valid', an int or an explicit asymmetric ((t, b), (l, r))."""
    kinds = ["explicit", "valid"] + (["same"] if allow_same else [])
    kind = draw(st.sampled_from(kinds))
    if kind != "explicit":
        return kind
    pads = []
    for axis in range(2):
        hi = kernel[axis] - 1 if below_kernel else kernel[axis]
        pads.append((draw(st.integers(0, max(hi, 0))), draw(st.integers(0, max(hi, 0)))))
    return tuple(pads)


@st.composite
def conv_attrs(draw, shape: tuple[int, ...]):
    """Attributes for a conv2d that fits ``shape``: groups, dilation, stride, padding."""
    c, h, w = shape
    groups = draw(st.sampled_from(_divisors(c)))
    out = groups * draw(st.integers(1, max(1, MAX_CHANNELS // groups)))
    dilation = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (2, 2)]))
    stride = draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (3, 3)]))
    kmax = [min(4, (s - 1) // d + 1) for s, d in zip((h, w), dilation)]
    kernel = (draw(st.integers(1, kmax[0])), draw(st.integers(1, kmax[1])))
    padding = draw(paddings(kernel, (h, w), below_kernel=False))
    return {"out_channels": out, "kernel": kernel, "stride": stride, "padding": padding,
            "dilation": dilation, "groups": groups, "bias": draw(st.booleans())}


@st.composite
def pool_attrs(draw, shape: tuple[int, ...], average: bool):
    _, h, w = shape
    kernel = (draw(st.integers(1, min(3, h))), draw(st.integers(1, min(3, w))))
    stride = draw(st.sampled_from([None, (1, 1), (2, 2), (2, 1)]))
    attrs = {"kernel": kernel, "stride": stride,
             "padding": draw(paddings(kernel, (h, w), below_kernel=True)),
             "ceil_mode": draw(st.booleans())}
    if attrs["padding"] == "same" and max(kernel) == 1:
        attrs["padding"] = "valid"
    if average:
        attrs["count_include_pad"] = draw(st.booleans())
    return attrs


def _spatial_step(g: Graph, x: Tensor, draw) -> Tensor:
    """One op on a (C, H, W) tensor."""
    kind = draw(st.sampled_from(["conv", "conv", "max", "avg", "bn", "act", "lrn", "dropout",
                                 "pad", "residual", "concat"]))
    shape = x.shape
    if kind == "conv":
        return g.conv2d(x, **draw(conv_attrs(shape)))
    if kind in ("max", "avg"):
        op = g.max_pool2d if kind == "max" else g.avg_pool2d
        return op(x, **draw(pool_attrs(shape, kind == "avg")))
    if kind == "bn":
        return g.batch_norm(x, eps=draw(st.sampled_from([1e-5, 1e-3, 0.1])),
                            momentum=draw(st.sampled_from([0.1, 0.01, 0.99])))
    if kind == "act":
        return getattr(g, draw(st.sampled_from(["relu", "tanh", "sigmoid"])))(x)
    if kind == "lrn":
        return g.local_response_norm(x, draw(st.integers(1, min(5, 2 * shape[0] - 1))),
                                     alpha=draw(st.sampled_from([1e-4, 1e-2, 0.5])),
                                     beta=draw(st.sampled_from([0.75, 0.5, 1.0])),
                                     k=draw(st.sampled_from([1.0, 2.0])))
    if kind == "dropout":
        return g.dropout(x, draw(st.sampled_from([0.0, 0.5])))
    if kind == "pad":
        return g.zero_pad2d(x, tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2)))
                                     for _ in range(2)))
    if kind == "residual":
        k = draw(st.sampled_from([1, 3]))
        branch = g.conv2d(x, shape[0], k, padding="same")
        if draw(st.booleans()):
            branch = g.batch_norm(branch)
        return g.add(branch, x)
    # concat of the input with one or two same-size branches
    branches = [x]
    for _ in range(draw(st.integers(1, 2))):
        branches.append(g.conv2d(x, draw(st.integers(1, 4)), draw(st.sampled_from([1, 3])),
                                 padding="same"))
    order = draw(st.permutations(branches))
    return g.concat(*order)


def _head(g: Graph, x: Tensor, draw) -> Tensor:
    kind = draw(st.sampled_from(["none", "flatten", "global", "adaptive"]))
    if kind == "none":
        return x
    if kind == "adaptive":
        x = g.adaptive_avg_pool2d(x, (draw(st.integers(1, 4)), draw(st.integers(1, 4))))
        x = g.flatten(x)
    elif kind == "global":
        x = g.global_avg_pool(x)
    else:
        x = g.flatten(x)
    x = g.dense(x, draw(st.integers(1, 12)), bias=draw(st.booleans()))
    if draw(st.booleans()):
        x = g.batch_norm(x)
    if draw(st.booleans()):
        x = g.relu(x)
        x = g.dense(x, draw(st.integers(1, 6)))
    if draw(st.booleans()):
        x = g.softmax(x)
    return x


@st.composite
def graphs(draw, max_layers: int = 6, min_size: int = 3, max_size: int = 12) -> Graph:
    """A random valid graph: a chain of spatial ops with residual adds and concats,
    then optionally a flatten/pool + dense head. Odd, even and non-square inputs."""
    g = Graph("hypothesis")
    c = draw(st.integers(1, 6))
    h, w = draw(st.integers(min_size, max_size)), draw(st.integers(min_size, max_size))
    x = g.input((c, h, w))
    for _ in range(draw(st.integers(1, max_layers))):
        if x.shape[0] > 16:  # keep concats from growing without bound
            x = g.conv2d(x, draw(st.integers(1, MAX_CHANNELS)), 1)
        x = _spatial_step(g, x, draw)
    _head(g, x, draw)
    return g
