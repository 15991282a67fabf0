"""Small serializable Keras layers for what keras.layers cannot express exactly.

Written with ``keras.ops`` only, so they run on every Keras backend. All take
channels-last tensors.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

_register = keras.saving.register_keras_serializable(package="netir")


@_register
class LocalResponseNorm(keras.layers.Layer):
    """PyTorch/ONNX LRN over channels (last axis):
    ``b = a / (k + alpha/n · Σ a²)^beta``, the sum over ``n`` channels centred on each."""

    def __init__(self, size: int, alpha: float, beta: float, k: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)

    def call(self, x):
        sq = ops.square(x)
        c = x.shape[-1]
        padded = ops.pad(sq, [(0, 0), (0, 0), (0, 0), (self.size // 2, (self.size - 1) // 2)])
        total = padded[..., 0:c]
        for i in range(1, self.size):
            total = total + padded[..., i:i + c]
        return x / ops.power(self.k + (self.alpha / self.size) * total, self.beta)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "alpha": self.alpha,
                "beta": self.beta, "k": self.k}


@_register
class ChannelsFirstFlatten(keras.layers.Layer):
    """Flatten (N, H, W, C) in the IR's C, H, W order, so dense weights need no permute."""

    def moves_axes(self) -> bool:
        """A transpose unless there is one position (or no map)."""
        shape = self.input.shape if self._inbound_nodes else ()
        return len(shape) == 4 and shape[1] * shape[2] > 1 and shape[3] > 1

    def call(self, x):
        if len(x.shape) == 4:
            x = ops.transpose(x, (0, 3, 1, 2))
        return ops.reshape(x, (-1, int(np.prod(x.shape[1:]))))

    def compute_output_shape(self, s):
        return (s[0], int(np.prod(s[1:])))


@_register
class OpsCall(keras.layers.Layer):
    """One ``keras.ops`` function, named, with every argument explicit:
    ``function(x, **arguments)``, ``function(a, b)`` on two inputs, or
    ``function(x, constant)``. ``function`` names a ``keras.ops`` function, or one
    under ``keras`` by its dotted path (``activations.mish``). Nothing is left to a
    default (``keras.ops.gelu`` defaults to the tanh form)."""

    def __init__(self, function: str, arguments: dict | None = None,
                 constant: float | None = None, elementwise: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})
        self.constant = None if constant is None else float(constant)
        self.elementwise = bool(elementwise)

    def compute_output_spec(self, inputs):
        """An element-wise function's output has its inputs' broadcast shape; saying
        so spares Keras tracing the call in a TensorFlow graph to find out (a fifth of
        building an EfficientNet). Other functions are traced."""
        if not self.elementwise:
            return super().compute_output_spec(inputs)
        xs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        return keras.KerasTensor(_broadcast([tuple(x.shape) for x in xs]), dtype=xs[0].dtype)

    def call(self, inputs):
        module, _, name = self.function.rpartition(".")
        fn = getattr(getattr(keras, module) if module else ops, name)
        if isinstance(inputs, (list, tuple)):
            return fn(*inputs, **self.arguments)
        if self.constant is not None:
            return fn(inputs, self.constant, **self.arguments)
        return fn(inputs, **self.arguments)

    def get_config(self):
        return {**super().get_config(), "function": self.function,
                "arguments": self.arguments, "constant": self.constant,
                "elementwise": self.elementwise}


def _broadcast(shapes: list[tuple]) -> tuple:
    """NumPy's broadcast of shapes whose sizes may be None (unknown, as the batch)."""
    rank = max(len(s) for s in shapes)
    out = []
    for sizes in zip(*((1,) * (rank - len(s)) + tuple(s) for s in shapes)):
        known = {d for d in sizes if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"shapes {shapes} do not broadcast")
        out.append(known.pop() if known else (None if None in sizes else 1))
    return tuple(out)


