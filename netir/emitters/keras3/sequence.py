"""The exact Keras layer of a grouped or strided-dilated conv1d (channels last: a
sequence is (L, C)); lowered by :mod:`netir.emitters.keras3.lowerings.conv`."""

from __future__ import annotations

import keras
from keras import ops

_register = keras.saving.register_keras_serializable(package="netir")


@_register
class Conv1DExact(keras.layers.Conv1D):
    """Conv1D with channel groups as per-group convolutions (TensorFlow's CPU kernels
    refuse grouped convolutions) and a stride applied after a dilated convolution
    (``subsample``), which Keras' Conv1D refuses. Kernel ``(k, in/groups, out)``."""

    def __init__(self, *args, subsample: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subsample = int(subsample)

    def convolution_op(self, inputs, kernel):
        g = self.groups
        if g == 1:
            out = super().convolution_op(inputs, kernel)
        else:
            out = ops.concatenate([
                ops.conv(x, k, strides=self.strides, padding="valid",
                         dilation_rate=self.dilation_rate)
                for x, k in zip(ops.split(inputs, g, axis=-1), ops.split(kernel, g, axis=-1))],
                axis=-1)
        return out[:, ::self.subsample, :] if self.subsample > 1 else out

    def call(self, inputs):  # Conv1D.call convolves itself, without convolution_op
        out = self.convolution_op(inputs, self.kernel)
        return out + self.bias if self.use_bias else out

    def compute_output_shape(self, input_shape):
        n, length, c = super().compute_output_shape(input_shape)
        return (n, None if length is None else -(-length // self.subsample), c)

    def get_config(self):
        return {**super().get_config(), "subsample": self.subsample}
