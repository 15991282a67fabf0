"""Helper layers over the spatial axes, as PyTorch computes them: the unbiased batch
norm, convolutions with groups and dilation, constant padding, pooling divisors, adaptive
average pooling, local response norm and the channels-first flatten."""

from __future__ import annotations

from netir.source.keras.helpers.registry import table

HELPERS, _helper = table()

_helper("BatchNorm", '''
class BatchNorm(layers.BatchNormalization):
    """BatchNormalization whose moving variance follows PyTorch's running_var: updated
    with the unbiased batch variance (n - 1); moments in two passes."""

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable) or mask is not None or self.renorm:
            return super().call(inputs, training=training, mask=mask)
        dtype = keras.backend.result_type(inputs.dtype, "float32")
        x = ops.cast(inputs, dtype)
        n = ops.cast(ops.size(x), dtype) / ops.cast(x.shape[self.axis], dtype)
        axes = self._reduction_axes
        mean = ops.sum(x, axis=axes) / n
        variance = ops.sum(ops.square(x - ops.expand_dims(mean, axes)), axis=axes) / n
        unbiased = variance * n / ops.maximum(n - 1.0, 1.0)
        m = self.momentum
        self.moving_mean.assign(ops.cast(self.moving_mean, dtype) * m + mean * (1.0 - m))
        self.moving_variance.assign(
            ops.cast(self.moving_variance, dtype) * m + unbiased * (1.0 - m))
        gamma = ops.cast(self.gamma, dtype) if self.scale else None
        beta = ops.cast(self.beta, dtype) if self.center else None
        out = ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta,
                                      scale=gamma, epsilon=self.epsilon)
        return ops.cast(out, self.compute_dtype)
''')
_helper("ConvExact", '''
class ConvExact(layers.Conv2D):
    """Conv2D with channel groups as a depthwise kernel or one convolution per group,
    and a stride taken after a dilated convolution (``subsample``)."""

    def __init__(self, *args, subsample=(1, 1), **kwargs):
        super().__init__(*args, **kwargs)
        self.subsample = tuple(subsample)

    def convolution_op(self, inputs, kernel):
        g = self.groups
        if g == 1:
            out = super().convolution_op(inputs, kernel)
        elif kernel.shape[2] == 1 and self.dilation_rate[0] == self.dilation_rate[1]:
            kh, kw, _, out_channels = kernel.shape
            sh, sw = self.strides
            step = (sh, sw) if sh == sw else (1, 1)
            out = ops.depthwise_conv(
                inputs, ops.reshape(kernel, (kh, kw, g, out_channels // g)), strides=step,
                padding="valid", dilation_rate=self.dilation_rate)
            if step != (sh, sw):
                out = out[:, ::sh, ::sw, :]
        else:
            out = ops.concatenate([
                ops.conv(x, k, strides=self.strides, padding="valid",
                         dilation_rate=self.dilation_rate)
                for x, k in zip(ops.split(inputs, g, axis=-1), ops.split(kernel, g, axis=-1))],
                axis=-1)
        sh, sw = self.subsample
        return out[:, ::sh, ::sw, :] if (sh, sw) != (1, 1) else out

    def compute_output_shape(self, input_shape):
        n, h, w, c = super().compute_output_shape(input_shape)
        sh, sw = self.subsample
        return (n, None if h is None else -(-h // sh), None if w is None else -(-w // sw), c)
''')
_helper("Conv1DExact", '''
class Conv1DExact(layers.Conv1D):
    """Conv1D with channel groups as one convolution per group and a stride taken after
    a dilated convolution (``subsample``)."""

    def __init__(self, *args, subsample=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.subsample = subsample

    def call(self, inputs):
        g, kw = self.groups, dict(strides=self.strides, padding="valid",
                                  dilation_rate=self.dilation_rate)
        if g == 1:
            out = ops.conv(inputs, self.kernel, **kw)
        else:
            out = ops.concatenate([ops.conv(x, k, **kw) for x, k in zip(
                ops.split(inputs, g, axis=-1), ops.split(self.kernel, g, axis=-1))], axis=-1)
        out = out[:, ::self.subsample, :] if self.subsample > 1 else out
        return out + self.bias if self.use_bias else out

    def compute_output_shape(self, input_shape):
        n, length, c = super().compute_output_shape(input_shape)
        return (n, None if length is None else -(-length // self.subsample), c)
''')
_helper("ConstantPad", '''
class ConstantPad(layers.Layer):
    """Each position axis padded with ``value`` (-inf before a max pool: padding never wins)."""

    def __init__(self, padding, value, **kwargs):
        super().__init__(**kwargs)
        self.padding, self.value = padding, value

    def call(self, x):
        return ops.pad(x, [(0, 0), *self.padding, (0, 0)], constant_values=self.value)
''')
_helper("ScaleMap", '''
class ScaleMap(layers.Layer):
    """An average pool's sums re-divided: ``x · window / divisor``, one divisor per output
    cell (PyTorch's ceil_mode and count_include_pad rules)."""

    def __init__(self, window, divisor, **kwargs):
        super().__init__(**kwargs)
        self.scale = np.asarray(window / np.asarray(divisor, dtype="float64"), dtype="float32")

    def call(self, x):
        return x * ops.cast(ops.convert_to_tensor(self.scale[..., None]), x.dtype)
''')
_helper("AdaptiveAvgPool2D", '''
class AdaptiveAvgPool2D(layers.Layer):
    """PyTorch's adaptive average pool: output i averages ``[floor(i·n/o), ceil((i+1)·n/o))``."""

    def __init__(self, input_hw, output_size, **kwargs):
        super().__init__(**kwargs)
        self.ph, self.pw = (self.bins(n, o) for n, o in zip(input_hw, output_size))

    @staticmethod
    def bins(n, o):
        m = np.zeros((o, n))
        for i in range(o):
            a, b = i * n // o, -(-(i + 1) * n // o)
            m[i, a:b] = 1.0 / (b - a)
        return m

    def call(self, x):
        ph = ops.convert_to_tensor(self.ph, dtype=x.dtype)
        pw = ops.convert_to_tensor(self.pw, dtype=x.dtype)
        return ops.einsum("nhwc,oh,pw->nopc", x, ph, pw)
''')
_helper("Conv3DExact", '''
class Conv3DExact(layers.Conv3D):
    """Conv3D with channel groups as one convolution per group and a stride taken after
    a dilated convolution (``subsample``)."""

    def __init__(self, *args, subsample=(1, 1, 1), **kwargs):
        super().__init__(*args, **kwargs)
        self.subsample = tuple(subsample)

    def call(self, inputs):
        g, kw = self.groups, dict(strides=self.strides, padding="valid",
                                  dilation_rate=self.dilation_rate)
        out = ops.concatenate([ops.conv(x, k, **kw) for x, k in zip(
            ops.split(inputs, g, axis=-1), ops.split(self.kernel, g, axis=-1))], axis=-1)
        sd, sh, sw = self.subsample
        out = out[:, ::sd, ::sh, ::sw, :]
        return out + self.bias if self.use_bias else out

    def compute_output_shape(self, input_shape):
        n, *positions, c = super().compute_output_shape(input_shape)
        return (n, *(None if p is None else -(-p // s)
                     for p, s in zip(positions, self.subsample)), c)
''')
_helper("AdaptiveAvgPool3D", '''
class AdaptiveAvgPool3D(layers.Layer):
    """PyTorch's adaptive average pool of a volume, by AdaptiveAvgPool2D's bins on each
    axis."""

    def __init__(self, input_size, output_size, **kwargs):
        super().__init__(**kwargs)
        self.bins = [AdaptiveAvgPool2D.bins(n, o) for n, o in zip(input_size, output_size)]

    def call(self, x):
        pd, ph, pw = (ops.convert_to_tensor(b, dtype=x.dtype) for b in self.bins)
        return ops.einsum("ndhwc,od,ph,qw->nopqc", x, pd, ph, pw)
''')
_helper("LocalResponseNorm", '''
class LocalResponseNorm(layers.Layer):
    """PyTorch's LRN over the channels: ``x / (k + alpha/size · Σ x²)^beta``, the sum over
    ``size`` channels centred on each."""

    def __init__(self, size, alpha, beta, k, **kwargs):
        super().__init__(**kwargs)
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def call(self, x):
        c = x.shape[-1]
        sq = ops.pad(ops.square(x), [(0, 0)] * 3 + [(self.size // 2, (self.size - 1) // 2)])
        total = sq[..., 0:c]
        for i in range(1, self.size):
            total = total + sq[..., i:i + c]
        return x / ops.power(self.k + (self.alpha / self.size) * total, self.beta)
''')
_helper("ChannelsFirstFlatten", '''
class ChannelsFirstFlatten(layers.Layer):
    """Flatten (N, H, W, C) in PyTorch's C, H, W order."""

    def call(self, x):
        x = ops.transpose(x, (0, 3, 1, 2))
        return ops.reshape(x, (-1, int(np.prod(x.shape[1:]))))

    def compute_output_shape(self, s):
        return (s[0], int(np.prod(s[1:])))
''')
