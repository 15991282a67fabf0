"""Convolutions (netir/ir/ops/conv.py): Conv1D, Conv2D, Conv3D, DepthwiseConv2D,
SeparableConv2D, Conv2DTranspose.

Keras kernels are channels last (``HWIO``, ``DHWIO``; depthwise ``(kh, kw, C, m)``), the
IR's ``OIHW``, ``OIDHW``; ``'same'`` is TensorFlow's rule (the odd cell after), which the IR's
``padding='same'`` resolves to.
"""

from __future__ import annotations

import numpy as np
from keras import layers

from netir.importers.keras.common import activation
from netir.importers.keras.walk import Unsupported, variable


def _padding(layer) -> str:
    if layer.padding not in ("same", "valid"):
        raise Unsupported(f"padding={layer.padding!r} (the IR pads 'same' or 'valid')")
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise Unsupported("data_format='channels_first' (imported models are channels last)")
    return layer.padding


def _bias(layer, weights: dict) -> dict:
    if layer.use_bias:
        weights["bias"] = variable(layer.bias)
    return weights


def _convolution(rank: int):
    """Conv1D, Conv2D and Conv3D: a kernel ``(*window, in/groups, out)`` is the IR's
    ``(out, in/groups, *window)``; a causal Conv1D pads its dilated window before."""
    def axes(values):
        return values[0] if rank == 1 else tuple(values)

    def entry(ctx, layer, x):
        if rank == 1 and layer.padding == "causal":
            d, k = layer.dilation_rate[0], layer.kernel_size[0]
            padding = (d * (k - 1), 0)
        else:
            padding = _padding(layer)
        kernel = variable(layer.kernel).transpose(rank + 1, rank, *range(rank))
        y = ctx.add(f"conv{rank}d", [x], {
            "out_channels": layer.filters, "kernel": axes(layer.kernel_size),
            "stride": axes(layer.strides), "padding": padding,
            "dilation": axes(layer.dilation_rate), "groups": layer.groups,
            "bias": layer.use_bias}, weights=_bias(layer, {"weight": kernel}))
        return activation(ctx, layer, y)

    return entry


def _depthwise(ctx, x, layer, kernel, *, bias: bool, role=None, weights=None):
    """A depthwise kernel (kh, kw, C, m) as a grouped conv2d: output o = i·m + j."""
    kh, kw, c, m = kernel.shape
    w = kernel.reshape(kh, kw, 1, c * m).transpose(3, 2, 0, 1)
    return ctx.add("conv2d", [x], {
        "out_channels": c * m, "kernel": (kh, kw), "stride": tuple(layer.strides),
        "padding": _padding(layer), "dilation": tuple(layer.dilation_rate), "groups": c,
        "bias": bias}, weights={"weight": w, **(weights or {})}, role=role)


def _depthwise_conv2d(ctx, layer, x):
    extra = {"bias": variable(layer.bias)} if layer.use_bias else {}
    y = _depthwise(ctx, x, layer, variable(layer.kernel), bias=layer.use_bias,
                   weights=extra)
    return activation(ctx, layer, y)


def _separable_conv2d(ctx, layer, x):
    """Two IR nodes: the depthwise ``<layer>_depthwise``, then the pointwise ``<layer>``."""
    dw = _depthwise(ctx, x, layer, variable(layer.depthwise_kernel), bias=False,
                    role="depthwise")
    ctx._first = False  # the pointwise node takes the layer's name
    y = ctx.add("conv2d", [dw], {"out_channels": layer.filters, "kernel": (1, 1),
                                 "bias": layer.use_bias},
                weights=_bias(layer, {"weight": variable(layer.pointwise_kernel)
                                      .transpose(3, 2, 0, 1)}))
    return activation(ctx, layer, y)


def _conv2d_transpose(ctx, layer, x):
    """``'valid'``: the IR's padding 0, and where the stride exceeds the kernel the
    cells Keras adds after as output_padding."""
    if layer.padding != "valid" or layer.output_padding is not None:
        raise Unsupported("Conv2DTranspose with padding='same' or output_padding (TF crops "
                          "one more cell after than before; the IR's padding is symmetric)")
    k, s = tuple(layer.kernel_size), tuple(layer.strides)
    if tuple(layer.dilation_rate) != (1, 1):
        raise Unsupported("a dilated Conv2DTranspose")
    extra = tuple(max(si - ki, 0) for ki, si in zip(k, s))
    kernel = variable(layer.kernel)  # (kh, kw, out, in) -> IOHW
    y = ctx.add("conv_transpose2d", [x], {
        "out_channels": layer.filters, "kernel": k, "stride": s, "padding": (0, 0),
        "output_padding": extra, "bias": layer.use_bias},
        weights=_bias(layer, {"weight": np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))}))
    return activation(ctx, layer, y)


LAYERS = {layers.Conv1D: _convolution(1), layers.Conv2D: _convolution(2),
          layers.Conv3D: _convolution(3),
          layers.DepthwiseConv2D: _depthwise_conv2d,
          layers.SeparableConv2D: _separable_conv2d,
          layers.Conv2DTranspose: _conv2d_transpose}
