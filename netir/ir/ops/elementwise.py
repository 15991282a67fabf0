"""Element-wise arithmetic: two tensors broadcast on their logical axes, or one tensor
and a constant.

Broadcasting is NumPy's on the logical shapes (batch excluded), restricted to inputs of
one rank: each axis is equal in both or 1 in one of them, and the output takes the
larger. A (C, 1, 1) gate times a (C, H, W) map is squeeze-excitation's case. Inputs of
different ranks are refused: NumPy would align a (C,) vector with W, which is never what
a network means by it. ``add`` takes any number of inputs and broadcasts the same way.
"""

from __future__ import annotations

from dataclasses import replace
from functools import reduce

from netir.ir.attrs import Attr, optional_real
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.layout import ANY_RANK
from netir.ir.registry import OpSpec

TENSOR_RANKS = ANY_RANK


def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast of two logical shapes of one rank; ShapeError otherwise."""
    if len(a) != len(b):
        raise ShapeError("element-wise inputs must have one rank (broadcasting across "
                         "ranks would align a (C,) vector with the last axis)",
                         f"{tuple(a)}, {tuple(b)}")
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        raise ShapeError("element-wise inputs must match on every axis or be 1 on it "
                         "(NumPy broadcasting on the logical axes)", f"{tuple(a)}, {tuple(b)}")
    return tuple(max(x, y) for x, y in zip(a, b))


def same_layout(op: str, inputs) -> None:
    """ShapeError unless every input has one layout: a (T, C) token sequence and a (C, L)
    sequence of the same shape do not mean the same axes."""
    if any(s.layout != inputs[0].layout for s in inputs):
        raise ShapeError(f"{op} needs inputs of one layout",
                         ", ".join(f"{tuple(s)} {s.layout}" for s in inputs))


def broadcast_all(op: str, inputs) -> tuple[int, ...]:
    """The broadcast shape of inputs of one rank and layout (:func:`broadcast_shape`)."""
    shape = reduce(broadcast_shape, inputs)
    same_layout(op, inputs)
    return shape


def _shape(attrs, inputs):
    if len(inputs) == 1:
        if attrs["scalar"] is None:
            raise AttributeValueError("one input needs the constant operand 'scalar'",
                                      "scalar=None")
        return inputs[0]
    if attrs["scalar"] is not None:
        raise AttributeValueError("'scalar' is the second operand of a one-input node; "
                                  "this node has two inputs", f"scalar={attrs['scalar']}")
    return broadcast_all("element-wise op", inputs)


def _draw(draw, st, inputs):
    return {"scalar": draw(st.sampled_from([0.5, -2.0, 3.0])) if len(inputs) == 1 else None}


def _describe(symbol: str):
    return lambda a: symbol if a["scalar"] is None else f"{symbol} {a['scalar']:g}"


def _arithmetic(name: str, symbol: str, doc: str) -> OpSpec:
    return OpSpec(
        name=name, category="merge", arity=(1, 2), ranks=TENSOR_RANKS, doc=doc,
        attrs=(Attr("scalar", optional_real(), None,
                    "the second operand when the node has one input: x op scalar"),),
        shape=_shape, draw_attrs=_draw, describe=_describe(symbol), overwritable=True)


def _div_resolve(attrs, inputs):
    if attrs["scalar"] == 0.0:
        raise AttributeValueError("division by the constant 0", "scalar=0.0")
    return attrs


MUL = _arithmetic("mul", "×", "a · b, broadcast on the logical axes, or x · scalar.")
SUB = _arithmetic("sub", "−", "a − b, broadcast on the logical axes, or x − scalar.")
DIV = replace(_arithmetic("div", "÷", "a / b (true division), broadcast on the logical "
                                     "axes, or x / scalar."), resolve=_div_resolve)
MAXIMUM = _arithmetic("maximum", "max", "max(a, b) element-wise, broadcast, or max(x, scalar).")
MINIMUM = _arithmetic("minimum", "min", "min(a, b) element-wise, broadcast, or min(x, scalar).")

def _add_shape(attrs, inputs):
    return broadcast_all("add", inputs)


ADD = OpSpec(name="add", category="merge", arity=(2, None), shape=_add_shape,
             in_place=True, overwritable=True, ranks=ANY_RANK,
             doc="Element-wise sum (residual connections); inputs of one rank and layout "
                 "broadcast NumPy's way on the logical axes, as mul.")

OPS = (ADD, MUL, SUB, DIV, MAXIMUM, MINIMUM)
