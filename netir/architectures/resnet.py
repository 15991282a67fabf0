"""ResNet (He et al., 2015), torchvision's v1.5: the stride sits on the 3×3 conv."""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("Deep residual learning for image recognition",
              "K. He, X. Zhang, S. Ren, J. Sun", "CVPR 2016 (arXiv 2015)", 2015)
NOTE = ("Residual learning: each block adds its input back to its output, so very deep "
        "stacks train. A 7×7/2 stem and max pool, four stages that halve the resolution and "
        "double the width, 1×1 projection shortcuts (conv + batch norm) where the shape "
        "changes, global average pooling and one dense layer.")


def basic_block(g: Graph, x: Tensor, planes: int, stride: int) -> Tensor:
    """Two 3×3 convolutions (ResNet-18/34). Output channels: planes × 1."""
    identity = x
    out = g.relu(g.batch_norm(g.conv2d(x, planes, 3, stride=stride, padding=1, bias=False,
                                       name="conv1"), name="bn1"), name="relu1")
    out = g.batch_norm(g.conv2d(out, planes, 3, padding=1, bias=False, name="conv2"),
                       name="bn2")
    if stride != 1 or x.shape[0] != planes * basic_block.expansion:
        identity = _downsample(g, x, planes * basic_block.expansion, stride)
    return g.relu(g.add(out, identity, name="add"), name="relu2")


basic_block.expansion = 1


def bottleneck(g: Graph, x: Tensor, planes: int, stride: int) -> Tensor:
    """1×1 reduce, 3×3 (carries the stride), 1×1 expand. Output: planes × 4."""
    identity = x
    out = g.relu(g.batch_norm(g.conv2d(x, planes, 1, bias=False, name="conv1"), name="bn1"),
                 name="relu1")
    out = g.relu(g.batch_norm(g.conv2d(out, planes, 3, stride=stride, padding=1, bias=False,
                                       name="conv2"), name="bn2"), name="relu2")
    out = g.batch_norm(g.conv2d(out, planes * bottleneck.expansion, 1, bias=False,
                                name="conv3"), name="bn3")
    if stride != 1 or x.shape[0] != planes * bottleneck.expansion:
        identity = _downsample(g, x, planes * bottleneck.expansion, stride)
    return g.relu(g.add(out, identity, name="add"), name="relu3")


bottleneck.expansion = 4


def _downsample(g: Graph, x: Tensor, out: int, stride: int) -> Tensor:
    with g.scope("downsample"):
        return g.batch_norm(g.conv2d(x, out, 1, stride=stride, bias=False, name="0"),
                            name="1")


def resnet(name: str, block, layers: list[int], num_classes: int = 1000, in_channels: int = 3,
           input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem, four stages of ``layers[i]`` blocks (64·2^i planes), pool, dense."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = g.conv2d(x, 64, 7, stride=2, padding=3, bias=False, name="conv1")
    x = g.relu(g.batch_norm(x, name="bn1"), name="relu")
    x = g.max_pool2d(x, 3, 2, padding=1, name="maxpool")
    for stage, blocks in enumerate(layers):
        for b in range(blocks):
            with g.scope(f"layer{stage + 1}.{b}"):
                x = block(g, x, 64 * 2 ** stage, 2 if stage > 0 and b == 0 else 1)
    x = g.flatten(g.adaptive_avg_pool2d(x, 1, name="avgpool"), name="flatten")
    g.dense(x, num_classes, name="fc")
    return g


# name, block, depths, params, MACs (torchvision, 224×224), top-1 (IMAGENET1K_V1)
_ENTRIES = (
    ("resnet18", basic_block, [2, 2, 2, 2], 11_689_512, 1_814_073_344, 69.758),
    ("resnet34", basic_block, [3, 4, 6, 3], 21_797_672, 3_663_761_408, 73.314),
    ("resnet50", bottleneck, [3, 4, 6, 3], 25_557_032, 4_089_184_256, 76.130),
    ("resnet101", bottleneck, [3, 4, 23, 3], 44_549_160, 7_801_405_440, 77.374),
    ("resnet152", bottleneck, [3, 8, 36, 3], 60_192_808, 11_513_626_624, 78.312),
)


def _register(name: str, block, layers: list[int], params: int, macs: int,
              top1: float) -> None:
    kind = ("bottleneck blocks (1×1, 3×3, 1×1)" if block is bottleneck
            else "basic blocks (two 3×3)")
    builder = family_builder(name, resnet, block, layers, doc=f"{name}: {layers} {kind}.")
    globals()[name] = builder  # netir.architectures.resnet.resnet50(num_classes=10)
    register(name, family="ResNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: {layers} {kind}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
