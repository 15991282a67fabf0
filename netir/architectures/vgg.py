"""VGG (Simonyan and Zisserman, 2014), in torchvision's layout."""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph

PAPER = Paper("Very deep convolutional networks for large-scale image recognition",
              "K. Simonyan, A. Zisserman", "ICLR 2015 (arXiv 2014)", 2014)
NOTE = ("Depth from uniformity: stacks of 3×3 convolutions (two of them see 5×5, three see "
        "7×7, with fewer parameters and more non-linearities) separated by 2×2 max pooling, "
        "channels doubling 64→512, then three dense layers with dropout.")
BN_NOTE = (" This variant adds batch normalisation (Ioffe and Szegedy, 2015) after every "
           "convolution, as torchvision's *_bn models do.")

# Configuration letters from the paper: numbers are conv widths, "M" a 2×2 max pool.
CFGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
          "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512,
          512, 512, 512, "M"],
}


def vgg(name: str, cfg: str, batch_norm: bool, num_classes: int = 1000, in_channels: int = 3,
        input_size: int | tuple[int, int] = 224) -> Graph:
    """Build VGG from a configuration letter; node names follow torchvision's indices."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    i = 0
    with g.scope("features"):
        for v in CFGS[cfg]:
            if v == "M":
                x = g.max_pool2d(x, 2, 2, name=str(i))
                i += 1
                continue
            x = g.conv2d(x, v, 3, padding=1, name=str(i))
            i += 1
            if batch_norm:
                x = g.batch_norm(x, name=str(i))
                i += 1
            x = g.relu(x, name=str(i))
            i += 1
    x = g.adaptive_avg_pool2d(x, 7, name="avgpool")
    x = g.flatten(x, name="flatten")
    with g.scope("classifier"):
        x = g.dropout(g.relu(g.dense(x, 4096, name="0"), name="1"), 0.5, name="2")
        x = g.dropout(g.relu(g.dense(x, 4096, name="3"), name="4"), 0.5, name="5")
        g.dense(x, num_classes, name="6")
    return g


def _acc(name: str, top1: float) -> Accuracy:
    return Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1")


# name, configuration, batch norm, params, MACs (torchvision, 224×224), top-1
_ENTRIES = (
    ("vgg11", "A", False, 132_863_336, 7_609_090_048, 69.020),
    ("vgg13", "B", False, 133_047_848, 11_308_466_176, 69.928),
    ("vgg16", "D", False, 138_357_544, 15_470_264_320, 71.592),
    ("vgg19", "E", False, 143_667_240, 19_632_062_464, 72.376),
    ("vgg11_bn", "A", True, 132_868_840, 7_609_090_048, 70.370),
    ("vgg13_bn", "B", True, 133_053_736, 11_308_466_176, 71.586),
    ("vgg16_bn", "D", True, 138_365_992, 15_470_264_320, 73.360),
    ("vgg19_bn", "E", True, 143_678_248, 19_632_062_464, 74.218),
)


def _register(name: str, cfg: str, bn: bool, params: int, macs: int, top1: float) -> None:
    builder = family_builder(name, vgg, cfg, bn, doc=f"{name}: configuration {cfg}"
                             + (" with batch norm." if bn else "."))
    globals()[name] = builder  # declared in vgg.pyi: python -m netir.architectures.stubs
    register(name, family="VGG", paper=PAPER, params=params, macs=macs,
             note=NOTE + (BN_NOTE if bn else ""), accuracy=_acc(name, top1))(builder)


for _entry in _ENTRIES:
    _register(*_entry)
