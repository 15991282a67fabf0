"""MnasNet (Tan et al., 2018), torchvision's B1 variant and layout."""

from __future__ import annotations

from netir.architectures.channels import round_to_multiple
from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("MnasNet: platform-aware neural architecture search for mobile",
              "M. Tan, B. Chen, R. Pang, V. Vasudevan, M. Sandler, A. Howard, Q. V. Le",
              "CVPR 2019 (arXiv 2018)", 2018)
NOTE = ("Architecture search with the measured latency on a phone in the objective: the "
        "searched network is a stack of MobileNetV2-style inverted residuals (1×1 expansion, "
        "3×3 or 5×5 depthwise convolution, linear 1×1 projection, identity shortcut where "
        "the shape allows), with a different kernel, expansion and depth per stage.")

BN_MOMENTUM = 1 - 0.9997  # the paper's TensorFlow decay 0.9997, as torchvision sets it
DEPTHS = (32, 16, 24, 40, 80, 96, 192, 320)  # stem, separable conv, then the six stacks
# per stack: kernel, stride of the first block, expansion factor, blocks (torchvision)
STACKS = ((3, 2, 3, 3), (5, 2, 3, 3), (5, 2, 6, 3), (3, 1, 6, 2), (5, 2, 6, 4), (3, 1, 6, 1))
LAST_WIDTH = 1280


def _conv_bn(g: Graph, x: Tensor, out: int, kernel: int, index: int, *, relu: bool,
             **conv) -> Tensor:
    """Conv (no bias) and batch norm named ``index``, ``index + 1``; ReLU at ``index + 2``."""
    x = g.conv2d(x, out, kernel, bias=False, name=str(index), **conv)
    x = g.batch_norm(x, momentum=BN_MOMENTUM, name=str(index + 1))
    return g.relu(x, name=str(index + 2)) if relu else x


def inverted_residual(g: Graph, x: Tensor, out: int, kernel: int, stride: int,
                      expansion: int) -> Tensor:
    """1×1 expand, k×k depthwise (carries the stride), 1×1 linear projection; the input
    is added back when the shape is unchanged. torchvision's ``layers.N`` indices."""
    mid = x.shape[0] * expansion
    with g.scope("layers"):
        y = _conv_bn(g, x, mid, 1, 0, relu=True)
        y = _conv_bn(g, y, mid, kernel, 3, stride=stride, padding=kernel // 2, groups=mid,
                     relu=True)
        y = _conv_bn(g, y, out, 1, 6, relu=False)
    if stride == 1 and x.shape[0] == out:
        y = g.add(y, x, name="add")
    return y


def mnasnet(name: str, alpha: float, num_classes: int = 1000, in_channels: int = 3,
            input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem conv, depthwise-separable conv, six stacks of inverted residuals (widths
    ``DEPTHS`` × ``alpha`` rounded to multiples of 8), 1×1 to 1280, pool, dropout, dense."""
    depths = [round_to_multiple(d * alpha, 8) for d in DEPTHS]
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("layers"):
        x = _conv_bn(g, x, depths[0], 3, 0, stride=2, padding=1, relu=True)
        x = _conv_bn(g, x, depths[0], 3, 3, padding=1, groups=depths[0], relu=True)
        x = _conv_bn(g, x, depths[1], 1, 6, relu=False)
        for i, (kernel, stride, expansion, blocks) in enumerate(STACKS):
            for b in range(blocks):
                with g.scope(f"{8 + i}.{b}"):
                    x = inverted_residual(g, x, depths[2 + i], kernel,
                                          stride if b == 0 else 1, expansion)
        x = _conv_bn(g, x, LAST_WIDTH, 1, 8 + len(STACKS), relu=True)
    x = g.global_avg_pool(x, name="mean")
    with g.scope("classifier"):
        g.dense(g.dropout(x, 0.2, name="0"), num_classes, name="1")
    return g


# name, depth multiplier, params, MACs (torchvision, 224×224), top-1 (IMAGENET1K_V1)
_ENTRIES = (
    ("mnasnet0_5", 0.5, 2_218_512, 104_455_968, 67.734),
    ("mnasnet0_75", 0.75, 3_170_208, 215_493_104, 71.180),
    ("mnasnet1_0", 1.0, 4_383_312, 314_415_872, 73.456),
    ("mnasnet1_3", 1.3, 6_282_256, 526_362_432, 76.506),
)


def _register(name: str, alpha: float, params: int, macs: int, top1: float) -> None:
    builder = family_builder(name, mnasnet, alpha, doc=f"{name}: depth multiplier {alpha}.")
    globals()[name] = builder  # declared in mnasnet.pyi: python -m netir.architectures.stubs
    register(name, family="MnasNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: depth multiplier {alpha}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
