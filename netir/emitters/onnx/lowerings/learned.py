"""ONNX lowerings of the learned tensors (netir/ir/ops/learned.py)."""

from __future__ import annotations

from netir.emitters.onnx.protos import ints, op, param


def parameter(plan, inputs):
    """The (1, *shape) initializer ``Expand`` ed to the input's batch."""
    name = plan.name
    rest = ints(f"{name}/rest", list(plan.output))
    return [rest, op("Shape", inputs, f"{name}/batch", start=0, end=1),
            op("Concat", [f"{name}/batch", rest.name], f"{name}/shape", axis=0),
            op("Expand", [param(plan, "weight"), f"{name}/shape"], name)]


def layer_scale(plan, inputs):
    """The (C, 1, 1) weight broadcasts against (N, C, H, W) as it stands."""
    return [op("Mul", [inputs[0], param(plan, "weight")], plan.name)]


LOWERINGS = {"parameter": parameter, "layer_scale": layer_scale}
