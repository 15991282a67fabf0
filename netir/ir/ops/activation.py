"""Element-wise activations and softmax."""

from __future__ import annotations

from netir.ir.attrs import Attr, integer, real
from netir.ir.errors import AttributeValueError, ShapeError
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



def _hardtanh_resolve(attrs, inputs):
    if attrs["min_val"] >= attrs["max_val"]:
        raise AttributeValueError("min_val must be below max_val",
                                  f"min_val={attrs['min_val']}, max_val={attrs['max_val']}")
    return attrs


def _hardtanh_draw(draw, st, inputs):
    low = draw(st.sampled_from([-1.0, -0.5, 0.0]))
    return {"min_val": low, "max_val": low + draw(st.sampled_from([0.5, 1.0, 2.0]))}


HARDTANH = OpSpec(
    name="hardtanh", category="activation", positional=("min_val", "max_val"),
    doc="Clip to [min_val, max_val] (PyTorch's Hardtanh; ReLU6 is min 0, max 6).",
    attrs=(Attr("min_val", real(), -1.0, "lower bound"),
           Attr("max_val", real(), 1.0, "upper bound, above min_val")),
    resolve=_hardtanh_resolve, draw_attrs=_hardtanh_draw,
    describe=lambda a: f"hardtanh [{a['min_val']:g}, {a['max_val']:g}]",
)

OPS = (RELU, TANH, SIGMOID, SOFTMAX, HARDTANH)
