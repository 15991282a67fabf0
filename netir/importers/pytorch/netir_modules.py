"""The modules netir's PyTorch emitter writes (netir/emitters/pytorch/), read back as
the ops they lower: the one place that names the emitter's classes, so that a module
moved there is fixed here alone."""

from __future__ import annotations

from netir.emitters.pytorch.lowerings import activation as A
from netir.emitters.pytorch.lowerings import attention as X
from netir.emitters.pytorch.lowerings import channel as C
from netir.emitters.pytorch.lowerings import conv as V
from netir.emitters.pytorch.lowerings import dense as D
from netir.emitters.pytorch.lowerings import elementwise as E
from netir.emitters.pytorch.lowerings import learned as L
from netir.emitters.pytorch.lowerings import norm as N
from netir.emitters.pytorch.lowerings import pool as P
from netir.emitters.pytorch.lowerings import reduce as R
from netir.emitters.pytorch.lowerings import regularization as G
from netir.emitters.pytorch.lowerings import shape as S
from netir.importers.pytorch import attention, conv, dense, reduce, shape
from netir.importers.pytorch.common import from_torch_pad
from netir.importers.pytorch.values import Unsupported
from netir.ir.layout import default_layout, positions


def _avg_pool_exact(ctx, m, x):
    if float(m.scale) != 1.0:
        raise Unsupported("netir's AvgPoolExact with a divisor other than the window "
                          "(its attributes are not recoverable from the module)")
    return ctx.add("avg_pool2d", [x], {"kernel": m.kernel, "stride": m.stride,
                                       "padding": from_torch_pad(m.pad), "ceil_mode": False,
                                       "count_include_pad": True})


def _padded_conv(ctx, m, x):
    """A PaddedConv of a sequence or a map (``pad`` in F.pad's order)."""
    if len(m.kernel_size) == 1:
        return conv.conv1d(ctx, m, x, tuple(m.pad))
    if len(m.kernel_size) == 2:
        return conv.conv2d(ctx, m, x, from_torch_pad(m.pad))
    raise Unsupported(f"netir's PaddedConv of rank {len(m.kernel_size)}")


def _global_avg_pool(ctx, m, x):
    if tuple(a + 1 for a in positions(x.layout)) != tuple(m.dims):
        raise Unsupported(f"GlobalAvgPool over dims {m.dims}, not every position")
    return ctx.add("global_avg_pool", [x])


def _arithmetic(op: str):
    def entry(ctx, m, x, y=None):
        if y is None:
            return ctx.add(op, [x], {"scalar": m.scalar})
        return ctx.add(op, [x, y], {"scalar": None})
    return entry


def _slice(ctx, m, x):
    """Take's kept positions as start, stop, step (stop None where they reach the end)."""
    index, size = m.index.tolist(), x.shape[m.dim - 1]
    step = index[1] - index[0] if len(index) > 1 else 1
    stop = None if index[-1] + step >= size else index[-1] + 1
    return ctx.add("slice", [x], {"axis": m.dim - 1, "start": index[0], "stop": stop,
                                  "step": step})


MODULES = {
    V.PaddedConv: _padded_conv,
    P.MaxPoolExact: lambda ctx, m, x: ctx.add("max_pool2d", [x], {
        "kernel": m.kernel, "stride": m.stride, "padding": from_torch_pad(m.pad),
        "ceil_mode": False}),
    P.AvgPoolExact: _avg_pool_exact,
    P.GlobalAvgPool: _global_avg_pool,
    S.Flatten: lambda ctx, m, x: ctx.add("flatten", [x]),
    E.Add: lambda ctx, m, xs: ctx.add("add", list(xs)),
    C.Concat: lambda ctx, m, xs: shape.concat(ctx, xs, m.dim),
    A.Clip: lambda ctx, m, x: ctx.add("clip", [x], {"min": m.low, "max": m.high}),
    E.Mul: _arithmetic("mul"), E.Sub: _arithmetic("sub"), E.Div: _arithmetic("div"),
    E.Maximum: _arithmetic("maximum"), E.Minimum: _arithmetic("minimum"),
    R.Mean: lambda ctx, m, x: ctx.add("mean", [x], {"axes": tuple(d - 1 for d in m.dims),
                                                    "keepdims": m.keepdim}),
    R.Sum: lambda ctx, m, x: ctx.add("sum", [x], {"axes": tuple(d - 1 for d in m.dims),
                                                  "keepdims": m.keepdim}),
    R.Amax: lambda ctx, m, x: reduce.reduce(ctx, "max", x, m.dims, m.keepdim),
    C.Take: _slice,
    G.StochasticDepth: lambda ctx, m, x: ctx.add("stochastic_depth", [x],
                                                 {"p": m.p, "mode": m.mode}),
    A.HardSigmoid: lambda ctx, m, x: ctx.add("hardsigmoid", [x]),
    N.FeatureLayerNorm: lambda ctx, m, x: ctx.add("layer_norm", [x], {"eps": m.eps}, source=m),
    D.FeatureLinear: lambda ctx, m, x: dense.dense(ctx, m, x, features_first=True),
    A.FeaturePReLU: lambda ctx, m, x: ctx.add("prelu", [x],
                                              {"num_parameters": m.num_parameters}, source=m),
    S.ToTokens: lambda ctx, m, x: ctx.add("to_tokens", [x]),
    S.FromTokens: lambda ctx, m, x: ctx.add("from_tokens", [x], {"height": m.height,
                                                                 "width": m.width}),
    S.Reshape: lambda ctx, m, x: ctx.add("reshape", [x], {
        "shape": tuple(m.shape), "layout": default_layout(len(m.shape))}),
    S.Permute: lambda ctx, m, x: ctx.add("permute", [x],
                                         {"dims": tuple(d - 1 for d in m.dims[1:])}),
    S.Select: lambda ctx, m, x: ctx.add("select", [x], {"axis": m.dim - 1, "index": m.index}),
    X.MatMul: lambda ctx, m, a, b: ctx.add("matmul", [a, b]),
    X.Attention: lambda ctx, m, q, k, v: ctx.add("scaled_dot_product_attention", [q, k, v],
                                                 {"scale": m.scale}),
    X.MultiheadAttention: attention.multi_head_attention,
}


FUNCTIONS = {
    L.expand_to_batch: shape.parameter,
    L.scale_by: lambda ctx, param, x: ctx.place(param, "layer_scale", x),
}
METHODS: dict = {}
