"""The NumPy meaning of every built-in op: ``(node, inputs, params, run) -> array``.

Each function is the executable form of one row of the IR's semantics. Arrays are
channels first with the batch in front: ``(N, C, H, W)`` or ``(N, features)``.
``params`` holds the node's neutral weights (PyTorch layout) in the run's dtype;
``run`` is the :class:`~netir.emitters.reference.model.Run` in progress (its
``training`` flag, and where train-mode batch norm records its statistics).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from netir.emitters.backend import Lowerings
from netir.ir import arithmetic
from netir.ir.layout import positions
from netir.ir.ops.channel import concat_axis

# Unlike the other backends' (node, graph, inputs), these run at execution time:
# (node, input arrays, the node's weights, the Run) -> output array.
LOWERINGS = Lowerings("reference")
_lower = LOWERINGS.register


def _windows(x: np.ndarray, kernel, stride, dilation, out_hw) -> np.ndarray:
    """``(N, C, out_h, out_w, kh, kw)``: the input cells under each output's window.

    ``x`` is already padded; windows start at multiples of ``stride`` and take every
    ``dilation``-th cell; a floor-mode remainder at the bottom/right is ignored.
    """
    extent = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, extent, axis=(2, 3))
    view = view[:, :, ::stride[0], ::stride[1], ::dilation[0], ::dilation[1]]
    return view[:, :, :out_hw[0], :out_hw[1]]


def _pad(x: np.ndarray, padding, value: float = 0.0) -> np.ndarray:
    """Pad H and W by ``((top, bottom), (left, right))`` with ``value``."""
    return np.pad(x, ((0, 0), (0, 0), *padding), constant_values=value)


@_lower("input")
def input_(node, inputs, params, run):
    return inputs[0]


@_lower("conv2d")
def conv2d(node, inputs, params, run):
    """Cross-correlation with explicit per-side zero padding; weight OIHW; groups split
    the input and output channels into ``groups`` independent convolutions."""
    a = node.attrs
    x = _pad(inputs[0], a["padding"])
    g = a["groups"]
    win = _windows(x, a["kernel"], a["stride"], a["dilation"], node.shape[1:])
    n, c, oh, ow, kh, kw = win.shape
    if g > 1 and g == c:
        y = _depthwise(win, params["weight"])
    else:
        win = win.reshape(n, g, c // g, oh, ow, kh, kw)
        w = params["weight"].reshape(g, -1, c // g, kh, kw)
        # per group: sum over (in channel, kh, kw) of window × kernel -> (N, oh, ow, out)
        y = np.concatenate([np.tensordot(win[:, i], w[i], axes=([1, 4, 5], [1, 2, 3]))
                            for i in range(g)], axis=-1).transpose(0, 3, 1, 2)
    return y + params["bias"][:, None, None] if "bias" in params else y


def _depthwise(win: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """A depthwise convolution (one input channel per group) of the windows
    ``(N, C, oh, ow, kh, kw)``: a multiply-add per kernel tap over every channel at
    once, 1.5–3× faster than a product per group, of which a layer has hundreds."""
    n, c, oh, ow, kh, kw = win.shape
    w = weight.reshape(c, -1, kh, kw)  # (channels, multiplier, kh, kw)
    y = np.zeros((n, c, w.shape[1], oh, ow), dtype=np.result_type(win, weight))
    for i in range(kh):
        for j in range(kw):
            y += win[:, :, None, :, :, i, j] * w[None, :, :, i, j, None, None]
    return y.reshape(n, -1, oh, ow)


@_lower("zero_pad2d")
def zero_pad2d(node, inputs, params, run):
    return _pad(inputs[0], node.attrs["padding"])


@_lower("dense")
def dense(node, inputs, params, run):
    """``y = x W^T + b`` on the feature axis of every position, weight ``(out, in)``."""
    axis = node.layout.index("C") + 1  # the layout is the input's
    y = np.moveaxis(inputs[0], axis, -1) @ params["weight"].T
    y = y + params["bias"] if "bias" in params else y
    return np.moveaxis(y, -1, axis)


@_lower("flatten")
def flatten(node, inputs, params, run):
    """C, H, W order: the row-major order of a channels-first array."""
    return inputs[0].reshape(inputs[0].shape[0], -1)


@_lower("dropout")
def dropout(node, inputs, params, run):
    """Identity: at inference by the IR's rule; in a reference training pass too, since
    the reference backend computes statistics, not gradients."""
    return inputs[0]


def _channel_view(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A per-channel vector shaped to broadcast against ``x`` (channels on axis 1)."""
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def feature_view(x: np.ndarray, v: np.ndarray, layout: str) -> np.ndarray:
    """A per-feature vector shaped to broadcast against ``x`` along the feature axis of
    ``layout`` (batch first)."""
    shape = [1] * x.ndim
    shape[layout.index("C") + 1] = -1
    return v.reshape(shape)


