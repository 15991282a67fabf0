"""Activations (netir/ir/ops/activation.py): modules, functionals and tensor methods.

Each passes through a pending permute (element-wise ops commute with it), except a
per-feature PReLU and a softmax, which name an axis.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.common import axis, through, unary
from netir.importers.pytorch.values import Permuted, Unsupported


def _plain(op: str):
    """An entry for an activation without attributes, as module, function or method."""
    def module(ctx, m, x):
        return unary(ctx, op, x)

    def function(ctx, x, *args, **kwargs):
        return unary(ctx, op, x)

    return module, function


def _softmax_axis(x, dim) -> tuple:
    if dim is None:
        raise Unsupported("softmax without dim (torch's implicit dim is deprecated)")
    if isinstance(x, Permuted):
        rank = len(x.dims)
        return x.tensor, x.dims[dim + rank if dim < 0 else dim] - 1
    return x, axis(x, dim)


def softmax(ctx, x, dim=None, _stacklevel=3, dtype=None):
    if dtype is not None:
        raise Unsupported("softmax with a dtype (the IR computes in the input's dtype)")
    tensor, a = _softmax_axis(x, dim)
    return through(x, ctx.add("softmax", [tensor], {"axis": a}))  # in x's pending permute


def _softplus_checked(beta, threshold) -> None:
    if beta != 1 or threshold != 20:
        raise Unsupported(f"softplus with beta={beta}, threshold={threshold} (the IR's is "
                          "beta 1, threshold 20)")


def _softplus_module(ctx, m, x):
    _softplus_checked(m.beta, m.threshold)
    return unary(ctx, "softplus", x)


def _softplus(ctx, x, beta=1.0, threshold=20.0):
    _softplus_checked(beta, threshold)
    return unary(ctx, "softplus", x)


def _prelu(ctx, m, x):
    if m.num_parameters > 1 and isinstance(x, Permuted):
        raise Unsupported("a per-channel PReLU on permuted axes")
    return ctx.add("prelu", [x], {"num_parameters": m.num_parameters}, source=m)


def _hardtanh(ctx, x, min_val=-1.0, max_val=1.0, inplace=False):
    return unary(ctx, "hardtanh", x, {"min_val": float(min_val), "max_val": float(max_val)})


def _leaky_relu(ctx, x, negative_slope=0.01, inplace=False):
    return unary(ctx, "leaky_relu", x, {"negative_slope": float(negative_slope)})


def _elu(ctx, x, alpha=1.0, inplace=False):
    return unary(ctx, "elu", x, {"alpha": float(alpha)})


def _gelu(ctx, x, approximate="none"):
    return unary(ctx, "gelu", x, {"approximate": approximate})


_PLAIN = {op: _plain(op) for op in ("relu", "relu6", "tanh", "sigmoid", "silu", "hardswish",
                                     "hardsigmoid", "mish")}

MODULES = {
    nn.ReLU: _PLAIN["relu"][0],
    nn.ReLU6: _PLAIN["relu6"][0],
    nn.Tanh: _PLAIN["tanh"][0],
    nn.Sigmoid: _PLAIN["sigmoid"][0],
    nn.SiLU: _PLAIN["silu"][0],
    nn.Hardswish: _PLAIN["hardswish"][0],
    nn.Hardsigmoid: _PLAIN["hardsigmoid"][0],
    nn.Mish: _PLAIN["mish"][0],
    nn.Hardtanh: lambda ctx, m, x: _hardtanh(ctx, x, m.min_val, m.max_val),
    nn.LeakyReLU: lambda ctx, m, x: _leaky_relu(ctx, x, m.negative_slope),
    nn.ELU: lambda ctx, m, x: _elu(ctx, x, m.alpha),
    nn.GELU: lambda ctx, m, x: _gelu(ctx, x, m.approximate),
    nn.Softmax: lambda ctx, m, x: softmax(ctx, x, m.dim),
    nn.Softplus: _softplus_module,
    nn.PReLU: _prelu,
}

FUNCTIONS = {
    F.relu: _PLAIN["relu"][1], torch.relu: _PLAIN["relu"][1], torch.relu_: _PLAIN["relu"][1],
    F.relu_: _PLAIN["relu"][1],
    F.relu6: _PLAIN["relu6"][1],
    torch.tanh: _PLAIN["tanh"][1], F.tanh: _PLAIN["tanh"][1],
    torch.sigmoid: _PLAIN["sigmoid"][1], F.sigmoid: _PLAIN["sigmoid"][1],
    F.silu: _PLAIN["silu"][1],
    F.hardswish: _PLAIN["hardswish"][1],
    F.hardsigmoid: _PLAIN["hardsigmoid"][1],
    F.mish: _PLAIN["mish"][1],
    F.hardtanh: _hardtanh,
    F.leaky_relu: _leaky_relu,
    F.elu: _elu,
    F.gelu: _gelu,
    F.softmax: softmax, torch.softmax: softmax,
    F.softplus: _softplus,
}

METHODS = {
    "relu": _PLAIN["relu"][1], "relu_": _PLAIN["relu"][1],
    "sigmoid": _PLAIN["sigmoid"][1], "sigmoid_": _PLAIN["sigmoid"][1],
    "tanh": _PLAIN["tanh"][1], "tanh_": _PLAIN["tanh"][1],
    "softmax": lambda ctx, x, dim=None, dtype=None: softmax(ctx, x, dim, dtype=dtype),
}
