'''The small plain-Keras layers a generated file defines when it uses them: what netir's
Keras model computes beyond ``keras.layers`` (``netir/emitters/keras3/``: the unbiased
moving variance, PyTorch's convolutions, pooling rules, GELU, layer norm and resizes),
written out with ``keras.ops`` (and NumPy) so that the file needs no netir.'''

from __future__ import annotations

HELPERS: dict[str, str] = {}


def _helper(name: str, text: str) -> None:
    HELPERS[name] = text.strip("\n") + "\n"


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
_helper("ConstantPad2D", '''
class ConstantPad2D(layers.Layer):
    """H and W padded with ``value`` (-inf before a max pool: padding never wins)."""

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
        return x * ops.cast(ops.convert_to_tensor(self.scale[:, :, None]), x.dtype)
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
_helper("PReLU", '''
class PReLU(layers.Layer):
    """PyTorch's PReLU: ``x`` where positive, else ``weight · x``; one slope or one per
    channel."""

    def __init__(self, num_parameters, **kwargs):
        super().__init__(**kwargs)
        self.num_parameters = num_parameters

    def build(self, input_shape):
        self.weight = self.add_weight(shape=(self.num_parameters,), name="weight",
                                      initializer=keras.initializers.Constant(0.25))

    def call(self, x):
        return ops.where(x > 0, x, ops.cast(self.weight, x.dtype) * x)
''')
_helper("StochasticDepth", '''
class StochasticDepth(layers.Dropout):
    """torchvision's stochastic depth: the identity unless training; then each sample
    (``row``) or the batch is zeroed with probability ``rate``, the rest scaled up."""

    def __init__(self, rate, mode, **kwargs):
        super().__init__(rate, **kwargs)
        self.mode = mode

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        survival = 1.0 - self.rate
        rank = len(inputs.shape)
        shape = (ops.shape(inputs)[0],) + (1,) * (rank - 1) if self.mode == "row" else (1,) * rank
        noise = ops.cast(keras.random.uniform(shape, seed=self.seed_generator) < survival,
                         inputs.dtype)
        return inputs * (noise / survival if survival > 0.0 else noise)
''')
_helper("Gelu", '''
class Gelu(layers.Layer):
    """PyTorch's GELU: ``x/2 · (1 + erf(x/√2))``, or with ``approximate`` the tanh form."""

    def __init__(self, approximate, **kwargs):
        super().__init__(**kwargs)
        self.approximate = approximate

    def call(self, x):
        if self.approximate:  # √(2/π)
            inner = ops.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))
        else:  # √½
            inner = ops.erf(x * 0.7071067811865476)
        return x * 0.5 * (1.0 + inner)
''')
_helper("LeakyReLU", '''
class LeakyReLU(layers.Layer):
    """``x`` where positive, else ``negative_slope · x`` in the input's dtype."""

    def __init__(self, negative_slope, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, x):
        return ops.where(x > 0, x, x * self.negative_slope)
''')
_helper("ChannelShuffle", '''
class ChannelShuffle(layers.Layer):
    """PyTorch's channel shuffle: the channels as (groups, c / groups), read by column."""

    def __init__(self, groups, **kwargs):
        super().__init__(**kwargs)
        self.groups = groups

    def call(self, x):
        c = x.shape[-1]
        order = np.arange(c).reshape(self.groups, c // self.groups).T.reshape(-1)
        return ops.take(x, [int(i) for i in order], axis=-1)
''')
_helper("BroadcastAdd", '''
class BroadcastAdd(layers.Layer):
    """The sum of its inputs with NumPy broadcasting."""

    def call(self, inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total
''')
_helper("LayerNorm", '''
class LayerNorm(layers.LayerNormalization):
    """LayerNormalization over the last axis in PyTorch's order, the variance in two
    passes: ``(x - mean) · rsqrt(var + eps) · gamma + beta``."""

    def call(self, x):
        centred = x - ops.mean(x, axis=-1, keepdims=True)
        var = ops.mean(ops.square(centred), axis=-1, keepdims=True)
        return centred * ops.rsqrt(var + self.epsilon) * self.gamma + self.beta
''')
_helper("Parameter", '''
class Parameter(layers.Layer):
    """A learned ``(1, *shape)`` tensor, repeated over the input's batch, its axes
    ``order`` of PyTorch's."""

    def __init__(self, shape, order, **kwargs):
        super().__init__(**kwargs)
        self.order = order
        self.value = self.add_weight(shape=shape, name="value", initializer="zeros")

    def call(self, x):
        value = ops.transpose(self.value, (0, *(a + 1 for a in self.order)))
        return ops.broadcast_to(value, (ops.shape(x)[0], *value.shape[1:]))
''')
_helper("LayerScale", '''
class LayerScale(layers.Layer):
    """``x · gamma``, one gamma per feature."""

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), name="gamma", initializer="ones")

    def call(self, x):
        return x * ops.cast(self.gamma, x.dtype)
''')
_helper("DotProductAttention", '''
class DotProductAttention(layers.Layer):
    """``softmax(q kᵀ · scale) v`` over the last two axes."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        q, k, v = inputs
        rank = len(k.shape)
        kt = ops.transpose(k, (*range(rank - 2), rank - 1, rank - 2))
        return ops.matmul(ops.softmax(ops.matmul(q, kt) * self.scale, axis=-1), v)
''')
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
