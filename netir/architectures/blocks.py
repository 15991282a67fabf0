"""torchvision.ops' two building blocks, written once for the families that share them.

``Conv2dNormActivation`` (MobileNet, EfficientNet, RegNet: convolution, batch norm,
optional activation) and ``SqueezeExcitation`` (MobileNetV3, EfficientNet, RegNet Y:
channels rescaled by a gate computed from their global means). Node names are
torchvision's module names, so the emitted ``state_dict`` keys are its keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netir.ir.graph import Graph
from netir.ir.node import Tensor


def conv_norm_activation(g: Graph, x: Tensor, out: int, kernel: int, activation: str | None,
                         norm: Mapping[str, Any] | None = None, **conv: Any) -> Tensor:
    """torchvision's ``Conv2dNormActivation``: conv "0" (no bias, padding
    ``(kernel - 1) // 2``, so stride 1 keeps the size), batch norm "1" with ``norm``'s
    attributes (eps, momentum; the op's defaults otherwise), then the op named
    ``activation`` as "2" (None: no activation)."""
    x = g.conv2d(x, out, kernel, padding=(kernel - 1) // 2, bias=False, name="0", **conv)
    x = g.batch_norm(x, name="1", **(norm or {}))
    return getattr(g, activation)(x, name="2") if activation else x


def squeeze_excitation(g: Graph, x: Tensor, squeeze: int, activation: str = "relu",
                       gate: str = "sigmoid") -> Tensor:
    """torchvision's ``SqueezeExcitation``: global mean (C, 1, 1) ("avgpool"), 1×1 conv to
    ``squeeze`` channels ("fc1"), ``activation``, 1×1 conv back to C ("fc2"), ``gate``
    ("scale_activation"); the input times the gate, broadcast over H and W ("scale")."""
    s = g.adaptive_avg_pool2d(x, 1, name="avgpool")
    s = getattr(g, activation)(g.conv2d(s, squeeze, 1, name="fc1"), name="activation")
    s = getattr(g, gate)(g.conv2d(s, x.shape[0], 1, name="fc2"), name="scale_activation")
    return g.mul(s, x, name="scale")
