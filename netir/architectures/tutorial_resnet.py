"""The tutorial's ResNet-50/101/152: Keras-applications-style ResNet v1.

Unlike torchvision's v1.5 the stride sits on the first 1×1 convolution of a block, every
convolution has a bias, the stem pads 3 explicitly and its max pool has no padding
(55×55 at 224). Batch norm uses Keras' defaults. One block, written once: the tutorial's
``convolutional_block`` is it with a projection shortcut, ``identity_block`` without.
"""

from __future__ import annotations

from netir.architectures import resnet
from netir.architectures.registry import input_hw
from netir.architectures.tutorial import KERAS_BN, register_tutorial
from netir.ir.graph import Graph
from netir.ir.node import Tensor

WIDTHS = (64, 128, 256, 512)     # f1 = f2 per stage; f3 = 4 × that
DEPTHS = {"resnet50_tutorial": (3, 4, 6, 3), "resnet101_tutorial": (3, 4, 23, 3),
          "resnet152_tutorial": (3, 8, 36, 3)}


def _conv_bn(g: Graph, x: Tensor, filters: int, kernel: int, stride: int, padding, i: str):
    x = g.conv2d(x, filters, kernel, stride=stride, padding=padding, name=f"conv{i}")
    return g.batch_norm(x, **KERAS_BN, name=f"bn{i}")


def block(g: Graph, x: Tensor, width: int, stride: int, projection: bool) -> Tensor:
    """1×1 (carries the stride), 3×3 'same', 1×1 to 4 × width; shortcut added, ReLU."""
    shortcut = x
    y = g.relu(_conv_bn(g, x, width, 1, stride, "valid", "1"), name="relu1")
    y = g.relu(_conv_bn(g, y, width, 3, 1, "same", "2"), name="relu2")
    y = _conv_bn(g, y, 4 * width, 1, 1, "valid", "3")
    if projection:
        with g.scope("downsample"):
            shortcut = g.conv2d(x, 4 * width, 1, stride=stride, name="0")
            shortcut = g.batch_norm(shortcut, **KERAS_BN, name="1")
    return g.relu(g.add(y, shortcut, name="add"), name="relu3")


def resnet_tutorial(name: str, depths: tuple[int, ...], num_classes: int = 1000,
                    in_channels: int = 3, input_size: int | tuple[int, int] = 224) -> Graph:
    """Padded 7×7/2 stem, unpadded 3×3/2 max pool, four stages, global pool, softmax."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = g.zero_pad2d(x, ((3, 3), (3, 3)), name="pad")
    x = g.relu(_conv_bn(g, x, 64, 7, 2, "valid", "1"), name="relu")
    x = g.max_pool2d(x, 3, 2, name="maxpool")
    for stage, (width, blocks) in enumerate(zip(WIDTHS, depths)):
        for b in range(blocks):
            with g.scope(f"layer{stage + 1}.{b}"):
                x = block(g, x, width, 2 if stage > 0 and b == 0 else 1, projection=b == 0)
    x = g.global_avg_pool(x, name="avgpool")
    g.softmax(g.dense(x, num_classes, name="fc"), name="softmax")
    return g


def _builder(name: str):
    return lambda **overrides: resnet_tutorial(name, DEPTHS[name], **overrides)


for _name, _depths in DEPTHS.items():
    register_tutorial(
        _name, _builder(_name), family="ResNet", paper=resnet.PAPER,
        tutorial_of=_name.removesuffix("_tutorial"),
        note=f"The tutorial's ResNet ({list(_depths)} bottleneck blocks) is Keras-applications "
             "style v1, not torchvision's v1.5: the stride is on the first 1×1 convolution "
             "of a block, every convolution has a bias, the stem pads by 3 and its 3×3/2 max "
             "pool has none (55×55 at 224), batch norm uses Keras' eps 1e-3 and momentum "
             "0.99, and a softmax closes it.")
