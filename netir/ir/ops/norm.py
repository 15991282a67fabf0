"""Normalisation: batch norm and local response norm."""

from __future__ import annotations

import numpy as np

from netir.ir.attrs import Attr, integer, real
from netir.ir.errors import ShapeError
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites


def _bn_params(attrs, inputs):
    c = (inputs[0][0],)
    return {"weight": c, "bias": c}, {"running_mean": c, "running_var": c}


def _bn_affine(attrs, params):
    """Inference batch norm as ``x * scale + shift`` (float64)."""
    p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    scale = p["weight"] / np.sqrt(p["running_var"] + attrs["eps"])
    return scale, p["bias"] - p["running_mean"] * scale


BATCH_NORM = OpSpec(
    name="batch_norm", category="norm",
    doc="Per-channel batch norm; momentum weighs the new batch statistic (PyTorch's).",
    attrs=(Attr("eps", real(0.0, low_open=True), 1e-5, "added to the variance"),
           Attr("momentum", real(0.0, 1.0), 0.1,
                "weight of the new batch statistic (Keras momentum = 1 - this)")),
    params=_bn_params, describe=lambda a: "batch norm",
    rewrites=Rewrites(channel_affine=_bn_affine),
)

def _lrn_shape(attrs, inputs):
    c = inputs[0][0]
    if attrs["size"] > 2 * c - 1:
        raise ShapeError("LRN size must be at most 2·channels - 1 (a window that wide "
                         "already spans every channel from every position)",
                         f"size={attrs['size']}, channels={c}")
    return inputs[0]


LOCAL_RESPONSE_NORM = OpSpec(
    name="local_response_norm", category="norm", ranks=(3,), positional=("size",),
    doc="b = a / (k + alpha/n * sum of a^2 over n channels)^beta (PyTorch/ONNX).",
    attrs=(Attr("size", integer(1), doc="n, channels in the window"),
           Attr("alpha", real(0.0), 1e-4, "scale, divided by n"),
           Attr("beta", real(0.0), 0.75, "exponent"),
           Attr("k", real(0.0), 1.0, "additive constant")),
    shape=_lrn_shape, describe=lambda a: f"LRN {a['size']}",
)

OPS = (BATCH_NORM, LOCAL_RESPONSE_NORM)
