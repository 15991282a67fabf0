"""The NumPy meaning of conv1d, registered on import by :mod:`.lowerings`."""

from __future__ import annotations

from types import SimpleNamespace

from netir.emitters.reference.lowerings import _lower, conv2d


@_lower("conv1d")
def conv1d(node, inputs, params, run):
    """A sequence (N, C, L) is a map of height 1: conv2d with a (1, k) kernel."""
    a = node.attrs
    attrs = {"padding": ((0, 0), a["padding"]), "kernel": (1, a["kernel"]),
             "stride": (1, a["stride"]), "dilation": (1, a["dilation"]), "groups": a["groups"]}
    flat = SimpleNamespace(attrs=attrs, shape=(node.shape[0], 1, node.shape[1]))
    weights = {**params, "weight": params["weight"][:, :, None, :]}
    return conv2d(flat, [inputs[0][:, :, None, :]], weights, run)[:, :, 0, :]
