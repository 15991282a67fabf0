"""The tutorial's DenseNet-121/169/201.

Against the paper (and torchvision): the bottleneck is 32 wide instead of 4 × growth =
128, every convolution has a bias, the stem convolution pads 'same' (TensorFlow's rule:
2 before, 3 after at 224) and its max pool has no padding, batch norm uses Keras'
defaults, and there is no batch norm and ReLU after the last dense block. One layer and
one transition, written once; depth is data.
"""

from __future__ import annotations

from netir.architectures import densenet
from netir.architectures.registry import input_hw
from netir.architectures.tutorial import KERAS_BN, register_tutorial
from netir.ir.graph import Graph
from netir.ir.node import Tensor

GROWTH = 32         # new channels per layer, and also the tutorial's bottleneck width
BLOCKS = {"densenet121_tutorial": (6, 12, 24, 16), "densenet169_tutorial": (6, 12, 32, 32),
          "densenet201_tutorial": (6, 12, 48, 32)}


def _bn_relu_conv(g: Graph, x: Tensor, filters: int, kernel: int, i: str) -> Tensor:
    x = g.relu(g.batch_norm(x, **KERAS_BN, name=f"norm{i}"), name=f"relu{i}")
    return g.conv2d(x, filters, kernel, padding="same", name=f"conv{i}")


def dense_layer(g: Graph, x: Tensor) -> Tensor:
    """BN-ReLU-1×1 conv to 32, BN-ReLU-3×3 conv to 32; the input with 32 channels appended."""
    y = _bn_relu_conv(g, _bn_relu_conv(g, x, GROWTH, 1, "1"), GROWTH, 3, "2")
    return g.concat(x, y, name="concat")


def transition(g: Graph, x: Tensor) -> Tensor:
    """BN-ReLU-1×1 conv halving the channels (rounded down), 2×2/2 average pool."""
    x = _bn_relu_conv(g, x, int(x.shape[0] * 0.5), 1, "")
    return g.avg_pool2d(x, 2, 2, name="pool")


def densenet_tutorial(name: str, blocks: tuple[int, ...], num_classes: int = 1000,
                      in_channels: int = 3, input_size: int | tuple[int, int] = 224) -> Graph:
    """'Same' 7×7/2 stem, unpadded 3×3/2 max pool, dense blocks, global pool, softmax."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = g.conv2d(x, 64, 7, stride=2, padding="same", name="conv0")
    x = g.relu(g.batch_norm(x, **KERAS_BN, name="norm0"), name="relu0")
    x = g.max_pool2d(x, 3, 2, name="pool0")
    for i, layers in enumerate(blocks):
        for j in range(layers):
            with g.scope(f"denseblock{i + 1}.denselayer{j + 1}"):
                x = dense_layer(g, x)
        if i < len(blocks) - 1:
            with g.scope(f"transition{i + 1}"):
                x = transition(g, x)
    x = g.global_avg_pool(x, name="avgpool")
    g.softmax(g.dense(x, num_classes, name="classifier"), name="softmax")
    return g


def _builder(name: str):
    return lambda **overrides: densenet_tutorial(name, BLOCKS[name], **overrides)


for _name, _blocks in BLOCKS.items():
    register_tutorial(
        _name, _builder(_name), family="DenseNet", paper=densenet.PAPER,
        tutorial_of=_name.removesuffix("_tutorial"),
        note=f"The tutorial's DenseNet ({list(_blocks)} layers, growth 32) has 32-wide "
             "bottlenecks where the paper has 4 × growth = 128, biases on every convolution, "
             "no batch norm and ReLU after the last block, batch norm with Keras' eps 1e-3 "
             "and momentum 0.99, an unpadded stem max pool, and a softmax at the end.")
