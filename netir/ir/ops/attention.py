"""Attention: matmul, scaled dot-product attention and multi-head attention.

All three work on the logical order (batch excluded): the last two axes are the matrix
(tokens ``(T, D)`` for attention), any axes before them are matched one to one.

``multi_head_attention`` is PyTorch's ``nn.MultiheadAttention`` (``batch_first``): its
neutral weights are torch's packed ``in_proj_weight`` ``(3D, D)`` (query, key, value
rows in that order), ``in_proj_bias`` ``(3D,)``, ``out_proj.weight`` ``(D, D)`` and
``out_proj.bias``. Head h reads features ``h·D/H ... (h+1)·D/H - 1`` of each projection;
scores are scaled by ``1/sqrt(D/H)`` and softmaxed over the keys; the heads are
concatenated in order before ``out_proj``.

MACs count every matrix product, as torchvision's FlopCounterMode does for matmuls and
attention: ``matmul`` M·K·N per matrix; attention Tq·Tk·(D + Dv); multi-head attention
adds its projections ((Tq + 2·Tk)·D² + Tq·D²), what the counter gives for those parts
written out. On ``nn.MultiheadAttention`` itself at inference the counter sees one fused
kernel (``aten._native_multi_head_attention``) with no rule and counts nothing, so
torchvision's ViT figures are these MACs less every layer's attention.
"""

from __future__ import annotations

from math import prod

from netir.ir.attrs import Attr, boolean, integer, optional_real
from netir.ir.errors import ShapeError
from netir.ir.layout import TOKENS
from netir.ir.params import BIAS, WEIGHT, Param, he_normal, normal
from netir.ir.registry import OpSpec

MATRIX_RANKS = (2, 3, 4)


def _leading(op: str, inputs) -> tuple[int, ...]:
    """The axes before the matrices, which every input must share."""
    if len({len(s) for s in inputs}) != 1 or any(s[:-2] != inputs[0][:-2] for s in inputs):
        raise ShapeError(f"{op} needs inputs of one rank and the same sizes before the last "
                         "two axes", ", ".join(str(tuple(s)) for s in inputs))
    return tuple(inputs[0][:-2])


def _matmul_shape(attrs, inputs):
    a, b = inputs
    lead = _leading("matmul", inputs)
    if a[-1] != b[-2]:
        raise ShapeError("matmul needs a's last axis to match b's second-last",
                         f"{tuple(a)} @ {tuple(b)}")
    return (*lead, a[-2], b[-1])


MATMUL = OpSpec(
    name="matmul", category="dense", depth_layer=True, arity=2, ranks=MATRIX_RANKS,
    doc="a @ b over the last two logical axes (torch.matmul without broadcasting); the "
        "output keeps a's layout.",
    shape=_matmul_shape, describe=lambda a: "matmul",
    layout=lambda attrs, inputs, output: inputs[0].layout,
    macs=lambda attrs, inputs, output: prod(output) * inputs[0][-1],
)


def attention_scale(attrs, depth: int) -> float:
    """The factor on the scores: ``scale``, or ``1/sqrt(depth)`` when None."""
    return attrs["scale"] if attrs["scale"] is not None else depth ** -0.5


def _sdpa_shape(attrs, inputs):
    q, k, v = inputs
    lead = _leading("scaled_dot_product_attention", inputs)
    if q[-1] != k[-1] or k[-2] != v[-2]:
        raise ShapeError("attention needs q and k of one depth and k and v of one length",
                         f"q {tuple(q)}, k {tuple(k)}, v {tuple(v)}")
    return (*lead, q[-2], v[-1])


SDPA = OpSpec(
    name="scaled_dot_product_attention", category="dense", depth_layer=True, arity=3,
    ranks=MATRIX_RANKS,
    doc="softmax(q kᵀ · scale) v over the keys, scale 1/sqrt(depth of q) unless given "
        "(torch's F.scaled_dot_product_attention, no mask, no dropout).",
    attrs=(Attr("scale", optional_real(0.0), None, "factor on the scores; None: 1/sqrt(D)"),),
    shape=_sdpa_shape, describe=lambda a: "attention",
    layout=lambda attrs, inputs, output: inputs[0].layout,
    macs=lambda attrs, inputs, output: (prod(output[:-1]) * inputs[1][-2]
                                        * (inputs[0][-1] + inputs[2][-1])),
    draw_attrs=lambda draw, st, inputs: {"scale": draw(st.sampled_from([None, 0.5]))},
)


def _mha_inputs(inputs):
    """(query, key, value): one input attends to itself, two are (query, memory)."""
    q = inputs[0]
    k = inputs[1] if len(inputs) > 1 else q
    return q, k, inputs[2] if len(inputs) > 2 else k


def _mha_shape(attrs, inputs):
    q, k, v = _mha_inputs(inputs)
    d, heads = q[-1], attrs["num_heads"]
    if k[-1] != d or v[-1] != d or k[0] != v[0]:
        raise ShapeError("multi_head_attention needs query, key and value of one feature "
                         "size, and key and value of one length",
                         f"q {tuple(q)}, k {tuple(k)}, v {tuple(v)}")
    if d % heads:
        raise ShapeError("num_heads must divide the features",
                         f"num_heads={heads}, features {d}")
    return tuple(q)


def _mha_macs(attrs, inputs, output):
    q, k, _ = _mha_inputs(inputs)
    (tq, d), tk = q, k[0]
    return (tq + 2 * tk) * d * d + 2 * tq * tk * d + tq * d * d


def _features(attrs, inputs):
    return inputs[0][-1]


MULTI_HEAD_ATTENTION = OpSpec(
    name="multi_head_attention", category="dense", depth_layer=True, arity=(1, 3), ranks=(2,),
    layouts=(TOKENS,), positional=("num_heads",),
    doc="PyTorch's nn.MultiheadAttention on tokens (T, D): one input attends to itself, "
        "two are (query, key = value), three (query, key, value); packed in_proj (3D, D).",
    attrs=(Attr("num_heads", integer(1), 1, "heads; must divide the features"),
           Attr("bias", boolean, True, "learned in_proj_bias and out_proj.bias")),
    shape=_mha_shape, macs=_mha_macs, overwritable=True, operands=_mha_inputs,
    parameters=(
        Param("in_proj_weight", WEIGHT, "OI", he_normal(fan_in_axes=(1,)),
              lambda a, i: (3 * _features(a, i), _features(a, i)),
              doc="(3D, D): query, key, value projections stacked"),
        Param("in_proj_bias", BIAS, "O", normal(0.1), lambda a, i: (3 * _features(a, i),),
              present=lambda a: a["bias"], doc="(3D,)"),
        Param("out_proj.weight", WEIGHT, "OI", he_normal(fan_in_axes=(1,)),
              lambda a, i: (_features(a, i), _features(a, i)), doc="(D, D)"),
        Param("out_proj.bias", BIAS, "O", normal(0.1), lambda a, i: (_features(a, i),),
              present=lambda a: a["bias"], doc="(D,)"),
    ),
    describe=lambda a: f"attention ×{a['num_heads']}",
    draw_attrs=lambda draw, st, inputs: {
        "num_heads": draw(st.sampled_from([h for h in range(2, min(inputs[0][-1], 4) + 1)
                                           if inputs[0][-1] % h == 0] or [1])),
        "bias": draw(st.booleans())},
)

OPS = (MATMUL, SDPA, MULTI_HEAD_ATTENTION)
