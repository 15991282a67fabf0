"""A squeeze-excitation block (Hu et al. 2018), as torchvision.ops.SqueezeExcitation
computes it: the channels are reweighted by a gate computed from their global means.

    python examples/squeeze_excitation.py     # prints the summary and the agreement
"""

import netir


def squeeze_excitation(channels: int = 16, squeeze: int = 4, size: int = 8,
                       gate: str = "sigmoid") -> netir.Graph:
    """(C, H, W) -> (C, H, W); node names are torchvision's SqueezeExcitation modules.
    ``gate`` is "sigmoid" (SENet, EfficientNet) or "hardsigmoid" (MobileNetV3)."""
    g = netir.Graph("squeeze_excitation")
    x = g.input((channels, size, size))
    s = g.adaptive_avg_pool2d(x, 1, name="avgpool")             # (C, 1, 1)
    s = g.relu(g.conv2d(s, squeeze, 1, name="fc1"), name="activation")
    s = g.conv2d(s, channels, 1, name="fc2")
    s = getattr(g, gate)(s, name="scale_activation")
    g.mul(x, s, name="scale")                                   # (C, H, W) × (C, 1, 1)
    return g


if __name__ == "__main__":
    graph = squeeze_excitation()
    graph.summary()
    print(netir.compare(graph))
