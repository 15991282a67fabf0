"""The Keras lowering of conv1d (channels last: a sequence is (L, C)) and its exact
layer (its table is merged by :mod:`.lowerings`)."""

from __future__ import annotations

import keras
from keras import layers, ops

from netir.emitters.backend import Lowerings
from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n

_register = keras.saving.register_keras_serializable(package="netir")

LOWERINGS = Lowerings("keras")  # merged into netir.emitters.keras3.lowerings
_lower = LOWERINGS.register


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


@_lower("conv1d")
def _conv1d(node, graph, inputs):
    """Explicit ``ZeroPadding1D``, then ``Conv1D(padding="valid")``, or
    :class:`Conv1DExact` for groups, or a dilation with a stride. A single output is
    computed with stride 1 on the input cropped to its window (the oneDNN defect that
    the conv2d lowering avoids the same way)."""
    a, name = node.attrs, _n(node)
    x, (left, right) = inputs[0], a["padding"]
    if left or right:
        x = layers.ZeroPadding1D((left, right), name=helper_name(name, "pad"))(x)
    stride = a["stride"]
    if node.shape[1] == 1 and stride > 1:
        length = graph.input_shapes(node)[0][1] + left + right
        window = (a["kernel"] - 1) * a["dilation"] + 1
        if length > window:
            x = layers.Cropping1D((0, length - window), name=helper_name(name, "crop"))(x)
        stride = 1
    kw = dict(kernel_size=a["kernel"], padding="valid", use_bias=a["bias"], name=name)
    if a["groups"] == 1 and not (a["dilation"] > 1 and stride > 1):
        return layers.Conv1D(a["out_channels"], strides=stride, dilation_rate=a["dilation"],
                             **kw)(x)
    if a["dilation"] > 1:
        return Conv1DExact(a["out_channels"], groups=a["groups"], dilation_rate=a["dilation"],
                           subsample=stride, **kw)(x)
    return Conv1DExact(a["out_channels"], groups=a["groups"], strides=stride, **kw)(x)
