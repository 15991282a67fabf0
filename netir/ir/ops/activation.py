"""Element-wise activations and softmax.

Definitions are PyTorch's (docs/semantics.md lists where Keras or ONNX differ and how
each lowering keeps to them)."""

from __future__ import annotations

from netir.ir.attrs import Attr, choice, integer, optional_real, real
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.layout import ANY_RANK
from netir.ir.params import WEIGHT, Param, uniform
from netir.ir.registry import OpSpec

RELU = OpSpec(name="relu", category="activation", doc="max(x, 0).", in_place=True,
              ranks=ANY_RANK)
TANH = OpSpec(name="tanh", category="activation", doc="Hyperbolic tangent.", ranks=ANY_RANK)
SIGMOID = OpSpec(name="sigmoid", category="activation", doc="1 / (1 + exp(-x)).",
                 ranks=ANY_RANK)


def _softmax_shape(attrs, inputs):
    if attrs["axis"] >= len(inputs[0]):
        raise ShapeError("softmax axis out of range for the input",
                         f"axis={attrs['axis']}, input {inputs[0]}")
    return inputs[0]


def _softmax_axes(shape) -> list[int]:
    """Axes worth drawing: a softmax over an axis of size 1 is the constant 1 (Keras
    warns), after which a calibrated batch norm sees zero variance and amplifies float32
    rounding without bound; such an axis is drawn only when no other exists."""
    return [i for i, n in enumerate(shape) if n > 1] or list(range(len(shape)))


SOFTMAX = OpSpec(
    name="softmax", category="activation",
    doc="Softmax along a logical axis (batch excluded; 0 is the first axis of the layout).",
    ranks=ANY_RANK,
    attrs=(Attr("axis", integer(0), 0, "logical axis, batch excluded", axis="axis"),),
    shape=_softmax_shape,
    draw_attrs=lambda draw, st, inputs: {"axis": draw(st.sampled_from(_softmax_axes(inputs[0])))},
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
    name="hardtanh", category="activation", positional=("min_val", "max_val"), ranks=ANY_RANK,
    doc="Clip to [min_val, max_val] (PyTorch's Hardtanh; ReLU6 is min 0, max 6).",
    attrs=(Attr("min_val", real(), -1.0, "lower bound"),
           Attr("max_val", real(), 1.0, "upper bound, above min_val")),
    resolve=_hardtanh_resolve, draw_attrs=_hardtanh_draw,
    describe=lambda a: f"hardtanh [{a['min_val']:g}, {a['max_val']:g}]",
)


# -- modern activations -------------------------------------------------------------------
RELU6 = OpSpec(name="relu6", category="activation", ranks=ANY_RANK, in_place=True,
               doc="min(max(x, 0), 6): hardtanh(0, 6), exact (MobileNetV2).")


def _clip_resolve(attrs, inputs):
    low, high = attrs["min"], attrs["max"]
    if low is None and high is None:
        raise AttributeValueError("clip needs min, max or both", "min=None, max=None")
    if low is not None and high is not None and low > high:
        raise AttributeValueError("clip needs min <= max", f"min={low}, max={high}")
    return attrs


def _clip_draw(draw, st, inputs):
    low, high = draw(st.sampled_from([(-0.5, 0.5), (None, 0.25), (0.0, None), (-1.0, 2.0)]))
    return {"min": low, "max": high}


def _bound(v) -> str:
    return "" if v is None else f"{v:g}"


CLIP = OpSpec(
    name="clip", category="activation", ranks=ANY_RANK, positional=("min", "max"),
    doc="torch.clamp: max(x, min) then min(., max); either bound may be left out.",
    attrs=(Attr("min", optional_real(), None, "lower bound, None for none"),
           Attr("max", optional_real(), None, "upper bound, None for none")),
    resolve=_clip_resolve, draw_attrs=_clip_draw,
    describe=lambda a: f"clip [{_bound(a['min'])}, {_bound(a['max'])}]",
)

