"""Keras layers for the windowed ops of any rank (channels last: a map (H, W, C), a volume
(D, H, W, C)) where keras.layers has no exact one: padding with a constant, an average
pool's per-cell divisor and PyTorch's adaptive average pool. Written with ``keras.ops``
only, so they run on every Keras backend. ``ConstantPad2D`` and ``AdaptiveAvgPool2D`` are
the names that models saved before these layers took every rank hold."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from netir.ir import arithmetic

_register = keras.saving.register_keras_serializable(package="netir")


@_register
class ConstantPad(keras.layers.Layer):
    """Pad each position axis with a constant (``-inf`` before a max pool, so padding
    never wins): ``padding`` is one ``(before, after)`` pair per axis."""

    def __init__(self, padding, value: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.padding = tuple(tuple(int(v) for v in p) for p in padding)
        self.value = float(value)

    def call(self, x):
        return ops.pad(x, [(0, 0), *self.padding, (0, 0)], constant_values=self.value)

    def compute_output_shape(self, s):
        return (s[0], *(None if n is None else n + before + after
                        for n, (before, after) in zip(s[1:-1], self.padding)), s[-1])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "value": self.value}


@_register
class ConstantPad2D(ConstantPad):
    """:class:`ConstantPad` of a map, under the name saved models hold."""


@_register
class ScaleMap(keras.layers.Layer):
    """Multiply by a constant map of the positions (``(H, W)``, ``(D, H, W)``), the same
    for every channel: an average pool's per-cell divisor fix."""

    def __init__(self, scale, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = np.asarray(scale, dtype="float32")

    def call(self, x):
        return x * ops.cast(ops.convert_to_tensor(self.scale[..., None]), x.dtype)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale.tolist()}


_IN, _OUT = "dhw", "opq"


@_register
class AdaptiveAvgPool(keras.layers.Layer):
    """PyTorch's adaptive average pooling over each position axis: output ``i`` of an
    axis of ``n`` averages the bin ``[floor(i·n/o), ceil((i+1)·n/o))``, as one matrix per
    axis applied by one einsum."""

    def __init__(self, input_size, output_size, **kwargs) -> None:
        super().__init__(**kwargs)
        self.input_size = tuple(int(v) for v in input_size)
        self.output_size = tuple(int(v) for v in output_size)
        self._bins = [arithmetic.adaptive_pool_matrix(n, o)
                      for n, o in zip(self.input_size, self.output_size)]
        rank = len(self.input_size)
        source, target = _IN[-rank:], _OUT[:rank]
        self._equation = (f"n{source}c," + ",".join(o + i for o, i in zip(target, source))
                          + f"->n{target}c")

    def call(self, x):
        bins = [ops.convert_to_tensor(b, dtype=x.dtype) for b in self._bins]  # rounded once
        return ops.einsum(self._equation, x, *bins)

    def compute_output_shape(self, s):
        return (s[0], *self.output_size, s[-1])

    def get_config(self):
        return {**super().get_config(), "input_size": self.input_size,
                "output_size": self.output_size}


@_register
class AdaptiveAvgPool2D(AdaptiveAvgPool):
    """:class:`AdaptiveAvgPool` of a map, under the name (and the ``input_hw`` argument)
    saved models hold."""

    def __init__(self, input_hw=None, output_size=None, input_size=None, **kwargs) -> None:
        super().__init__(input_hw if input_size is None else input_size, output_size,
                         **kwargs)


__all__ = ["AdaptiveAvgPool", "AdaptiveAvgPool2D", "ConstantPad", "ConstantPad2D", "ScaleMap"]
