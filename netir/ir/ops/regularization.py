"""Regularisation, identity at inference: dropout and stochastic depth (whole residual
branches dropped while training)."""

from __future__ import annotations

from netir.ir.attrs import Attr, choice, real
from netir.ir.layout import ANY_RANK
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites, always_identity

DROPOUT = OpSpec(
    name="dropout", category="regularization", positional=("rate",),
    doc="Identity at inference; zeroes a fraction `rate` while training.",
    attrs=(Attr("rate", real(0.0, 1.0, high_open=True), 0.5, "fraction dropped in training"),),
    describe=lambda a: f"dropout {a['rate']:g}", ranks=ANY_RANK,
    rewrites=Rewrites(identity=always_identity),
    draw_attrs=lambda draw, st, inputs: {"rate": draw(st.sampled_from([0.0, 0.5]))},
)

STOCHASTIC_DEPTH = OpSpec(
    name="stochastic_depth", category="regularization", positional=("p", "mode"),
    ranks=ANY_RANK,
    doc="Identity at inference. In training (torchvision.ops.stochastic_depth) each "
        "sample ('row') or the whole batch ('batch') is zeroed with probability p, the "
        "rest divided by 1 - p.",
    attrs=(Attr("p", real(0.0, 1.0), 0.5, "probability of dropping the branch"),
           Attr("mode", choice("row", "batch"), "row", "drop per sample or per batch")),
    describe=lambda a: f"stochastic depth {a['p']:g} {a['mode']}",
    rewrites=Rewrites(identity=always_identity),
    draw_attrs=lambda draw, st, inputs: {"p": draw(st.sampled_from([0.0, 0.2])),
                                         "mode": draw(st.sampled_from(["row", "batch"]))},
)

OPS = (DROPOUT, STOCHASTIC_DEPTH)
