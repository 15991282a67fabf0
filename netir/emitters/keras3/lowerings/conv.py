"""Keras lowerings of the convolutions and zero padding (netir/ir/ops/conv.py), channels
last: explicit padding, then the stock layer with ``padding="valid"``, or an exact layer
where Keras' refuses the attributes (:class:`netir.emitters.keras3.layers.ConvExact`,
:class:`netir.emitters.keras3.sequence.Conv1DExact`,
:class:`netir.emitters.keras3.upsampling.ConvTransposeExact`)."""

from __future__ import annotations

from keras import layers

from netir.emitters.keras3 import layers as L
from netir.emitters.keras3.names import helper_name
from netir.emitters.keras3.node_layers import node_layer_name as _n
from netir.emitters.keras3.padding import pad_2d
from netir.emitters.keras3.sequence import Conv1DExact
from netir.emitters.keras3.upsampling import ConvTransposeExact


def conv1d(plan, inputs):
    """Explicit ``ZeroPadding1D``, then ``Conv1D(padding="valid")``, or
    :class:`Conv1DExact` for groups, or a dilation with a stride. A single output is
    computed with stride 1 on the input cropped to its window (the oneDNN defect that
    the conv2d lowering avoids the same way)."""
    a, name, window = plan.attrs, _n(plan), plan.window
    x, ((left, right),) = inputs[0], window.padding
    if left or right:
        x = layers.ZeroPadding1D((left, right), name=helper_name(name, "pad"))(x)
    (stride,), (effective,) = window.stride, window.effective
    if plan.output[1] == 1 and stride > 1:
        length = plan.inputs[0][1] + left + right
        if length > effective:
            x = layers.Cropping1D((0, length - effective), name=helper_name(name, "crop"))(x)
        stride = 1
    kw = dict(kernel_size=a["kernel"], padding="valid", use_bias=a["bias"], name=name)
    if a["groups"] == 1 and not (a["dilation"] > 1 and stride > 1):
        return layers.Conv1D(a["out_channels"], strides=stride, dilation_rate=a["dilation"],
                             **kw)(x)
    if a["dilation"] > 1:
        return Conv1DExact(a["out_channels"], groups=a["groups"], dilation_rate=a["dilation"],
                           subsample=stride, **kw)(x)
    return Conv1DExact(a["out_channels"], groups=a["groups"], strides=stride, **kw)(x)


def _crop_unit_outputs(plan, x):
    """Where an axis has one output, the stride is moot: use 1 and crop the input to the
    window. TensorFlow's oneDNN CPU convolution returns wrong numbers (even garbage)
    for one input channel, a stride > 1 and an output of size 1 (netir's property
    tests found it; tensorflow-cpu 2.21)."""
    window = plan.window
    (_, h, w), pad = plan.inputs[0], window.padding
    crop, stride = [(0, 0), (0, 0)], list(window.stride)
    for i, size in enumerate((h, w)):
        if plan.output[1 + i] == 1 and stride[i] > 1:
            crop[i] = (0, size + pad[i][0] + pad[i][1] - window.effective[i])
            stride[i] = 1
    if any(c for side in crop for c in side):
        x = layers.Cropping2D(tuple(crop), name=helper_name(_n(plan), "crop"))(x)
    return x, tuple(stride)


def conv2d(plan, inputs):
    a = plan.attrs
    x = pad_2d(inputs[0], plan.window.padding, _n(plan))
    x, stride = _crop_unit_outputs(plan, x)
    kw = dict(kernel_size=a["kernel"], padding="valid", use_bias=a["bias"], name=_n(plan))
    dilated = a["dilation"] != (1, 1)
    if a["groups"] == 1 and not (dilated and stride != (1, 1)):
        return layers.Conv2D(a["out_channels"], strides=stride, dilation_rate=a["dilation"],
                             **kw)(x)
    if dilated:
        return L.ConvExact(a["out_channels"], groups=a["groups"], dilation_rate=a["dilation"],
                           subsample=stride, **kw)(x)
    return L.ConvExact(a["out_channels"], groups=a["groups"], strides=stride, **kw)(x)


def conv_transpose2d(plan, inputs):
    """``Conv2DTranspose(padding="valid")`` and a crop to the IR's output (its padding
    before; after, its padding less the output_padding), when that is all it takes;
    else :class:`ConvTransposeExact`."""
    a = plan.attrs
    pad, extra = a["padding"], a["output_padding"]
    if a["groups"] > 1 or a["dilation"] != (1, 1) or any(e > p for e, p in zip(extra, pad)):
        return ConvTransposeExact(a["out_channels"], a["kernel"], a["stride"], pad, extra,
                                  a["dilation"], a["groups"], a["bias"], name=_n(plan))(
            inputs[0])
    y = layers.Conv2DTranspose(a["out_channels"], a["kernel"], strides=a["stride"],
                               padding="valid", use_bias=a["bias"], name=_n(plan))(inputs[0])
    # Keras' 'valid' output is n·s + max(k − s, 0): zeros past the full output where
    # the stride exceeds the kernel, cropped with the IR's padding
    crop = tuple((p, full - p - out) for p, full, out in zip(pad, y.shape[1:3], plan.output[1:]))
    if not any(c for side in crop for c in side):
        return y
    return layers.Cropping2D(crop, name=helper_name(_n(plan), "crop"))(y)


def zero_pad2d(plan, inputs):
    return layers.ZeroPadding2D(plan.attrs["padding"], name=_n(plan))(inputs[0])


LOWERINGS = {"conv1d": conv1d, "conv2d": conv2d, "conv_transpose2d": conv_transpose2d,
             "zero_pad2d": zero_pad2d}
