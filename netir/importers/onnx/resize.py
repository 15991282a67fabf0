"""Upsampling (netir/ir/ops/resize.py): Resize (to sizes or by scales) and opset 9's
Upsample, in the coordinate modes that are PyTorch's: nearest ``asymmetric`` with
``floor``, linear ``half_pixel`` or ``align_corners``."""

from __future__ import annotations

import numpy as np

from netir.importers.onnx.common import int_list
from netir.importers.onnx.walk import Unsupported
from netir.ir import arithmetic


def _mode(unit, legacy: bool) -> tuple[str, bool]:
    mode = unit.attr("mode", "nearest")
    if legacy:
        return {"nearest": ("nearest", False), "linear": ("bilinear", False)}.get(
            mode) or _refuse(mode)
    coords = unit.attr("coordinate_transformation_mode", "half_pixel")
    if mode == "nearest" and coords == "asymmetric" and \
            unit.attr("nearest_mode", "round_prefer_floor") == "floor":
        return "nearest", False
    if mode == "linear" and coords in ("half_pixel", "pytorch_half_pixel", "align_corners"):
        return "bilinear", coords == "align_corners"
    return _refuse(f"{mode} with {coords}")


def _refuse(what):
    raise Unsupported(f"resizing by {what} (the IR's upsample is PyTorch's nearest or "
                      f"bilinear)")


def _resize(ctx, unit):
    node = unit.head
    x = ctx.x(node.input[0])
    if ctx.opset < 11 or len(x.shape) != 3:
        mode, corners = _mode(unit, True)
    else:
        mode, corners = _mode(unit, False)
    axes = unit.attr("axes")
    sizes = ctx.input(3) if ctx.opset >= 11 else ""
    if sizes:
        size = int_list(ctx.const(sizes))
        size = size if axes is not None else size[2:] if len(size) == 4 else _refuse(size)
        return _upsample(ctx, x, tuple(size), mode, corners)
    scales_name = ctx.input(2) if ctx.opset >= 11 else ctx.input(1)
    scales = [float(v) for v in ctx.const(scales_name).reshape(-1)]
    scales = scales if axes is not None else scales[2:]
    size = tuple(int(n * s) for n, s in zip(x.shape[1:], scales))
    if any(n * s != o for n, s, o in zip(x.shape[1:], scales, size)):
        raise Unsupported(f"resizing by scales {scales} to a fractional size")
    return _upsample(ctx, x, size, mode, corners)


def _upsample(ctx, x, size, mode: str, corners: bool):
    """By a whole scale factor where the sizes are whole multiples, else to ``size``."""
    sizes = x.shape[1:]
    factors = {o // n for n, o in zip(sizes, size) if o % n == 0}
    if all(o % n == 0 for n, o in zip(sizes, size)) and len(factors) >= 1:
        scale = tuple(o // n for n, o in zip(sizes, size))
        return ctx.add("upsample", [x], {"scale_factor": scale, "mode": mode,
                                         "align_corners": corners})
    return ctx.add("upsample", [x], {"size": tuple(size), "mode": mode,
                                     "align_corners": corners})


_LINEAR = ("lower", "upper", "w0", "w1", "x0", "x1", "y0", "y1")


def _gathered_steps(axes: int, mode: str) -> tuple[str, ...]:
    per = ("index",) if mode == "nearest" else _LINEAR
    steps = [f"axis{a}/{s}" for a in range(2, 2 + axes) for s in per]
    return tuple(steps + (["rows"] if axes == 2 else []))


def _gathered(mode: str):
    def convert(ctx, unit):
        """The ONNX backend's resize by the IR's own source indices, axis by axis:
        checked against them, the sizes read from their lengths."""
        s, sizes = unit.steps, []
        # what reads the input: the first axis' Gather (its result "rows" where there
        # are two axes) or, bilinear, its lower-index Gather
        first = s.get("rows", unit.head) if mode == "nearest" else s["axis2/x0"]
        x = ctx.x(first.input[0])
        corners = False
        for i, n in enumerate(x.shape[1:]):
            a = f"axis{i + 2}"
            if mode == "nearest":
                index = ctx.const(s[f"{a}/index"].output[0])
                out = len(index)
                if list(index) != list(arithmetic.nearest_source(n, out)):
                    raise Unsupported("a Gather that is not the IR's nearest upsample")
            else:
                lower = ctx.const(s[f"{a}/lower"].output[0])
                out = len(lower)
                w1 = ctx.const(s[f"{a}/w1"].output[0]).reshape(-1)
                for corners in (False, True):
                    low, _, weight = arithmetic.linear_source(n, out, corners)
                    if list(low) == list(lower) and np.array_equal(
                            weight.astype(np.float32), w1):
                        break
                else:
                    raise Unsupported("a blend that is not the IR's bilinear upsample")
            sizes.append(out)
        return _upsample(ctx, x, tuple(sizes), "bilinear" if mode != "nearest" else
                         "nearest", corners)

    return convert


def entries(entry):
    gathered = [entry("Gather" if mode == "nearest" else "Add", _gathered(mode),
                      steps=_gathered_steps(axes, mode))
                for mode in ("nearest", "bilinear") for axes in (1, 2)]
    return gathered + [entry("Resize", _resize, opsets=(10, 26)),
            entry("Resize", _resize, steps=("sizes",), opsets=(10, 26)),
            entry("Upsample", _resize, opsets=(9, 9))]
