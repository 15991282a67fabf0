"""Element-wise activations and softmax."""

from __future__ import annotations

from netir.ir.attrs import Attr, integer
from netir.ir.errors import ShapeError
from netir.ir.registry import OpSpec

RELU = OpSpec(name="relu", category="activation", doc="max(x, 0).", in_place=True)
TANH = OpSpec(name="tanh", category="activation", doc="Hyperbolic tangent.")
SIGMOID = OpSpec(name="sigmoid", category="activation", doc="1 / (1 + exp(-x)).")


def _softmax_shape(attrs, inputs):
    if attrs["axis"] >= len(inputs[0]):
        raise ShapeError("softmax axis out of range for the input",
                         f"axis={attrs['axis']}, input {inputs[0]}")
    return inputs[0]


SOFTMAX = OpSpec(
    name="softmax", category="activation",
    doc="Softmax along a logical axis (0 = channels/features, batch excluded).",
    attrs=(Attr("axis", integer(0), 0, "logical axis, batch excluded"),),
    shape=_softmax_shape,
    draw_attrs=lambda draw, st, inputs: {"axis": draw(st.integers(0, len(inputs[0]) - 1))},
)

OPS = (RELU, TANH, SIGMOID, SOFTMAX)
