"""The two serializable Keras layers of the upsampling ops, conv_transpose2d and
upsample (lowered in :mod:`netir.emitters.keras3.lowerings.conv` and ``.resize``).

Keras' own choices differ from the IR's in both ops: ``Conv2DTranspose`` pads and
sizes its output by its own rule (``padding="same"``/``output_padding``), TensorFlow's
CPU kernels refuse a dilated transposed convolution and grouped convolutions, and
``Resizing``/``tf.image.resize`` do not compute PyTorch's ``align_corners=True`` or its
float32 source coordinates. So the stock layer runs only as ``padding="valid"`` with
the IR's padding cropped afterwards, and everything else is written with ``keras.ops``.
"""

from __future__ import annotations

import keras
from keras import ops

from netir.ir import arithmetic

_register = keras.saving.register_keras_serializable(package="netir")


def _zero_insert(x, axis: int, stride: int):
    """``stride − 1`` zeros between neighbours along ``axis`` (1 or 2) of NHWC ``x``."""
    if stride == 1:
        return x
    n = x.shape[axis]
    spread = ops.stack([x] + [ops.zeros_like(x)] * (stride - 1), axis=axis + 1)
    shape = [-1, *x.shape[1:]]
    shape[axis] = n * stride
    spread = ops.reshape(spread, shape)
    return spread[:, : (n - 1) * stride + 1] if axis == 1 else spread[:, :, : (n - 1) * stride + 1]


def _pad_or_crop(x, axis: int, before: int, after: int):
    """Zeros added (positive) or cells removed (negative) at both ends of ``axis``."""
    n = x.shape[axis]
    start, stop = max(-before, 0), n - max(-after, 0)
    x = x[:, start:stop] if axis == 1 else x[:, :, start:stop]
    if before > 0 or after > 0:
        widths = [(0, 0)] * 4
        widths[axis] = (max(before, 0), max(after, 0))
        x = ops.pad(x, widths)
    return x


@_register
class ConvTransposeExact(keras.layers.Layer):
    """PyTorch's ConvTranspose2d for what ``Conv2DTranspose`` cannot run exactly
    (groups, dilation, output_padding beyond the padding): the input spread by the
    stride with zeros, padded by ``d·(k−1) − p`` before and ``d·(k−1) − p +
    output_padding`` after (cropped where negative), then a stride-1 dilated convolution
    with the spatially flipped kernel, per group. The kernel has Conv2DTranspose's
    layout ``(kh, kw, out/groups, in)``."""

    def __init__(self, filters, kernel_size, strides, padding, output_padding, dilation_rate,
                 groups, use_bias, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filters, self.groups, self.use_bias = int(filters), int(groups), bool(use_bias)
        self.kernel_size, self.strides = tuple(kernel_size), tuple(strides)
        self.padding, self.output_padding = tuple(padding), tuple(output_padding)
        self.dilation_rate = tuple(dilation_rate)

    def build(self, input_shape):
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(shape=(kh, kw, self.filters // self.groups,
                                             input_shape[-1]), name="kernel")
        self.bias = (self.add_weight(shape=(self.filters,), name="bias", initializer="zeros")
                     if self.use_bias else None)

    def call(self, x):
        for axis in (1, 2):
            x = _zero_insert(x, axis, self.strides[axis - 1])
            k, d = self.kernel_size[axis - 1], self.dilation_rate[axis - 1]
            p, extra = self.padding[axis - 1], self.output_padding[axis - 1]
            x = _pad_or_crop(x, axis, d * (k - 1) - p, d * (k - 1) - p + extra)
        flipped = ops.transpose(ops.flip(self.kernel, axis=(0, 1)), (0, 1, 3, 2))  # kh kw in out
        xs = ops.split(x, self.groups, axis=-1) if self.groups > 1 else [x]
        ks = ops.split(flipped, self.groups, axis=2) if self.groups > 1 else [flipped]
        ys = [ops.conv(xg, kg, strides=1, padding="valid", dilation_rate=self.dilation_rate)
              for xg, kg in zip(xs, ks)]
        y = ops.concatenate(ys, axis=-1) if self.groups > 1 else ys[0]
        return y + self.bias if self.use_bias else y

    def compute_output_shape(self, s):
        hw = [None if n is None else arithmetic.transposed_output_size(
            n, self.kernel_size[i], self.strides[i], self.padding[i], self.output_padding[i],
            self.dilation_rate[i]) for i, n in enumerate(s[1:3])]
        return (s[0], *hw, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "output_padding": self.output_padding,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "use_bias": self.use_bias}


@_register
class Resize2D(keras.layers.Layer):
    """PyTorch's ``interpolate`` (nearest, or bilinear with or without align_corners),
    one axis after the other: the IR's source indices gathered, and for bilinear
    blended with the IR's weights (:func:`netir.ir.arithmetic.linear_source`), which
    are PyTorch's float32 ones."""

    def __init__(self, input_hw, output_hw, mode, align_corners, **kwargs) -> None:
        super().__init__(**kwargs)
        self.input_hw = tuple(int(v) for v in input_hw)
        self.output_hw = tuple(int(v) for v in output_hw)
        self.mode, self.align_corners = str(mode), bool(align_corners)

    def call(self, x):
        for axis in (1, 2):
            n, out = self.input_hw[axis - 1], self.output_hw[axis - 1]
            if self.mode == "nearest":
                x = ops.take(x, arithmetic.nearest_source(n, out), axis=axis)
                continue
            dtype = keras.backend.standardize_dtype(x.dtype)
            lower, upper, weight = arithmetic.linear_source(n, out, self.align_corners, dtype)
            shape = [1, 1, 1, 1]
            shape[axis] = out
            w1 = ops.convert_to_tensor(weight.reshape(shape), dtype=dtype)
            w0 = ops.convert_to_tensor((1 - weight).reshape(shape), dtype=dtype)
            x = ops.take(x, lower, axis=axis) * w0 + ops.take(x, upper, axis=axis) * w1
        return x

    def compute_output_shape(self, s):
        return (s[0], *self.output_hw, s[3])

    def get_config(self):
        return {**super().get_config(), "input_hw": self.input_hw,
                "output_hw": self.output_hw, "mode": self.mode,
                "align_corners": self.align_corners}
