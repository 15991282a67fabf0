"""Helper layers that enlarge: PyTorch's transposed convolution and resizes."""

from __future__ import annotations

from netir.source.keras.helpers.registry import table

HELPERS, _helper = table()

_helper("ConvTransposeExact", '''
class ConvTransposeExact(layers.Layer):
    """PyTorch's ConvTranspose2d: the input spread by the stride with zeros, padded by
    ``d·(k-1) - p`` (plus ``output_padding`` after; cropped where negative), then a
    stride-1 dilated convolution with the flipped kernel, per group."""

    def __init__(self, filters, kernel_size, strides, padding, output_padding,
                 dilation_rate, groups, use_bias, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
        self.padding, self.output_padding = padding, output_padding
        self.dilation_rate, self.groups, self.use_bias = dilation_rate, groups, use_bias

    def build(self, input_shape):
        kh, kw = self.kernel_size
        self.kernel = self.add_weight(shape=(kh, kw, self.filters // self.groups,
                                             input_shape[-1]), name="kernel")
        self.bias = (self.add_weight(shape=(self.filters,), name="bias", initializer="zeros")
                     if self.use_bias else None)

    def call(self, x):
        for axis in (1, 2):
            s, n = self.strides[axis - 1], x.shape[axis]
            if s > 1:  # s - 1 zeros between neighbours
                shape = [-1, *x.shape[1:]]
                shape[axis] = n * s
                x = ops.reshape(ops.stack([x] + [ops.zeros_like(x)] * (s - 1), axis=axis + 1),
                                shape)
                x = x[:, :(n - 1) * s + 1] if axis == 1 else x[:, :, :(n - 1) * s + 1]
            k, d = self.kernel_size[axis - 1], self.dilation_rate[axis - 1]
            p = self.padding[axis - 1]
            before, after = d * (k - 1) - p, d * (k - 1) - p + self.output_padding[axis - 1]
            n = x.shape[axis]
            start, stop = max(-before, 0), n - max(-after, 0)
            x = x[:, start:stop] if axis == 1 else x[:, :, start:stop]
            if before > 0 or after > 0:
                widths = [(0, 0)] * 4
                widths[axis] = (max(before, 0), max(after, 0))
                x = ops.pad(x, widths)
        flipped = ops.transpose(ops.flip(self.kernel, axis=(0, 1)), (0, 1, 3, 2))
        xs = ops.split(x, self.groups, axis=-1) if self.groups > 1 else [x]
        ks = ops.split(flipped, self.groups, axis=2) if self.groups > 1 else [flipped]
        ys = [ops.conv(xg, kg, strides=1, padding="valid", dilation_rate=self.dilation_rate)
              for xg, kg in zip(xs, ks)]
        y = ops.concatenate(ys, axis=-1) if self.groups > 1 else ys[0]
        return y + self.bias if self.use_bias else y
''')
_helper("Resize2D", '''
class Resize2D(layers.Layer):
    """PyTorch's ``interpolate`` (nearest, or bilinear with or without align_corners),
    one axis after the other, its source indices and weights computed as PyTorch does."""

    def __init__(self, input_hw, output_hw, mode, align_corners, **kwargs):
        super().__init__(**kwargs)
        self.input_hw, self.output_hw = input_hw, output_hw
        self.mode, self.align_corners = mode, align_corners

    def source(self, size, out, dtype):
        f = np.dtype(dtype).type
        dst = np.arange(out, dtype=f)
        if self.mode == "nearest":
            scale = np.float32(size) / np.float32(out)
            index = np.arange(out, dtype=np.float32)
            return np.minimum(np.floor(index * scale).astype(np.int64), size - 1), None, None
        if out == size:
            return np.arange(out), np.arange(out), np.zeros(out, f)
        if self.align_corners:
            src = dst * (f(size - 1) / f(out - 1) if out > 1 else f(0))
        elif f is np.float32:
            scale = np.float64(f(size) / f(out))
            src = np.maximum(f(scale * (dst + f(0.5)) - 0.5), f(0))
        else:
            src = np.maximum((f(size) / f(out)) * (dst + f(0.5)) - f(0.5), f(0))
        lower = np.minimum(np.floor(src).astype(np.int64), size - 1)
        return lower, np.minimum(lower + 1, size - 1), np.clip(src - lower.astype(f), f(0), f(1))

    def call(self, x):
        dtype = keras.backend.standardize_dtype(x.dtype)
        for axis in (1, 2):
            lower, upper, weight = self.source(self.input_hw[axis - 1],
                                               self.output_hw[axis - 1], dtype)
            if weight is None:
                x = ops.take(x, lower, axis=axis)
                continue
            shape = [1, 1, 1, 1]
            shape[axis] = len(weight)
            w1 = ops.convert_to_tensor(weight.reshape(shape), dtype=dtype)
            w0 = ops.convert_to_tensor((1 - weight).reshape(shape), dtype=dtype)
            x = ops.take(x, lower, axis=axis) * w0 + ops.take(x, upper, axis=axis) * w1
        return x
''')