@_register
class PReLU(keras.layers.Layer):
    """PyTorch's PReLU on channels-last tensors: ``x`` where ``x > 0``, else
    ``weight · x``; ``weight`` is ``(num_parameters,)``, one slope or one per channel."""

    def __init__(self, num_parameters: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_parameters = int(num_parameters)

    def build(self, input_shape):
        self.weight = self.add_weight(shape=(self.num_parameters,), name="weight",
                                      initializer=keras.initializers.Constant(0.25))

    def call(self, x):
        return ops.where(x > 0, x, ops.cast(self.weight, x.dtype) * x)

    def get_config(self):
        return {**super().get_config(), "num_parameters": self.num_parameters}


@_register
class StochasticDepth(keras.layers.Dropout):
    """torchvision.ops.stochastic_depth on Keras: the identity unless training; then each
    sample (``row``) or the batch is zeroed with probability ``rate`` and the rest
    divided by ``1 - rate``. A Dropout, so that whatever switches dropout off does here."""

    def __init__(self, rate: float, mode: str = "row", **kwargs) -> None:
        super().__init__(rate, **kwargs)
        self.mode = mode

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        survival = 1.0 - self.rate
        rank = len(inputs.shape)
        shape = (ops.shape(inputs)[0],) + (1,) * (rank - 1) if self.mode == "row" else (1,) * rank
        keep = keras.random.uniform(shape, seed=self.seed_generator) < survival
        noise = ops.cast(keep, inputs.dtype)
        return inputs * (noise / survival if survival > 0.0 else noise)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


@_register
class Gelu(keras.layers.Layer):
    """PyTorch's GELU, written out: ``x/2 · (1 + erf(x/√2))`` or, ``approximate``, the
    tanh form. ``keras.ops.gelu`` (TensorFlow's) is 5e-9 off in float64."""

    def __init__(self, approximate: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.approximate = bool(approximate)

    def call(self, x):
        if self.approximate:
            inner = ops.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x))
        else:
            inner = ops.erf(x * math.sqrt(0.5))
        return x * 0.5 * (1.0 + inner)

    def get_config(self):
        return {**super().get_config(), "approximate": self.approximate}


@_register
class LeakyReLU(keras.layers.Layer):
    """``x`` where ``x > 0``, else ``negative_slope · x`` in the input's dtype
    (TensorFlow's leaky_relu holds the slope in float32, 1.5e-8 off in float64)."""

    def __init__(self, negative_slope: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope)

    def call(self, x):
        return ops.where(x > 0, x, x * self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@_register
class BroadcastAdd(keras.layers.Layer):
    """The sum of its inputs with NumPy broadcasting, through the backend's own ``+``.

    ``keras.ops.add`` (and so ``layers.Add``) on TensorFlow takes a second operand whose
    only dimension above 1 matches the first's channel axis for a bias and calls
    ``tf.nn.bias_add``; in an eager call that dimension can be the batch: ``(2, 2) +
    (2, 1)`` then added the batch column along the features (Keras 3.15)."""

    def call(self, inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total


@_register
class LayerNorm(keras.layers.LayerNormalization):
    """``LayerNormalization`` over the last axis computed in PyTorch's order,
    ``(x - mean) · rsqrt(var + eps) · gamma + beta``. Keras folds it into
    ``x · inv + (beta - mean · inv)``, which cancels where the variance is small against
    the mean (a single feature: off by 7e-6 where the answer is exactly beta). The
    variance is taken in two passes, the mean of ``(x - mean)²``: ``ops.moments`` on
    Keras' torch backend computes ``E[x²] - E[x]²``, which loses the variance where it is
    small against the mean (two features of a ×6 input, eps 1e-3: off by 1.1e-4).
    Weights stay ``gamma``, ``beta``."""

    def call(self, x):
        centred = x - ops.mean(x, axis=-1, keepdims=True)
        var = ops.mean(ops.square(centred), axis=-1, keepdims=True)
        return centred * ops.rsqrt(var + self.epsilon) * self.gamma + self.beta
