"""The NumPy meaning of the convolutions and zero padding (netir/ir/ops/conv.py): one
N-d cross-correlation for conv1d, conv2d and conv3d, the transposed 2-D convolution
and one N-d zero padding. Arrays are ``(N, C, *positions)``; weights the neutral
(PyTorch) layout."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netir.emitters.reference.axes import along
from netir.emitters.reference.windows import pad, windows
from netir.ir.ops.window import per_axis
from netir.ir.plan import WindowPlan


def correlate(x: np.ndarray, weight: np.ndarray, window: WindowPlan, groups: int,
              out: Sequence[int]) -> np.ndarray:
    """The cross-correlation of ``x`` (``(N, C, *positions)``, already padded) with
    ``weight`` (``(O, C / groups, *kernel)``) over ``out`` windows per axis: groups split
    the input and output channels into ``groups`` independent correlations."""
    win = windows(x, window.effective, window.stride, window.dilation, out)
    n, c, rank = x.shape[0], x.shape[1], window.rank
    if groups > 1 and groups == c:
        return _depthwise(win, weight, out)
    kernel = weight.shape[2:]
    win = win.reshape(n, groups, c // groups, *out, *kernel)
    w = weight.reshape(groups, -1, c // groups, *kernel)
    # per group: sum over (in channel, *kernel) of window × kernel -> (N, *out, O / g)
    taps = ([1, *range(2 + rank, 2 + 2 * rank)], [1, *range(2, 2 + rank)])
    y = np.concatenate([np.tensordot(win[:, i], w[i], axes=taps) for i in range(groups)],
                       axis=-1)
    return np.moveaxis(y, -1, 1)


def _depthwise(win: np.ndarray, weight: np.ndarray, out: Sequence[int]) -> np.ndarray:
    """A depthwise correlation (one input channel per group) of the windows
    ``(N, C, *out, *kernel)``: a multiply-add per kernel tap over every channel at
    once, 1.5–3× faster than a product per group, of which a layer has hundreds."""
    n, c, rank = win.shape[0], win.shape[1], len(out)
    kernel = win.shape[2 + rank:]
    w = weight.reshape(c, -1, *kernel)  # (channels, multiplier, *kernel)
    y = np.zeros((n, c, w.shape[1], *out), dtype=np.result_type(win, weight))
    for tap in np.ndindex(*kernel):
        y += win[(..., *tap)][:, :, None] * w[(slice(None), slice(None), *tap)].reshape(
            1, c, -1, *(1,) * rank)
    return y.reshape(n, -1, *out)


def convolution(plan, inputs):
    """Cross-correlation with explicit per-side zero padding, at the rank of the plan's
    window; weight ``(out, in / groups, *kernel)``, plus the bias per output channel."""
    x = pad(inputs[0], plan.window.padding)
    y = correlate(x, inputs.params["weight"], plan.window, plan.attrs["groups"],
                  plan.output[1:])
    bias = inputs.params.get("bias")
    return y if bias is None else y + along(bias, 1, y.ndim)


def conv_transpose2d(plan, inputs):
    """Each input cell scatters ``cell × kernel`` into the output: kernel tap ``(i, j)``
    of input ``(h, w)`` lands on ``(h·s + i·d, w·s + j·d)`` of the full output, whose
    first ``p`` rows and columns the padding removes and whose end ``output_padding``
    extends (with zeros beyond the full output); weight ``(in, out/groups, kh, kw)``."""
    a, x, w = plan.attrs, inputs[0], inputs.params["weight"]
    n, c, h, wd = x.shape
    g, (kh, kw), (sh, sw), (dh, dw) = a["groups"], a["kernel"], a["stride"], a["dilation"]
    per_in, per_out = c // g, w.shape[1]
    full = np.zeros((n, per_out * g, (h - 1) * sh + dh * (kh - 1) + 1,
                     (wd - 1) * sw + dw * (kw - 1) + 1), dtype=x.dtype)
    for group in range(g):
        xg = x[:, group * per_in:(group + 1) * per_in]
        wg = w[group * per_in:(group + 1) * per_in]
        for i in range(kh):
            for j in range(kw):
                tap = np.tensordot(xg, wg[:, :, i, j], axes=([1], [0])).transpose(0, 3, 1, 2)
                full[:, group * per_out:(group + 1) * per_out,
                     i * dh:i * dh + (h - 1) * sh + 1:sh,
                     j * dw:j * dw + (wd - 1) * sw + 1:sw] += tap
    (ph, pw), (oh, ow) = a["padding"], plan.output[1:]
    full = np.pad(full, ((0, 0), (0, 0), (0, max(ph + oh - full.shape[2], 0)),
                         (0, max(pw + ow - full.shape[3], 0))))
    y = full[:, :, ph:ph + oh, pw:pw + ow]
    bias = inputs.params.get("bias")
    return y if bias is None else y + along(bias, 1, y.ndim)


def zero_padding(plan, inputs):
    """Zeros before and after each position axis, ``(before, after)`` per axis as the
    node declares, at any rank."""
    return pad(inputs[0], per_axis(plan.attrs["padding"], len(plan.positions)))


LOWERINGS = {"conv1d": convolution, "conv2d": convolution, "conv3d": convolution,
             "conv_transpose2d": conv_transpose2d, "zero_pad2d": zero_padding}
