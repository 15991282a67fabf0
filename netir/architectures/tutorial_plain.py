"""The tutorial's plain stacks: its "AlexNet" and its "VGG19" (which is VGG-16).

Both are Keras ``Sequential`` models: convolutions with biases and a ReLU, max pools,
a flatten straight after the last pool (no adaptive pool), three dense layers and a
softmax. A feature table says what each stack holds; one builder reads it.
"""

from __future__ import annotations

from netir.architectures import alexnet, vgg
from netir.architectures.registry import input_hw
from netir.architectures.tutorial import register_tutorial
from netir.ir.graph import Graph

# ("conv", filters, kernel, stride, padding) or ("pool", kernel, stride), in order
ALEXNET = (("conv", 96, 11, 4, "valid"), ("pool", 3, 2), ("conv", 256, 5, 1, "valid"),
           ("pool", 3, 2), ("conv", 384, 3, 1, "valid"), ("conv", 384, 3, 1, "valid"),
           ("conv", 256, 3, 1, "valid"), ("pool", 3, 2))
VGG16 = tuple(("pool", 2, 2) if v == "M" else ("conv", v, 3, 1, "same") for v in vgg.CFGS["D"])


def plain_stack(name: str, features, dropout: bool, num_classes: int = 1000,
                in_channels: int = 3, input_size: int | tuple[int, int] = 224) -> Graph:
    """Convolutions and pools from ``features``, flatten, 4096-4096-classes dense, softmax."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    convs = pools = 0
    for kind, *spec in features:
        if kind == "conv":
            convs += 1
            filters, kernel, stride, padding = spec
            x = g.conv2d(x, filters, kernel, stride=stride, padding=padding,
                         name=f"conv{convs}")
            x = g.relu(x, name=f"relu{convs}")
        else:
            pools += 1
            x = g.max_pool2d(x, *spec, name=f"pool{pools}")
    x = g.flatten(x, name="flatten")
    for i in (1, 2):
        x = g.relu(g.dense(x, 4096, name=f"fc{i}"), name=f"fc{i}_relu")
        if dropout:
            x = g.dropout(x, 0.5, name=f"dropout{i}")
    g.softmax(g.dense(x, num_classes, name="fc3"), name="softmax")
    return g


def alexnet_tutorial(**overrides) -> Graph:
    return plain_stack("alexnet_tutorial", ALEXNET, True, **overrides)


def vgg19_tutorial(**overrides) -> Graph:
    return plain_stack("vgg19_tutorial", VGG16, False, **overrides)


register_tutorial(
    "alexnet_tutorial", alexnet_tutorial, family="AlexNet", paper=alexnet.PAPER,
    tutorial_of="alexnet",
    note="The tutorial's AlexNet: one tower of 96-256-384-384-256 filters, every "
         "convolution and pool without padding (54×54 after the first convolution at 224), "
         "no local response normalisation, no adaptive pool: the flatten sees 256×1×1. "
         "Dropout follows the first two dense layers; a softmax closes it.")
register_tutorial(
    "vgg19_tutorial", vgg19_tutorial, family="VGG", paper=vgg.PAPER, tutorial_of="vgg19",
    note="The tutorial's 'VGG19' is VGG-16: 13 convolutions in blocks of 2-2-3-3-3 (VGG-19 "
         "has 2-2-4-4-4), 'same' padding, 2×2 max pools, a flatten of 512×7×7 at 224 with no "
         "adaptive pool, two 4096-wide dense layers without dropout, and a softmax.")
