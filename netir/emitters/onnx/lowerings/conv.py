"""ONNX lowerings of the convolutions and zero padding (netir/ir/ops/conv.py).

``Conv`` and ``ConvTranspose`` are N-d in ONNX: one lowering serves every rank, read
from the node's window plan; the weights are the neutral (out, in/groups, *kernel) and
(in, out/groups, *kernel), ONNX's own.
"""

from __future__ import annotations

from netir.emitters.onnx.padding import onnx_pads, zero_pad
from netir.emitters.onnx.protos import ints, op, param
from netir.ir.ops.window import per_axis


def convolution(plan, inputs):
    """One ``Conv`` with explicit ``pads`` (never ``auto_pad``)."""
    w, bias = plan.window, [param(plan, "bias")] if plan.attrs["bias"] else []
    return [op("Conv", [inputs[0], param(plan, "weight"), *bias], plan.name,
               kernel_shape=list(w.kernel), strides=list(w.stride), dilations=list(w.dilation),
               pads=onnx_pads(w.padding), group=plan.attrs["groups"])]


def transposed_convolution(plan, inputs):
    """``ConvTranspose`` with explicit ``pads`` (never ``auto_pad`` or ``output_shape``).

    The IR's output is the full transposed output less ``p`` before and
    ``p − output_padding`` after, extended by zeros where ``output_padding`` exceeds
    ``p``. So ``output_padding`` goes into the end pads (``p − output_padding``), and
    what exceeds ``p`` is a zero ``Pad`` before the bias: onnxruntime refuses an
    ``output_padding`` at or above the stride, which the IR allows below the dilation.
    """
    a, w, name = plan.attrs, plan.window, plan.name
    cut = [before for before, _ in w.padding]
    ends = [max(p - e, 0) for p, e in zip(cut, a["output_padding"])]
    extra = [max(e - p, 0) for p, e in zip(cut, a["output_padding"])]
    window = dict(kernel_shape=list(w.kernel), strides=list(w.stride),
                  dilations=list(w.dilation), pads=[*cut, *ends], group=a["groups"])
    bias = [param(plan, "bias")] if a["bias"] else []
    if not any(extra):
        return [op("ConvTranspose", [inputs[0], param(plan, "weight"), *bias], name, **window)]
    padded = f"{name}/extended" if bias else name
    protos = [op("ConvTranspose", [inputs[0], param(plan, "weight")], f"{name}/full", **window),
              *zero_pad(padded, f"{name}/full", [(0, e) for e in extra], plan.positions)]
    if not bias:
        return protos
    shape = ints(f"{name}/bias_shape", [a["out_channels"], *(1 for _ in extra)])
    return [*protos, shape, op("Reshape", [bias[0], shape.name], f"{name}/bias"),
            op("Add", [padded, f"{name}/bias"], name)]


def zero_padding(plan, inputs):
    padding = per_axis(plan.attrs["padding"], len(plan.positions))
    return zero_pad(plan.name, inputs[0], padding, plan.positions)


LOWERINGS = {
    "conv1d": convolution,
    "conv2d": convolution,
    "conv3d": convolution,
    "conv_transpose2d": transposed_convolution,
    "zero_pad2d": zero_padding,
}
