"""How a PyTorch source file spells constructor calls: torch's own defaults (a keyword
argument equal to one everywhere is left out), square sizes as one number, and the
attribute names ``nn.Module`` and ``nn.Sequential`` hold already."""

from __future__ import annotations

#: torch's own defaults: a keyword argument equal to one everywhere is left out.
DEFAULTS = {
    "nn.Conv2d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True},
    "nn.Conv1d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True},
    "PaddedConv2d": {"stride": 1, "dilation": 1, "groups": 1, "bias": True},
    "PaddedConv1d": {"stride": 1, "dilation": 1, "groups": 1, "bias": True},
    "nn.ConvTranspose2d": {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1,
                           "bias": True, "dilation": 1},
    "nn.Linear": {"bias": True}, "FeatureLinear": {"bias": True},
    "nn.BatchNorm1d": {"eps": 1e-05, "momentum": 0.1},
    "nn.BatchNorm2d": {"eps": 1e-05, "momentum": 0.1},
    "nn.BatchNorm3d": {"eps": 1e-05, "momentum": 0.1},
    "nn.LayerNorm": {"eps": 1e-05}, "FeatureLayerNorm": {"eps": 1e-05},
    "nn.GroupNorm": {"eps": 1e-05, "affine": True},
    "nn.MaxPool2d": {"ceil_mode": False},
    "nn.AvgPool2d": {"ceil_mode": False, "count_include_pad": True},
    "nn.MultiheadAttention": {"bias": True},
}
_SQUARE = ("kernel_size", "stride", "padding", "dilation", "output_padding")


def module_attributes() -> frozenset[str]:
    from torch import nn

    return frozenset(dir(nn.Sequential())) | frozenset(dir(nn.Module()))


def square(ctor):
    """``(3, 3)`` as ``3`` in an ``nn.`` constructor, which takes either."""
    if not ctor.callee.startswith("nn."):
        return ctor

    def one(k, v):
        return v[0] if k in _SQUARE and isinstance(v, tuple) and len(set(v)) == 1 else v

    return type(ctor)(ctor.callee, tuple((h, one(h, v)) for h, v in ctor.args),
                      tuple((k, one(k, v)) for k, v in ctor.kwargs))
