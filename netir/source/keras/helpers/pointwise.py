"""Helper layers per element, channel or token: PReLU, stochastic depth, exact GELU,
leaky ReLU, channel shuffle, broadcasting add, layer norm, learned parameters, layer
scale and dot-product attention."""

from __future__ import annotations

from netir.source.keras.helpers.registry import table

HELPERS, _helper = table()

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
