"""The Keras source of the conv ops (``netir/ir/ops/conv.py``):
``(node, graph) -> Layers``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.source.keras.lowerings.base import Layers, Step, build, input_of, one, pad_steps

LOWERINGS = Lowerings("keras source")
_lower = LOWERINGS.register


@_lower("conv2d")
def _conv2d(node, graph):
    a = node.attrs
    steps = list(pad_steps(a["padding"]))
    (_, h, w), pad = input_of(graph, node), a["padding"]
    crop, stride = [(0, 0), (0, 0)], list(a["stride"])
    for i, size in enumerate((h, w)):  # netir's oneDNN workaround: one output, stride 1
        if node.shape[1 + i] == 1 and stride[i] > 1:
            window = (a["kernel"][i] - 1) * a["dilation"][i] + 1
            crop[i] = (0, size + pad[i][0] + pad[i][1] - window)
            stride[i] = 1
    if any(c for side in crop for c in side):
        steps.append(Step(build("layers.Cropping2D", ("cropping", tuple(crop))), "crop"))
    stride = tuple(stride)
    args = (("filters", a["out_channels"]), ("kernel_size", a["kernel"]))
    kw = dict(use_bias=a["bias"])
    dilated = a["dilation"] != (1, 1)
    helpers = ()
    if a["groups"] == 1 and not (dilated and stride != (1, 1)):
        ctor = build("layers.Conv2D", *args, strides=stride, dilation_rate=a["dilation"], **kw)
    elif dilated:
        ctor = build("ConvExact", *args, groups=a["groups"], dilation_rate=a["dilation"],
                     subsample=stride, **kw)
        helpers = ("ConvExact",)
    else:
        ctor = build("ConvExact", *args, strides=stride, groups=a["groups"], **kw)
        helpers = ("ConvExact",)
    return Layers((*steps, Step(ctor)), helpers)


@_lower("conv1d")
def _conv1d(node, graph):
    a = node.attrs
    (left, right), stride, steps = a["padding"], a["stride"], []
    if left or right:
        steps.append(Step(build("layers.ZeroPadding1D", ("padding", (left, right))), "pad"))
    if node.shape[1] == 1 and stride > 1:
        length = input_of(graph, node)[1] + left + right
        window = (a["kernel"] - 1) * a["dilation"] + 1
        if length > window:
            steps.append(Step(build("layers.Cropping1D", ("cropping", (0, length - window))),
                              "crop"))
        stride = 1
    args = (("filters", a["out_channels"]), ("kernel_size", a["kernel"]))
    if a["groups"] == 1 and not (a["dilation"] > 1 and stride > 1):
        ctor = build("layers.Conv1D", *args, strides=stride, dilation_rate=a["dilation"],
                     use_bias=a["bias"])
        return Layers((*steps, Step(ctor)))
    if a["dilation"] > 1:
        ctor = build("Conv1DExact", *args, groups=a["groups"], dilation_rate=a["dilation"],
                     subsample=stride, use_bias=a["bias"])
    else:
        ctor = build("Conv1DExact", *args, strides=stride, groups=a["groups"], use_bias=a["bias"])
    return Layers((*steps, Step(ctor)), ("Conv1DExact",))


@_lower("conv3d")
def _conv3d(node, graph):
    a = node.attrs
    steps, pad = list(pad_steps(a["padding"])), a["padding"]
    crop, stride = [(0, 0)] * 3, list(a["stride"])
    for i, size in enumerate(input_of(graph, node)[1:]):  # one output: stride 1, cropped
        if node.shape[1 + i] == 1 and stride[i] > 1:
            window = (a["kernel"][i] - 1) * a["dilation"][i] + 1
            crop[i] = (0, size + pad[i][0] + pad[i][1] - window)
            stride[i] = 1
    if any(c for side in crop for c in side):
        steps.append(Step(build("layers.Cropping3D", ("cropping", tuple(crop))), "crop"))
    stride = tuple(stride)
    args = (("filters", a["out_channels"]), ("kernel_size", a["kernel"]))
    dilated = any(d > 1 for d in a["dilation"])
    if a["groups"] == 1 and not (dilated and any(s > 1 for s in stride)):
        ctor = build("layers.Conv3D", *args, strides=stride, dilation_rate=a["dilation"],
                     use_bias=a["bias"])
        return Layers((*steps, Step(ctor)))
    ctor = build("Conv3DExact", *args, groups=a["groups"], dilation_rate=a["dilation"],
                 subsample=stride, use_bias=a["bias"])
    return Layers((*steps, Step(ctor)), ("Conv3DExact",))


_lower("zero_pad2d")(lambda node, graph: one(build("layers.ZeroPadding2D",
                                                   ("padding", node.attrs["padding"]))))


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph):
    a = node.attrs
    pad, extra = a["padding"], a["output_padding"]
    if a["groups"] > 1 or a["dilation"] != (1, 1) or any(e > p for e, p in zip(extra, pad)):
        return one(build("ConvTransposeExact", ("filters", a["out_channels"]),
                         ("kernel_size", a["kernel"]), ("strides", a["stride"]),
                         ("padding", pad), ("output_padding", extra),
                         ("dilation_rate", a["dilation"]), ("groups", a["groups"]),
                         ("use_bias", a["bias"])), ("ConvTransposeExact",))
    (_, h, w) = input_of(graph, node)
    full = [n * s + max(k - s, 0) for n, s, k in zip((h, w), a["stride"], a["kernel"])]
    conv = Step(build("layers.Conv2DTranspose", ("filters", a["out_channels"]),
                      ("kernel_size", a["kernel"]), strides=a["stride"], use_bias=a["bias"]))
    crop = tuple((p, f - p - o) for p, f, o in zip(pad, full, node.shape[1:]))
    if not any(c for side in crop for c in side):
        return Layers((conv,))
    return Layers((conv, Step(build("layers.Cropping2D", ("cropping", crop)), "crop")))
