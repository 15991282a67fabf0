"""DenseNet (Huang et al., 2017), in torchvision's layout."""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("Densely connected convolutional networks",
              "G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger", "CVPR 2017", 2017)
NOTE = ("Dense connectivity: inside a dense block every layer receives the concatenation "
        "of all earlier feature maps and adds `growth rate` new ones, so features are reused "
        "and gradients reach every layer directly. Each layer is a bottleneck (BN-ReLU-1×1 "
        "conv to 4×growth channels, BN-ReLU-3×3 conv to growth); transition layers "
        "(BN-ReLU-1×1 conv halving the channels, 2×2 average pool) join the blocks.")

BN_SIZE = 4  # bottleneck width = BN_SIZE × growth rate, as in the paper


def dense_layer(g: Graph, x: Tensor, growth: int) -> Tensor:
    """One bottleneck layer; returns its input with ``growth`` new channels appended."""
    y = g.conv2d(g.relu(g.batch_norm(x, name="norm1"), name="relu1"), BN_SIZE * growth, 1,
                 bias=False, name="conv1")
    y = g.conv2d(g.relu(g.batch_norm(y, name="norm2"), name="relu2"), growth, 3, padding=1,
                 bias=False, name="conv2")
    return g.concat(x, y, name="concat")


def transition(g: Graph, x: Tensor, out: int) -> Tensor:
    x = g.relu(g.batch_norm(x, name="norm"), name="relu")
    x = g.conv2d(x, out, 1, bias=False, name="conv")
    return g.avg_pool2d(x, 2, 2, name="pool")


def densenet(name: str, growth: int, blocks: tuple[int, ...], init_features: int,
             num_classes: int = 1000, in_channels: int = 3,
             input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem, dense blocks of ``blocks[i]`` layers with transitions between, classifier."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("features"):
        x = g.conv2d(x, init_features, 7, stride=2, padding=3, bias=False, name="conv0")
        x = g.relu(g.batch_norm(x, name="norm0"), name="relu0")
        x = g.max_pool2d(x, 3, 2, padding=1, name="pool0")
        for b, layers in enumerate(blocks):
            for i in range(layers):
                with g.scope(f"denseblock{b + 1}.denselayer{i + 1}"):
                    x = dense_layer(g, x, growth)
            if b != len(blocks) - 1:
                with g.scope(f"transition{b + 1}"):
                    x = transition(g, x, x.shape[0] // 2)
        x = g.batch_norm(x, name="norm5")
    x = g.relu(x, name="relu")
    x = g.flatten(g.adaptive_avg_pool2d(x, 1, name="avgpool"), name="flatten")
    g.dense(x, num_classes, name="classifier")
    return g


# name, growth, layers per block, initial features, params, MACs (224×224), top-1
_ENTRIES = (
    ("densenet121", 32, (6, 12, 24, 16), 64, 7_978_856, 2_834_161_664, 74.434),
    ("densenet161", 48, (6, 12, 36, 24), 96, 28_681_000, 7_727_907_072, 77.138),
    ("densenet169", 32, (6, 12, 32, 32), 64, 14_149_480, 3_359_843_328, 75.600),
    ("densenet201", 32, (6, 12, 48, 32), 64, 20_013_928, 4_291_365_888, 76.896),
)


def _register(name: str, growth: int, blocks: tuple[int, ...], init: int, params: int,
              macs: int, top1: float) -> None:
    builder = family_builder(name, densenet, growth, blocks, init,
                             doc=f"{name}: growth {growth}, blocks {list(blocks)}.")
    globals()[name] = builder  # declared in densenet.pyi: python -m netir.architectures.stubs
    register(name, family="DenseNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: growth rate {growth}, blocks {list(blocks)}, "
                  f"{init} initial features.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
