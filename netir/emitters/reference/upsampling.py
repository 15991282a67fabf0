"""The NumPy meaning of the upsampling ops (conv_transpose2d, upsample), registered on
import by :mod:`.lowerings`. Same signature and array conventions as there."""

from __future__ import annotations

import numpy as np

from netir.emitters.reference.lowerings import _lower
from netir.ir import arithmetic


@_lower("conv_transpose2d")
def conv_transpose2d(node, inputs, params, run):
    """Each input cell scatters ``cell × kernel`` into the output: kernel tap ``(i, j)``
    of input ``(h, w)`` lands on ``(h·s + i·d, w·s + j·d)`` of the full output, whose
    first ``p`` rows and columns the padding removes and whose end ``output_padding``
    extends (with zeros beyond the full output); weight ``(in, out/groups, kh, kw)``."""
    a, x, w = node.attrs, inputs[0], params["weight"]
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
    (ph, pw), (oh, ow) = a["padding"], node.shape[1:]
    full = np.pad(full, ((0, 0), (0, 0), (0, max(ph + oh - full.shape[2], 0)),
                         (0, max(pw + ow - full.shape[3], 0))))
    y = full[:, :, ph:ph + oh, pw:pw + ow]
    return y + params["bias"][:, None, None] if "bias" in params else y


@_lower("upsample")
def upsample(node, inputs, params, run):
    """Along H, then W: nearest takes the IR's source index; bilinear blends the lower
    and upper source cells with the IR's weights (PyTorch's float32 coordinates)."""
    x, a = inputs[0], node.attrs
    for axis, out in ((2, node.shape[1]), (3, node.shape[2])):
        size = x.shape[axis]
        if a["mode"] == "nearest":
            x = np.take(x, arithmetic.nearest_source(size, out), axis=axis)
            continue
        lower, upper, weight = arithmetic.linear_source(size, out, a["align_corners"],
                                                        x.dtype)
        shape = [1, 1, 1, 1]
        shape[axis] = out
        w1, w0 = weight.reshape(shape), (1 - weight).reshape(shape)
        x = np.take(x, lower, axis=axis) * w0 + np.take(x, upper, axis=axis) * w1
    return x