LEAKY_RELU = OpSpec(
    name="leaky_relu", category="activation", ranks=ANY_RANK, positional=("negative_slope",),
    in_place=True,
    doc="x where x > 0, else negative_slope · x.",
    attrs=(Attr("negative_slope", real(), 0.01, "slope below zero (PyTorch's default)"),),
    draw_attrs=lambda draw, st, inputs: {
        "negative_slope": draw(st.sampled_from([0.01, 0.2, 1.5]))},
    describe=lambda a: f"leaky relu {a['negative_slope']:g}",
)

ELU = OpSpec(
    name="elu", category="activation", ranks=ANY_RANK, positional=("alpha",),
    doc="x where x > 0, else alpha · (exp(x) - 1).",
    attrs=(Attr("alpha", real(), 1.0, "scale of the negative part"),),
    draw_attrs=lambda draw, st, inputs: {"alpha": draw(st.sampled_from([1.0, 0.5]))},
    describe=lambda a: f"elu {a['alpha']:g}",
)

GELU = OpSpec(
    name="gelu", category="activation", ranks=ANY_RANK, positional=("approximate",),
    doc="x · Φ(x): 'none' is the erf form 0.5·x·(1 + erf(x/√2)) (PyTorch's default); "
        "'tanh' is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).",
    attrs=(Attr("approximate", choice("none", "tanh"), "none",
                "'none' (erf, exact) or 'tanh' (keras.ops.gelu's default)"),),
    draw_attrs=lambda draw, st, inputs: {
        "approximate": draw(st.sampled_from(["none", "tanh"]))},
    describe=lambda a: "gelu" if a["approximate"] == "none" else "gelu tanh",
)

SILU = OpSpec(name="silu", category="activation", ranks=ANY_RANK, in_place=True,
              doc="x · sigmoid(x) (swish).")
HARDSWISH = OpSpec(name="hardswish", category="activation", ranks=ANY_RANK, in_place=True,
                   doc="x · relu6(x + 3) / 6 (PyTorch, Keras 3 hard_silu).")
HARDSIGMOID = OpSpec(name="hardsigmoid", category="activation", ranks=ANY_RANK,
                     doc="relu6(x + 3) / 6 (PyTorch, Keras 3; not Keras 2's 0.2·x + 0.5).")
MISH = OpSpec(name="mish", category="activation", ranks=ANY_RANK,
              doc="x · tanh(softplus(x)).")
SOFTPLUS = OpSpec(
    name="softplus", category="activation", ranks=ANY_RANK,
    doc="log(1 + exp(x)); PyTorch returns x itself above 20, which differs by under 3e-9.")


def _prelu_shape(attrs, inputs):
    n, c = attrs["num_parameters"], inputs[0].features
    if n not in (1, c):
        raise ShapeError("prelu num_parameters must be 1 or the size of the feature axis",
                         f"num_parameters={n}, channels={c}")
    return inputs[0]


PRELU = OpSpec(
    name="prelu", category="activation", ranks=ANY_RANK, positional=("num_parameters",),
    doc="x where x > 0, else weight · x; one learned slope, or one per feature (the "
        "layout's feature axis; PyTorch's PReLU, weight (num_parameters,)).",
    attrs=(Attr("num_parameters", integer(1), 1, "1 (one shared slope) or the features"),),
    shape=_prelu_shape,
    parameters=(Param("weight", WEIGHT, "C", uniform(0.05, 0.45),
                      lambda a, i: (a["num_parameters"],),
                      doc="negative slopes (PyTorch initialises them to 0.25)"),),
    draw_attrs=lambda draw, st, inputs: {
        "num_parameters": draw(st.sampled_from([1, inputs[0].features]))},
    describe=lambda a: f"prelu {a['num_parameters']}",
)

OPS = (RELU, TANH, SIGMOID, SOFTMAX, HARDTANH, RELU6, CLIP, LEAKY_RELU, ELU, GELU, SILU,
       HARDSWISH, HARDSIGMOID, MISH, SOFTPLUS, PRELU)
