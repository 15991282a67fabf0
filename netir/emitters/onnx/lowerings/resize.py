"""ONNX lowering of upsample (netir/ir/ops/resize.py): ``Resize`` where onnxruntime's
coordinates are PyTorch's, else the IR's own source indices gathered."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from netir.emitters.onnx.protos import const, ints, op
from netir.ir import arithmetic


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


def _gathered(plan, x: str, axis: int, size: int, out: int, result: str) -> list:
    """Axis ``axis`` (batch first) of ``x`` resized into ``result`` by the IR's own
    source indices (and, bilinear, weights broadcast along the axes after it)."""
    a, name = plan.attrs, f"{plan.name}/axis{axis}"
    if a["mode"] == "nearest":
        index = ints(f"{name}/index", arithmetic.nearest_source(size, out).tolist())
        return [index, op("Gather", [x, index.name], result, axis=axis)]
    lower, upper, weight = arithmetic.linear_source(size, out, a["align_corners"])
    shape = (out, *(1 for later in plan.positions if later > axis))
    protos = [ints(f"{name}/lower", lower.tolist()), ints(f"{name}/upper", upper.tolist()),
              const(f"{name}/w0", (np.float32(1) - weight).reshape(shape)),
              const(f"{name}/w1", weight.reshape(shape))]
    return [*protos, op("Gather", [x, f"{name}/lower"], f"{name}/x0", axis=axis),
            op("Gather", [x, f"{name}/upper"], f"{name}/x1", axis=axis),
            op("Mul", [f"{name}/x0", f"{name}/w0"], f"{name}/y0"),
            op("Mul", [f"{name}/x1", f"{name}/w1"], f"{name}/y1"),
            op("Add", [f"{name}/y0", f"{name}/y1"], result)]


def upsample(plan, inputs):
    """``Resize`` to the output ``sizes`` where the runtime's coordinates are exact
    (:func:`_resize_is_exact`): bilinear is ``linear`` with ``half_pixel`` or
    ``align_corners`` coordinates, nearest ``asymmetric`` with ``floor`` (PyTorch's
    ⌊dst·in/out⌋). Otherwise each axis gathers the IR's source indices and blends them
    with the IR's weights (PyTorch's float32 ones)."""
    a, name, axes = plan.attrs, plan.name, plan.positions
    sizes = [(plan.inputs[0][axis - 1], plan.output[axis - 1]) for axis in axes]
    if not all(_resize_is_exact(a["mode"], a["align_corners"], n, o) for n, o in sizes):
        protos, x = [], inputs[0]
        for i, (axis, (n, o)) in enumerate(zip(axes, sizes)):
            result = name if i == len(axes) - 1 else f"{name}/rows"
            protos += _gathered(plan, x, axis, n, o, result)
            x = result
        return protos
    target = ints(f"{name}/sizes", [o for _, o in sizes])  # of the position axes
    if a["mode"] == "nearest":
        mode = dict(mode="nearest", coordinate_transformation_mode="asymmetric",
                    nearest_mode="floor")
    else:
        mode = dict(mode="linear", coordinate_transformation_mode="align_corners"
                    if a["align_corners"] else "half_pixel")
    return [target, op("Resize", [inputs[0], "", "", target.name], name, axes=list(axes),
                       **mode)]


LOWERINGS = {"upsample": upsample}
