"""The modules netir's PyTorch emitter writes (netir/emitters/pytorch/), read back as
the ops they lower: the one place that names the emitter's classes, so that a module
moved there is fixed here alone."""

from __future__ import annotations

from netir.emitters.pytorch import modules as M
from netir.emitters.pytorch import tokens as T
from netir.emitters.pytorch import transformer as X
from netir.emitters.pytorch.sequence import PaddedConv1d
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
    M.PaddedConv2d: lambda ctx, m, x: conv.conv2d(ctx, m, x, from_torch_pad(m.pad)),
    PaddedConv1d: lambda ctx, m, x: conv.conv1d(ctx, m, x, tuple(m.pad)),
    M.MaxPoolExact: lambda ctx, m, x: ctx.add("max_pool2d", [x], {
        "kernel": m.kernel, "stride": m.stride, "padding": from_torch_pad(m.pad),
        "ceil_mode": False}),
    M.AvgPoolExact: _avg_pool_exact,
    M.GlobalAvgPool: _global_avg_pool,
    M.Flatten: lambda ctx, m, x: ctx.add("flatten", [x]),
    M.Add: lambda ctx, m, xs: ctx.add("add", list(xs)),
    M.Concat: lambda ctx, m, xs: shape.concat(ctx, xs, m.dim),
    M.Clip: lambda ctx, m, x: ctx.add("clip", [x], {"min": m.low, "max": m.high}),
    M.Mul: _arithmetic("mul"), M.Sub: _arithmetic("sub"), M.Div: _arithmetic("div"),
    M.Maximum: _arithmetic("maximum"), M.Minimum: _arithmetic("minimum"),
    M.Mean: lambda ctx, m, x: ctx.add("mean", [x], {"axes": tuple(d - 1 for d in m.dims),
                                                    "keepdims": m.keepdim}),
    M.Sum: lambda ctx, m, x: ctx.add("sum", [x], {"axes": tuple(d - 1 for d in m.dims),
                                                  "keepdims": m.keepdim}),
    M.Amax: lambda ctx, m, x: reduce.reduce(ctx, "max", x, m.dims, m.keepdim),
    M.Take: _slice,
    M.StochasticDepth: lambda ctx, m, x: ctx.add("stochastic_depth", [x],
                                                 {"p": m.p, "mode": m.mode}),
    M.HardSigmoid: lambda ctx, m, x: ctx.add("hardsigmoid", [x]),
    T.FeatureLayerNorm: lambda ctx, m, x: ctx.add("layer_norm", [x], {"eps": m.eps}, source=m),
    T.FeatureLinear: lambda ctx, m, x: dense.dense(ctx, m, x, features_first=True),
    T.FeaturePReLU: lambda ctx, m, x: ctx.add("prelu", [x],
                                              {"num_parameters": m.num_parameters}, source=m),
    T.ToTokens: lambda ctx, m, x: ctx.add("to_tokens", [x]),
    T.FromTokens: lambda ctx, m, x: ctx.add("from_tokens", [x], {"height": m.height,
                                                                 "width": m.width}),
    X.Reshape: lambda ctx, m, x: ctx.add("reshape", [x], {
        "shape": tuple(m.shape), "layout": default_layout(len(m.shape))}),
    X.Permute: lambda ctx, m, x: ctx.add("permute", [x],
                                         {"dims": tuple(d - 1 for d in m.dims[1:])}),
    X.Select: lambda ctx, m, x: ctx.add("select", [x], {"axis": m.dim - 1, "index": m.index}),
    X.MatMul: lambda ctx, m, a, b: ctx.add("matmul", [a, b]),
    X.Attention: lambda ctx, m, q, k, v: ctx.add("scaled_dot_product_attention", [q, k, v],
                                                 {"scale": m.scale}),
    X.MultiheadAttention: attention.multi_head_attention,
}


FUNCTIONS = {
    X.expand_to_batch: shape.parameter,
    X.scale_by: lambda ctx, param, x: ctx.place(param, "layer_scale", x),
}
METHODS: dict = {}
