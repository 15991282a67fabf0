"""ConvNeXt Tiny, Small, Base and Large (Liu et al., 2022), torchvision's layouts.

A ResNet modernised with a transformer's habits: a 4×4/4 "patchify" stem, four stages
of blocks (depthwise 7×7, layer norm, a per-position MLP four times wide with GELU, a
learned layer scale, stochastic depth, the input added back), layer norm and a 2×2/2
convolution between stages. torchvision permutes each block's map to channels-last
around its ``nn.Linear`` layers; here ``layer_norm`` and ``dense`` act on the feature
axis of the map directly, so the graph has no permutes and the same weights.
"""

from __future__ import annotations

from netir.architectures.registry import (
    Accuracy,
    Paper,
    check_knob,
    family_builder,
    input_hw,
    register,
)
from netir.ir.attrs import real
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("A ConvNet for the 2020s", "Z. Liu, H. Mao, C.-Y. Wu, C. Feichtenhofer, "
              "T. Darrell, S. Xie", "CVPR 2022", 2022)
NOTE = ("A ResNet modernised step by step with the habits of vision transformers: a 4×4 "
        "patchify stem, large 7×7 depthwise convolutions, an inverted bottleneck MLP with "
        "GELU, layer norm instead of batch norm, fewer activations and norms, and separate "
        "downsampling layers; it matches Swin's accuracy with convolutions alone.")

EPS = 1e-6  # torchvision's LayerNorm and LayerNorm2d in ConvNeXt
PROBABILITY = real(0.0, 1.0)


def cn_block(g: Graph, x: Tensor, probability: float) -> Tensor:
    """torchvision's ``CNBlock``: ``block`` (depthwise 7×7 "0", layer norm "2", dense to
    4C "3", GELU "4", dense back to C "5"), ``layer_scale`` (C, 1, 1),
    ``stochastic_depth`` (row mode), the input added back."""
    c = x.shape[0]
    with g.scope("block"):
        y = g.conv2d(x, c, 7, padding=3, groups=c, name="0")
        y = g.layer_norm(y, eps=EPS, name="2")
        y = g.gelu(g.dense(y, 4 * c, name="3"), name="4")
        y = g.dense(y, c, name="5")
    y = g.layer_scale(y, name="layer_scale")
    y = g.stochastic_depth(y, probability, "row", name="stochastic_depth")
    return g.add(y, x, name="add")


def convnext(name: str, widths: tuple[int, ...], depths: tuple[int, ...],
             num_classes: int = 1000, in_channels: int = 3,
             input_size: int | tuple[int, int] = 224,
             stochastic_depth_prob: float = 0.1) -> Graph:
    """Stem ``features.0`` (4×4/4 conv with bias, layer norm), stage ``i`` of
    ``depths[i]`` blocks of width ``widths[i]`` at ``features.{2i+1}``, each followed but
    the last by ``features.{2i+2}`` (layer norm, 2×2/2 conv to the next width); average
    pool, ``classifier`` (layer norm "0", flatten "1", dense "2").

    Stochastic depth grows linearly from 0 at the first block to
    ``stochastic_depth_prob`` at the last (identity at inference)."""
    stochastic_depth_prob = check_knob("stochastic_depth_prob", stochastic_depth_prob,
                                       PROBABILITY)
    total = sum(depths)
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    done = 0
    with g.scope("features"):
        with g.scope("0"):
            x = g.conv2d(x, widths[0], 4, stride=4, name="0")
            x = g.layer_norm(x, eps=EPS, name="1")
        for i, depth in enumerate(depths):
            for b in range(depth):
                with g.scope(str(2 * i + 1)), g.scope(str(b)):
                    x = cn_block(g, x, stochastic_depth_prob * done / (total - 1.0))
                done += 1
            if i + 1 < len(widths):
                with g.scope(str(2 * i + 2)):
                    x = g.layer_norm(x, eps=EPS, name="0")
                    x = g.conv2d(x, widths[i + 1], 2, stride=2, name="1")
    x = g.global_avg_pool(x, name="avgpool")
    with g.scope("classifier"):
        x = g.layer_norm(x, eps=EPS, name="0")
        g.dense(x, num_classes, name="2")
    return g


# name, widths, depths, stochastic depth, params, MACs (torchvision, 224×224),
# top-1 (IMAGENET1K_V1)
_ENTRIES = (
    ("convnext_tiny", (96, 192, 384, 768), (3, 3, 9, 3), 0.1, 28_589_128, 4_455_531_264,
     82.52),
    ("convnext_small", (96, 192, 384, 768), (3, 3, 27, 3), 0.4, 50_223_688, 8_683_712_256,
     83.616),
    ("convnext_base", (128, 256, 512, 1024), (3, 3, 27, 3), 0.5, 88_591_464,
     15_354_729_472, 84.062),
    ("convnext_large", (192, 384, 768, 1536), (3, 3, 27, 3), 0.5, 197_767_336,
     34_361_433_600, 84.414),
)


def _register(name: str, widths: tuple[int, ...], depths: tuple[int, ...],
              probability: float, params: int, macs: int, top1: float) -> None:
    size = (f"widths {'-'.join(map(str, widths))}, depths {'-'.join(map(str, depths))}")
    builder = family_builder(name, convnext, widths, depths,
                             knobs={"stochastic_depth_prob": probability},
                             doc=f"{name}: {size}.")
    globals()[name] = builder  # declared in convnext.pyi: python -m netir.architectures.stubs
    register(name, family="ConvNeXt", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: {size}; stochastic depth up to {probability}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
