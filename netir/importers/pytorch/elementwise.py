"""Element-wise arithmetic (netir/ir/ops/elementwise.py, merge.py, learned.py): ``+``,
``*``, ``-``, ``/`` and their in-place forms, torch.add / mul / maximum / minimum /
clamp, ``-x``, ``x ** 2``, and a learned tensor in an expression (position embedding,
layer scale).

``x + c`` is the IR's ``sub`` with scalar ``-c`` (``x - (-c)`` is ``x + c`` exactly).
"""

from __future__ import annotations

import operator

import torch

from netir.importers.pytorch.common import unary
from netir.importers.pytorch.values import Param, Permuted, Unsupported
from netir.ir.layout import feature_axis
from netir.ir.node import Tensor

_NUMBER = (int, float)


def _both(ctx, a, b):
    """Two operands as tensors, sharing a pending permute when both have the same one."""
    if isinstance(a, Permuted) and isinstance(b, Permuted) and a.dims == b.dims:
        return a.tensor, b.tensor, a.dims
    if isinstance(a, Param) and isinstance(b, (Tensor, Permuted)):
        a = _embedding(ctx, a, b)
    if isinstance(b, Param) and isinstance(a, (Tensor, Permuted)):
        b = _embedding(ctx, b, a)
    return ctx.tensor(a), ctx.tensor(b), None


def _embedding(ctx, param: Param, like):
    """A learned (1, *S) tensor added to ``like``: the IR's parameter op."""
    from netir.importers.pytorch.shape import parameter

    return parameter(ctx, param, like)


def _binary(op: str, scalar_op=None, negate=False):
    """An entry ``op(a, b)`` for tensors; with a number on the right, ``scalar_op`` with
    the number (negated for ``+``)."""
    def entry(ctx, a, b, *, alpha=1, out=None):
        if alpha != 1 or out is not None:
            raise Unsupported(f"{op} with alpha or out")
        if isinstance(a, _NUMBER) and op in ("add", "mul"):
            a, b = b, a
        if isinstance(b, _NUMBER):
            if isinstance(a, _NUMBER):
                raise Unsupported("arithmetic on constants")
            value = -float(b) if negate else float(b)
            x = a.tensor if isinstance(a, Permuted) else a
            out_ = ctx.add(scalar_op or op, [x], {"scalar": value})
            return Permuted(out_, a.dims) if isinstance(a, Permuted) else out_
        if isinstance(a, _NUMBER):
            raise Unsupported(f"a number on the left of {op} (the IR's scalar is the right "
                              "operand)")
        if op == "mul":
            scaled = _layer_scale(ctx, a, b)
            if scaled is not None:
                return scaled
        x, y, dims = _both(ctx, a, b)
        result = ctx.add(op, [x, y])
        return result if dims is None else Permuted(result, dims)
    return entry


def _layer_scale(ctx, a, b):
    """``gamma * x`` with one learned gamma per feature: the IR's layer_scale."""
    param, x = (a, b) if isinstance(a, Param) else (b, a) if isinstance(b, Param) else (None, None)
    if param is None or not isinstance(x, Tensor):
        return None
    fa, rank = feature_axis(x.layout), len(x.shape)
    want = tuple(n if i == fa else 1 for i, n in enumerate(x.shape))  # the IR's gamma
    value = param.value
    if value.dim() > rank + 1 \
            or (1,) * (rank + 1 - value.dim()) + tuple(value.shape) != (1, *want):
        return None  # not one gamma per feature, as torch broadcasts it
    return ctx.place(Param(param.path, value.reshape(want)), "layer_scale", x)


def _add_list(ctx, *xs):
    return ctx.add("add", list(xs))


def _clamp(ctx, x, min=None, max=None):
    return ctx.add("clip", [x], {"min": None if min is None else float(min),
                                 "max": None if max is None else float(max)})


def _neg(ctx, x):
    """``-x``: x · -1, exactly."""
    return unary(ctx, "mul", x, {"scalar": -1.0})


def _pow(ctx, x, exponent):
    """``x ** 2`` is x · x (torch squares exactly so); ``x ** 1`` is x."""
    if exponent == 1:
        return x
    if exponent != 2 or not isinstance(x, (Tensor, Permuted)):
        raise Unsupported(f"a power {exponent!r} of {type(x).__name__} (the IR has x · x "
                          "for a square, no other power)")
    if isinstance(x, Permuted):
        return Permuted(ctx.add("mul", [x.tensor, x.tensor]), x.dims)
    return ctx.add("mul", [x, x])


_ADD = _binary("add", "sub", negate=True)
_MUL = _binary("mul")
_SUB = _binary("sub")
_DIV = _binary("div")

MODULES: dict = {}
FUNCTIONS = {
    operator.add: _ADD, operator.iadd: _ADD, torch.add: _ADD,
    operator.mul: _MUL, operator.imul: _MUL, torch.mul: _MUL,
    operator.sub: _SUB, operator.isub: _SUB, torch.sub: _SUB,
    operator.truediv: _DIV, operator.itruediv: _DIV, torch.div: _DIV,
    torch.maximum: _binary("maximum"), torch.minimum: _binary("minimum"),
    torch.clamp: _clamp, torch.clip: _clamp,
    operator.neg: _neg, torch.neg: _neg, operator.pow: _pow, torch.pow: _pow,
}
METHODS = {
    "add": _ADD, "add_": _ADD, "mul": _MUL, "mul_": _MUL, "sub": _SUB, "sub_": _SUB,
    "div": _DIV, "div_": _DIV, "clamp": _clamp, "clamp_": _clamp, "clip": _clamp,
    "neg": _neg, "pow": _pow,
}
