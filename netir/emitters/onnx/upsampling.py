"""The ONNX lowerings of the upsampling ops (conv_transpose2d, upsample), registered on
import by :mod:`.lowerings`; same signature as there."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from netir.emitters.onnx.lowerings import _lower, zero_pad
from netir.emitters.onnx.protos import const, ints, op, param
from netir.ir import arithmetic


@_lower("conv_transpose2d")
def _conv_transpose2d(node, graph, inputs):
    """``ConvTranspose`` with explicit ``pads`` (never ``auto_pad`` or ``output_shape``);
    the weight is the neutral (in, out/groups, kh, kw).

    The IR's output is the full transposed output less ``p`` before and
    ``p − output_padding`` after, extended by zeros where ``output_padding`` exceeds
    ``p``. So ``output_padding`` goes into the end pads (``p − output_padding``), and
    what exceeds ``p`` is a zero ``Pad`` before the bias: onnxruntime refuses an
    ``output_padding`` at or above the stride, which the IR allows below the dilation.
    """
    a, name = node.attrs, node.name
    ends = [max(p - e, 0) for p, e in zip(a["padding"], a["output_padding"])]
    extra = [max(e - p, 0) for p, e in zip(a["padding"], a["output_padding"])]
    window = dict(kernel_shape=list(a["kernel"]), strides=list(a["stride"]),
                  dilations=list(a["dilation"]), pads=[*a["padding"], *ends], group=a["groups"])
    bias = [param(node, "bias")] if a["bias"] else []
    if not any(extra):
        return [op("ConvTranspose", [inputs[0], param(node, "weight"), *bias], name, **window)]
    shape = ints(f"{name}/bias_shape", [a["out_channels"], 1, 1])
    padded = f"{name}/extended" if bias else name
    protos = [op("ConvTranspose", [inputs[0], param(node, "weight")], f"{name}/full", **window),
              *zero_pad(padded, f"{name}/full", ((0, extra[0]), (0, extra[1])))]
    if not bias:
        return protos
    return [*protos, shape, op("Reshape", [bias[0], shape.name], f"{name}/bias"),
            op("Add", [padded, f"{name}/bias"], name)]


def _power_of_two(ratio: Fraction) -> bool:
    return all(v & (v - 1) == 0 for v in (ratio.numerator, ratio.denominator))


def _resize_is_exact(mode: str, align_corners: bool, size: int, out: int) -> bool:
    """Whether onnxruntime's float source coordinate is PyTorch's along this axis: for
    nearest an integer upscale (``dst / s``); for bilinear a power-of-two coordinate
    scale, where every product is exact. At other ratios the two round differently
    (3x bilinear at 100 -> 300: 2.5e-5 apart)."""
    if mode == "nearest":
        return out % size == 0
    if align_corners:
        return size > 1 and out > 1 and _power_of_two(Fraction(size - 1, out - 1))
    return _power_of_two(Fraction(size, out))


def _gathered(node, x: str, axis: int, size: int, out: int, result: str) -> list:
    """Axis ``axis`` of ``x`` resized into ``result`` by the IR's own source indices
    (and, bilinear, weights)."""
    a, name = node.attrs, f"{node.name}/axis{axis}"
    if a["mode"] == "nearest":
        index = ints(f"{name}/index", arithmetic.nearest_source(size, out).tolist())
        return [index, op("Gather", [x, index.name], result, axis=axis)]
    lower, upper, weight = arithmetic.linear_source(size, out, a["align_corners"])
    shape = (out, 1) if axis == 2 else (out,)
    protos = [ints(f"{name}/lower", lower.tolist()), ints(f"{name}/upper", upper.tolist()),
              const(f"{name}/w0", (np.float32(1) - weight).reshape(shape)),
              const(f"{name}/w1", weight.reshape(shape))]
    return [*protos, op("Gather", [x, f"{name}/lower"], f"{name}/x0", axis=axis),
            op("Gather", [x, f"{name}/upper"], f"{name}/x1", axis=axis),
            op("Mul", [f"{name}/x0", f"{name}/w0"], f"{name}/y0"),
            op("Mul", [f"{name}/x1", f"{name}/w1"], f"{name}/y1"),
            op("Add", [f"{name}/y0", f"{name}/y1"], result)]


@_lower("upsample")
def _upsample(node, graph, inputs):
    """``Resize`` to the output ``sizes`` where the runtime's coordinates are exact
    (:func:`_resize_is_exact`): bilinear is ``linear`` with ``half_pixel`` or
    ``align_corners`` coordinates, nearest ``asymmetric`` with ``floor`` (PyTorch's
    ⌊dst·in/out⌋). Otherwise each axis gathers the IR's source indices and blends them
    with the IR's weights (PyTorch's float32 ones)."""
    a, name = node.attrs, node.name
    (_, h, w), out = graph.input_shapes(node)[0], node.shape
    if not all(_resize_is_exact(a["mode"], a["align_corners"], n, o)
               for n, o in ((h, out[1]), (w, out[2]))):
        return [*_gathered(node, inputs[0], 2, h, out[1], f"{name}/rows"),
                *_gathered(node, f"{name}/rows", 3, w, out[2], name)]
    sizes = ints(f"{name}/sizes", list(out[1:]))  # of the axes H, W (opset 18's axes)
    if a["mode"] == "nearest":
        mode = dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                    nearest_mode="floor")
    else:
        mode = dict(mode="linear", coordinate_transformation_mode="align_corners"
                    if a["align_corners"] else "half_pixel")
    return [sizes, op("Resize", [inputs[0], "", "", sizes.name], name, axes=[2, 3], **mode)]
