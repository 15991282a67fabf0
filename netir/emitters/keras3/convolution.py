"""The exact Keras convolution of any rank, for what Keras' stock layers refuse: channel
groups (TensorFlow's CPU kernels refuse grouped convolutions) and a stride after a
dilation (``subsample``; Keras refuses both at once). One declaration,
:class:`ExactConvolution`, on the stock layer of each rank, as Keras' own layers are
``BaseConv(rank)``: :class:`Conv1DExact`, :class:`ConvExact` (2-D; the name models were
saved with) and :class:`Conv3DExact`. Kernels keep the stock layout, spatial axes first:
``(k, in/groups, out)``, ``(kh, kw, in/groups, out)``, ``(kd, kh, kw, in/groups, out)``.
Lowered by :mod:`netir.emitters.keras3.lowerings.conv`.
"""

from __future__ import annotations

import keras
from keras import ops

_register = keras.saving.register_keras_serializable(package="netir")


def _per_axis(value, rank: int) -> tuple[int, ...]:
    return (int(value),) * rank if isinstance(value, int) else tuple(int(v) for v in value)


class ExactConvolution:
    """The convolution of the stock layer it is mixed into (``self.rank`` axes), with
    its channel groups convolved one by one (a depthwise 2-D one is one depthwise
    kernel) and ``subsample`` taken after a dilated convolution."""

    def __init__(self, *args, subsample=1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subsample = _per_axis(subsample, self.rank)

    def _depthwise(self, kernel) -> bool:
        return (self.rank == 2 and self.groups > 1 and kernel.shape[2] == 1
                and self.padding == "valid" and len(set(self.dilation_rate)) == 1)

    def convolution_op(self, inputs, kernel):
        g = self.groups
        if g == 1:
            out = super().convolution_op(inputs, kernel)
        elif self._depthwise(kernel):
            # a group per input channel. Output channel o = i·m + j reads input channel
            # i, as the depthwise kernel (kh, kw, in, m) orders them, so the kernel is
            # only reshaped. TensorFlow's kernel takes equal strides only; other strides
            # are taken from the stride-1 output (the same values: the padding is
            # explicit).
            kh, kw, _, out_channels = kernel.shape
            sh, sw = self.strides
            step = (sh, sw) if sh == sw else (1, 1)
            out = ops.depthwise_conv(
                inputs, ops.reshape(kernel, (kh, kw, g, out_channels // g)),
                strides=step, padding="valid", data_format=self.data_format,
                dilation_rate=self.dilation_rate)
            if step != (sh, sw):
                out = out[:, ::sh, ::sw, :]
        else:
            out = ops.concatenate([
                ops.conv(x, k, strides=self.strides, padding=self.padding,
                         dilation_rate=self.dilation_rate, data_format=self.data_format)
                for x, k in zip(ops.split(inputs, g, axis=-1), ops.split(kernel, g, axis=-1))],
                axis=-1)
        if any(s > 1 for s in self.subsample):
            out = out[(slice(None), *(slice(None, None, s) for s in self.subsample))]
        return out

    def call(self, inputs):  # Conv1D.call convolves itself, without convolution_op
        out = self.convolution_op(inputs, self.kernel)
        return out + self.bias if self.use_bias else out

    def compute_output_shape(self, input_shape):
        n, *positions, c = super().compute_output_shape(input_shape)
        return (n, *(None if p is None else -(-p // s)
                     for p, s in zip(positions, self.subsample)), c)

    def get_config(self):
        return {**super().get_config(), "subsample": self.subsample}


@_register
class Conv1DExact(ExactConvolution, keras.layers.Conv1D):
    """:class:`ExactConvolution` of a sequence (L, C)."""


@_register
class ConvExact(ExactConvolution, keras.layers.Conv2D):
    """:class:`ExactConvolution` of a map (H, W, C)."""


@_register
class Conv3DExact(ExactConvolution, keras.layers.Conv3D):
    """:class:`ExactConvolution` of a volume (D, H, W, C)."""


EXACT = {1: Conv1DExact, 2: ConvExact, 3: Conv3DExact}
STOCK = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D, 3: keras.layers.Conv3D}

__all__ = ["EXACT", "STOCK", "Conv1DExact", "Conv3DExact", "ConvExact", "ExactConvolution"]
