"""ResNet (He et al., 2015), torchvision's v1.5: the stride sits on the 3×3 conv.

The same family builds ResNeXt and Wide ResNet, as torchvision does: only the
bottleneck's 3×3 changes (``groups`` paths of ``width_per_group`` channels each).
"""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.errors import ArchitectureError
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("Deep residual learning for image recognition",
              "K. He, X. Zhang, S. Ren, J. Sun", "CVPR 2016 (arXiv 2015)", 2015)
NOTE = ("Residual learning: each block adds its input back to its output, so very deep "
        "stacks train. A 7×7/2 stem and max pool, four stages that halve the resolution and "
        "double the width, 1×1 projection shortcuts (conv + batch norm) where the shape "
        "changes, global average pooling and one dense layer.")


def basic_block(g: Graph, x: Tensor, planes: int, stride: int, groups: int = 1,
                width_per_group: int = 64) -> Tensor:
    """Two 3×3 convolutions (ResNet-18/34). Output channels: planes × 1."""
    if (groups, width_per_group) != (1, 64):
        raise ArchitectureError("basic blocks take only groups=1 and width_per_group=64",
                                f"groups={groups}, width_per_group={width_per_group}",
                                node=g.name, op="build")
    identity = x
    out = g.relu(g.batch_norm(g.conv2d(x, planes, 3, stride=stride, padding=1, bias=False,
                                       name="conv1"), name="bn1"), name="relu1")
    out = g.batch_norm(g.conv2d(out, planes, 3, padding=1, bias=False, name="conv2"),
                       name="bn2")
    if stride != 1 or x.shape[0] != planes * basic_block.expansion:
        identity = _downsample(g, x, planes * basic_block.expansion, stride)
    return g.relu(g.add(out, identity, name="add"), name="relu2")


basic_block.expansion = 1


def bottleneck(g: Graph, x: Tensor, planes: int, stride: int, groups: int = 1,
               width_per_group: int = 64) -> Tensor:
    """1×1 reduce, 3×3 (carries the stride), 1×1 expand. Output: planes × 4.

    The inner width is ``planes · width_per_group / 64 · groups`` (torchvision's rule):
    ResNeXt splits the 3×3 into ``groups`` paths, Wide ResNet doubles ``width_per_group``.
    """
    identity = x
    width = int(planes * (width_per_group / 64.0)) * groups
    out = g.relu(g.batch_norm(g.conv2d(x, width, 1, bias=False, name="conv1"), name="bn1"),
                 name="relu1")
    out = g.relu(g.batch_norm(g.conv2d(out, width, 3, stride=stride, padding=1, groups=groups,
                                       bias=False, name="conv2"), name="bn2"), name="relu2")
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


def resnet(name: str, block, layers: list[int], groups: int = 1, width_per_group: int = 64,
           num_classes: int = 1000, in_channels: int = 3,
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
                x = block(g, x, 64 * 2 ** stage, 2 if stage > 0 and b == 0 else 1, groups,
                          width_per_group)
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


RESNEXT_PAPER = Paper("Aggregated residual transformations for deep neural networks",
                      "S. Xie, R. Girshick, P. Dollár, Z. Tu, K. He", "CVPR 2017 (arXiv 2016)",
                      2017)
RESNEXT_NOTE = ("Cardinality as a third dimension beside depth and width: the bottleneck's "
                "3×3 convolution is split into 32 or 64 parallel paths (one grouped "
                "convolution), which at a ResNet's cost raises accuracy more than going deeper "
                "or wider. Otherwise torchvision's ResNet, stem to classifier.")
WIDE_PAPER = Paper("Wide residual networks", "S. Zagoruyko, N. Komodakis", "BMVC 2016", 2016)
WIDE_NOTE = ("Width over depth: a residual network with wider blocks and fewer layers trains "
             "faster and matches much deeper thin ones. torchvision's version is ResNet-50/101 "
             "with the bottleneck's inner width doubled (2048-1024-2048 in the last block "
             "instead of 2048-512-2048).")

# name, depths, groups, width per group, params, MACs (torchvision, 224×224), top-1
_RESNEXT = (
    ("resnext50_32x4d", [3, 4, 6, 3], 32, 4, 25_028_904, 4_230_479_872, 77.618),
    ("resnext101_32x8d", [3, 4, 23, 3], 32, 8, 88_791_336, 16_414_015_488, 79.312),
    ("resnext101_64x4d", [3, 4, 23, 3], 64, 4, 83_455_272, 15_460_270_080, 83.246),
)
_WIDE = (
    ("wide_resnet50_2", [3, 4, 6, 3], 1, 128, 68_883_240, 11_398_021_120, 78.468),
    ("wide_resnet101_2", [3, 4, 23, 3], 1, 128, 126_886_696, 22_753_050_624, 78.848),
)


def _register(name: str, block, layers: list[int], params: int, macs: int, top1: float,
              groups: int = 1, width_per_group: int = 64, family: str = "ResNet",
              paper: Paper = PAPER, note: str = NOTE) -> None:
    kind = ("bottleneck blocks (1×1, 3×3, 1×1)" if block is bottleneck
            else "basic blocks (two 3×3)")
    if groups > 1:
        kind += (f", the 3×3 split into {groups} groups of {width_per_group} channels in the "
                 "first stage (doubling with each stage)")
    elif width_per_group != 64:
        kind += f", the 3×3 {width_per_group // 64} times as wide as ResNet's"
    builder = family_builder(name, resnet, block, layers, groups, width_per_group,
                             doc=f"{name}: {layers} {kind}.")
    globals()[name] = builder  # declared in resnet.pyi: python -m netir.architectures.stubs
    register(name, family=family, paper=paper, params=params, macs=macs,
             note=f"{note} {name}: {layers} {kind}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
for _name, _layers, _groups, _width, _params, _macs, _top1 in _RESNEXT:
    _register(_name, bottleneck, _layers, _params, _macs, _top1, _groups, _width,
              "ResNeXt", RESNEXT_PAPER, RESNEXT_NOTE)
for _name, _layers, _groups, _width, _params, _macs, _top1 in _WIDE:
    _register(_name, bottleneck, _layers, _params, _macs, _top1, _groups, _width,
              "Wide ResNet", WIDE_PAPER, WIDE_NOTE)
