"""What an op declares about itself so that graph passes can rewrite it exactly.

An :class:`OpSpec` carries one :class:`Rewrites`; every rule is optional and the
passes in ``netir.ir.passes`` only ever ask these rules, never an op's name. Parameters
are neutral (PyTorch layout) NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

Attrs = Mapping[str, Any]
Params = dict[str, np.ndarray]
Padding = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Rewrites:
    """Optional rules an op declares for the inference passes.

    - ``identity(attrs, input_shapes) -> bool``: the op returns its only input unchanged
      at inference (dropout; a flatten of a vector; a zero-size pad).
    - ``channel_affine(attrs, params) -> (scale, shift)``: at inference the op is
      ``y = x * scale + shift`` per channel (axis 0, batch excluded); float64 arrays.
    - ``absorb_channel_affine(attrs, params, scale, shift) -> (attrs, params)``: the
      attributes and parameters of this op followed by that per-channel affine
      (params, scale and shift all None: the attributes alone, params None).
    - ``zero_padding(attrs) -> ((top, bottom), (left, right))``: the op only pads H and W
      with zeros.
    - ``absorb_zero_padding(attrs, padding) -> attrs``: this op applied to an input first
      zero-padded by ``padding`` (exact only where the op itself pads with zeros).
    - ``reshape``: the op only gives its input a new shape, keeping the elements in
      (C, H, W) order, and its output shape follows from the element count.
    """

    identity: Callable[[Attrs, list[tuple[int, ...]]], bool] | None = None
    channel_affine: Callable[[Attrs, Params], tuple[np.ndarray, np.ndarray]] | None = None
    absorb_channel_affine: Callable[..., tuple[dict[str, Any], Params | None]] | None = None
    zero_padding: Callable[[Attrs], Padding] | None = None
    absorb_zero_padding: Callable[[Attrs, Padding], dict[str, Any]] | None = None
    reshape: bool = False


NONE = Rewrites()


def always_identity(attrs: Attrs, inputs: list[tuple[int, ...]]) -> bool:
    return True


def scale_output_channels(attrs: Attrs, params: Params | None, scale: np.ndarray | None,
                          shift: np.ndarray | None) -> tuple[dict[str, Any], Params | None]:
    """A weighted op whose ``weight`` has output channels on axis 0 and whose optional
    ``bias`` is per output channel (conv OIL or OIHW, dense (out, in)), followed by
    ``y * scale + shift``: ``weight * scale`` and ``bias * scale + shift``, with a bias."""
    if params is None:
        return {**attrs, "bias": True}, None
    weight = np.asarray(params["weight"])
    bias = np.asarray(params["bias"], np.float64) if "bias" in params else 0.0
    per_out = scale.reshape(-1, *([1] * (weight.ndim - 1)))
    return {**attrs, "bias": True}, {
        "weight": (weight.astype(np.float64) * per_out).astype(weight.dtype),
        "bias": (bias * scale + shift).astype(weight.dtype),
    }


def scale_transposed_output_channels(attrs: Attrs, params: Params | None,
                                     scale: np.ndarray | None, shift: np.ndarray | None,
                                     ) -> tuple[dict[str, Any], Params | None]:
    """:func:`scale_output_channels` for a transposed convolution, whose weight is IOHW
    ``(in, out / groups, ...)``: output channel ``g * (out / groups) + j`` is weight axis
    1 at ``j`` over the input channels of group ``g``."""
    if params is None:
        return {**attrs, "bias": True}, None
    weight = np.asarray(params["weight"])
    groups, (cin, per_group) = attrs["groups"], weight.shape[:2]
    factor = np.repeat(np.asarray(scale, np.float64).reshape(groups, per_group),
                       cin // groups, axis=0)  # (in, out / groups)
    bias = np.asarray(params["bias"], np.float64) if "bias" in params else 0.0
    return {**attrs, "bias": True}, {
        "weight": (weight.astype(np.float64)
                   * factor.reshape(cin, per_group, *([1] * (weight.ndim - 2))))
        .astype(weight.dtype),
        "bias": (bias * scale + shift).astype(weight.dtype),
    }


def add_padding(a: Padding, b: Padding) -> Padding:
    """Two explicit ((before, after), ...) paddings of the same axes, one after the
    other."""
    return tuple((x[0] + y[0], x[1] + y[1]) for x, y in zip(a, b, strict=True))
