"""Keras lowerings of the convolutions and zero padding (netir/ir/ops/conv.py), channels
last: explicit padding, then the stock layer with ``padding="valid"``, or an exact layer
where Keras refuses the attributes (:mod:`netir.emitters.keras3.convolution` for every
rank, :class:`netir.emitters.keras3.upsampling.ConvTransposeExact`). One lowering serves
conv1d, conv2d and conv3d: the rank comes from the plan's window."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3.convolution import EXACT, STOCK
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.padding import ZERO_PADDING, crop, pad
from netir.emitters.keras3.upsampling import ConvTransposeExact


def _crop_unit_outputs(plan, x):
    """Where an axis has one output, the stride is moot: use 1 and crop the input to the
    window. TensorFlow's oneDNN CPU convolution returns wrong numbers (even garbage)
    for one input channel, a stride > 1 and an output of size 1 (netir's property
    tests found it; tensorflow-cpu 2.21)."""
    window = plan.window
    sizes, stride = plan.inputs[0][1:], list(window.stride)
    cut = [(0, 0)] * window.rank
    for i, size in enumerate(sizes):
        if plan.output[1 + i] == 1 and stride[i] > 1:
            before, after = window.padding[i]
            cut[i] = (0, size + before + after - window.effective[i])
            stride[i] = 1
    return crop(x, cut, _n(plan)), tuple(stride)


def convolution(plan, inputs):
    """conv1d, conv2d and conv3d: explicit ``ZeroPadding{rank}D``, then the stock
    ``Conv{rank}D(padding="valid")``, or :class:`netir.emitters.keras3.convolution.
    ExactConvolution` for channel groups or a dilation with a stride. The kernel
    layout follows from the rank (spatial axes first: netir.emitters.keras3.weights)."""
    a, window = plan.attrs, plan.window
    x = pad(inputs[0], window.padding, _n(plan))
    x, stride = _crop_unit_outputs(plan, x)
    kw = dict(kernel_size=window.kernel, padding="valid", use_bias=a["bias"], name=_n(plan))
    dilated = any(d > 1 for d in window.dilation)
    strided = any(s > 1 for s in stride)
    if a["groups"] == 1 and not (dilated and strided):
        return STOCK[window.rank](a["out_channels"], strides=stride,
                                  dilation_rate=window.dilation, **kw)(x)
    exact = EXACT[window.rank]
    if dilated:
        return exact(a["out_channels"], groups=a["groups"], dilation_rate=window.dilation,
                     subsample=stride, **kw)(x)
    return exact(a["out_channels"], groups=a["groups"], strides=stride, **kw)(x)


def conv_transpose2d(plan, inputs):
    """``Conv2DTranspose(padding="valid")`` and a crop to the IR's output (its padding
    before; after, its padding less the output_padding), when that is all it takes;
    else :class:`ConvTransposeExact`."""
    a = plan.attrs
    padding, extra = a["padding"], a["output_padding"]
    if a["groups"] > 1 or a["dilation"] != (1, 1) or any(e > p for e, p in zip(extra, padding)):
        return ConvTransposeExact(a["out_channels"], a["kernel"], a["stride"], padding, extra,
                                  a["dilation"], a["groups"], a["bias"], name=_n(plan))(
            inputs[0])
    y = layers.Conv2DTranspose(a["out_channels"], a["kernel"], strides=a["stride"],
                               padding="valid", use_bias=a["bias"], name=_n(plan))(inputs[0])
    # Keras' 'valid' output is n·s + max(k − s, 0): zeros past the full output where
    # the stride exceeds the kernel, cropped with the IR's padding
    cut = tuple((p, full - p - out) for p, full, out in zip(padding, y.shape[1:3],
                                                      plan.output[1:]))
    return crop(y, cut, _n(plan))


def zero_padding(plan, inputs):
    return ZERO_PADDING[len(plan.positions)](plan.attrs["padding"], name=_n(plan))(inputs[0])


LOWERINGS = {"conv1d": convolution, "conv2d": convolution, "conv3d": convolution,
             "conv_transpose2d": conv_transpose2d, "zero_pad2d": zero_padding}