@_lower("batch_norm")
def batch_norm(node, inputs, params, run):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel.

    Inference uses the running statistics. Training uses the batch's mean and biased
    variance, records them in ``run.batch_stats`` and updates the running statistics
    PyTorch's way: ``new = (1 - momentum) · old + momentum · batch``, the variance
    term being the unbiased (n - 1) one.
    """
    x, a = inputs[0], node.attrs
    mean, var = params["running_mean"], params["running_var"]
    if run.training:
        axes = (0,) + tuple(range(2, x.ndim))
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        count = x.size // x.shape[1]
        run.batch_stats[node.name] = {"mean": mean, "var": var}
        m = a["momentum"]
        params["running_mean"] = (1 - m) * params["running_mean"] + m * mean
        unbiased = var * count / max(count - 1, 1)
        params["running_var"] = (1 - m) * params["running_var"] + m * unbiased
    scale = params["weight"] / np.sqrt(var + np.asarray(a["eps"], x.dtype))
    shift = params["bias"] - mean * scale
    return x * _channel_view(x, scale) + _channel_view(x, shift)


@_lower("local_response_norm")
def local_response_norm(node, inputs, params, run):
    """``b_c = a_c / (k + alpha/n · Σ a_j²)^beta``, j over ``n`` channels from
    ``c - n//2`` to ``c + (n-1)//2`` (channels outside count as zero)."""
    x, a = inputs[0], node.attrs
    n = a["size"]
    sq = np.pad(x * x, ((0, 0), (n // 2, (n - 1) // 2), (0, 0), (0, 0)))
    total = sliding_window_view(sq, n, axis=1).sum(axis=-1)
    return x / (a["k"] + a["alpha"] / n * total) ** a["beta"]


@_lower("relu")
def relu(node, inputs, params, run):
    return np.maximum(inputs[0], 0)


@_lower("tanh")
def tanh(node, inputs, params, run):
    return np.tanh(inputs[0])


@_lower("sigmoid")
def sigmoid(node, inputs, params, run):
    """``1 / (1 + exp(-x))``, written as ``(1 + tanh(x/2)) / 2`` so it never overflows."""
    return (1 + np.tanh(inputs[0] / 2)) / 2


@_lower("hardtanh")
def hardtanh(node, inputs, params, run):
    """Clip to ``[min_val, max_val]``."""
    return np.clip(inputs[0], node.attrs["min_val"], node.attrs["max_val"])


@_lower("softmax")
def softmax(node, inputs, params, run):
    """Along the logical axis (0 = channels), i.e. array axis ``axis + 1``."""
    axis = node.attrs["axis"] + 1
    e = np.exp(inputs[0] - inputs[0].max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _pool_windows(node, x: np.ndarray, value: float) -> np.ndarray:
    """Windows of a pool after padding with ``value`` and, for ``ceil_mode``, extending
    the bottom/right so the kept partial windows are whole."""
    a = node.attrs
    pad = arithmetic.explicit_padding(a, x.shape[1:], node.shape)
    return _windows(_pad(x, pad, value), a["kernel"], a["stride"], (1, 1), node.shape[1:])


@_lower("max_pool2d")
def max_pool2d(node, inputs, params, run):
    """Max over each window; padding is -inf, so a padded cell never wins."""
    return _pool_windows(node, inputs[0], -np.inf).max(axis=(-2, -1))


@_lower("avg_pool2d")
def avg_pool2d(node, inputs, params, run):
    """Window sum over the number of counted cells: the input's own cells, plus the
    padding's with ``count_include_pad``. Cells that a ceil-mode window reaches beyond
    the padding never count."""
    a, x = node.attrs, inputs[0]
    total = _pool_windows(node, x, 0.0).sum(axis=(-2, -1))
    counted = _pad(np.ones((1, 1, *x.shape[2:]), x.dtype), a["padding"],
                   1.0 if a["count_include_pad"] else 0.0)
    pad = arithmetic.explicit_padding(a, x.shape[1:], node.shape)
    beyond = tuple((0, after - given[1]) for (_, after), given in zip(pad, a["padding"]))
    counted = _windows(_pad(counted, beyond), a["kernel"], a["stride"], (1, 1), node.shape[1:])
    return total / counted.sum(axis=(-2, -1))


def input_layout(node, run) -> str:
    """The layout of the node's first input (the node's own is ``node.layout``)."""
    return run.graph[node.inputs[0]].layout


def _positions(node, run) -> tuple[int, ...]:
    """The first input's position axes, batch first: what a global pool reduces."""
    return tuple(a + 1 for a in positions(input_layout(node, run)))


@_lower("global_avg_pool")
def global_avg_pool(node, inputs, params, run):
    return inputs[0].mean(axis=_positions(node, run))


@_lower("adaptive_avg_pool2d")
def adaptive_avg_pool2d(node, inputs, params, run):
    """Mean over PyTorch's bins ``[floor(i·n/out), ceil((i+1)·n/out))`` on each axis."""
    x = inputs[0]
    rows = arithmetic.adaptive_bins(x.shape[2], node.shape[1])
    cols = arithmetic.adaptive_bins(x.shape[3], node.shape[2])
    return np.stack([np.stack([x[:, :, r0:r1, c0:c1].mean(axis=(2, 3)) for c0, c1 in cols],
                              axis=-1) for r0, r1 in rows], axis=-2)


@_lower("add")
def add(node, inputs, params, run):
    return sum(inputs[1:], inputs[0])


@_lower("concat")
def concat(node, inputs, params, run):
    """Along the logical axis (the feature axis when ``axis`` is None), in input order."""
    return np.concatenate(inputs, axis=concat_axis(node.attrs, node.layout) + 1)


# -- activations (relu6 ... prelu) ---------------------------------------------------------
# -- element-wise arithmetic ----------------------------------------------------------------
def _arithmetic(function):
    """NumPy broadcasting of (N, *logical shape) arrays of one rank, or the constant."""

    def run(node, inputs, params, run):
        x = inputs[0]
        other = inputs[1] if len(inputs) > 1 else np.asarray(node.attrs["scalar"], x.dtype)
        return function(x, other)

    return run


for _op, _function in (("mul", np.multiply), ("sub", np.subtract), ("div", np.divide),
                       ("maximum", np.maximum), ("minimum", np.minimum)):
    _lower(_op)(_arithmetic(_function))


# -- reductions, channel ops, group and instance norm, stochastic depth ---------------------
def _reduce(function):
    def run(node, inputs, params, run):
        axes = tuple(a + 1 for a in node.attrs["axes"])  # batch first
        return function(inputs[0], axis=axes, keepdims=node.attrs["keepdims"])

    return run


for _op, _function in (("mean", np.mean), ("sum", np.sum), ("max", np.max)):
    _lower(_op)(_reduce(_function))


@_lower("global_max_pool")
def global_max_pool(node, inputs, params, run):
    return inputs[0].max(axis=_positions(node, run))


@_lower("channel_shuffle")
def channel_shuffle(node, inputs, params, run):
    """torchvision's: view as (N, g, C/g, ...), swap the two channel axes, flatten."""
    x, g = inputs[0], node.attrs["groups"]
    n, c, *rest = x.shape
    return x.reshape(n, g, c // g, *rest).swapaxes(1, 2).reshape(x.shape)


@_lower("slice")
def slice_(node, inputs, params, run):
    a = node.attrs
    return inputs[0][(slice(None),) * (a["axis"] + 1) + (slice(a["start"], a["stop"],
                                                                 a["step"]),)]


def _group_normalise(node, x, params, groups: int):
    """``(x - mean) / sqrt(var + eps)`` over each sample's group of channels (with every
    position), biased variance, then the per-channel affine when declared."""
    g = x.reshape(x.shape[0], groups, -1)
    mean = g.mean(axis=-1, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=-1, keepdims=True)
    y = ((g - mean) / np.sqrt(var + np.asarray(node.attrs["eps"], x.dtype))).reshape(x.shape)
    if "weight" in params:
        y = y * _channel_view(y, params["weight"]) + _channel_view(y, params["bias"])
    return y


@_lower("group_norm")
def group_norm(node, inputs, params, run):
    return _group_normalise(node, inputs[0], params, node.attrs["num_groups"])


@_lower("instance_norm")
def instance_norm(node, inputs, params, run):
    """Group norm with one channel per group."""
    return _group_normalise(node, inputs[0], params, inputs[0].shape[1])


@_lower("stochastic_depth")
def stochastic_depth(node, inputs, params, run):
    """Identity: at inference by the IR's rule, and in a reference training pass (as
    dropout; the reference computes statistics, not gradients)."""
    return inputs[0]


# Registered on import; kept apart for size.
from netir.emitters.reference import (  # noqa: E402, F401, I001
    activations,
    sequence,
    tokens,
    transformer,
    upsampling,
)
