"""RegNet (Radosavovic et al., 2020), torchvision's layout: the X design space.

A RegNet is four numbers, as in torchvision: depth, initial width ``w_0``, slope ``w_a``
and log-step ``w_m`` give every block's width through a quantised linear rule
(:func:`block_params`); blocks of equal width form a stage. RegNet Y adds a
squeeze-and-excitation step inside the block, which needs a broadcasting multiply and a
sigmoid the op vocabulary does not have yet.
"""

from __future__ import annotations

import numpy as np

from netir.architectures.channels import round_to_multiple
from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("Designing network design spaces",
              "I. Radosavovic, R. P. Kosaraju, R. Girshick, K. He, P. Dollár", "CVPR 2020",
              2020)
NOTE = ("Design spaces instead of single networks: the authors narrowed a space of "
        "ResNeXt-like networks until the good ones followed a simple rule, widths growing "
        "linearly with depth and quantised into stages. RegNet X is that space's residual "
        "bottleneck with grouped 3×3 convolutions (no squeeze-excitation); each size is four "
        "numbers: depth, initial width, slope and quantisation step.")

STEM_WIDTH = 32
QUANT = 8  # stage widths are multiples of 8


def block_params(depth: int, w_0: int, w_a: float, w_m: float,
                 group_width: int) -> list[tuple[int, int, int]]:
    """(width, blocks, group width) per stage, computed as torchvision's
    ``BlockParams.from_init_params`` does (in float32, as it does, so rounding agrees;
    bottleneck multiplier 1)."""
    widths_cont = np.arange(depth, dtype=np.float32) * np.float32(w_a) + np.float32(w_0)
    capacity = np.round(np.log(widths_cont / np.float32(w_0)) / np.float32(np.log(w_m)))
    widths = (np.round(np.float32(w_0) * np.power(np.float32(w_m), capacity) / QUANT)
              * QUANT).astype(int).tolist()
    stages: list[list[int]] = []  # [width, blocks] per run of equal widths
    for w in widths:
        if stages and stages[-1][0] == w:
            stages[-1][1] += 1
        else:
            stages.append([w, 1])
    params = []
    for width, blocks in stages:
        group = min(group_width, width)
        params.append((round_to_multiple(width, group), blocks, group))
    return params


def _conv_bn(g: Graph, x: Tensor, out: int, kernel: int, relu: bool, **conv) -> Tensor:
    """torchvision's ``ConvNormActivation``: conv "0" (no bias), batch norm "1", ReLU "2"."""
    x = g.batch_norm(g.conv2d(x, out, kernel, padding=(kernel - 1) // 2, bias=False,
                              name="0", **conv), name="1")
    return g.relu(x, name="2") if relu else x


def res_bottleneck_block(g: Graph, x: Tensor, width: int, stride: int,
                         group_width: int) -> Tensor:
    """x + f(x), f = 1×1, grouped 3×3 (carries the stride), 1×1; a 1×1 projection
    (conv + batch norm) on the shortcut when the shape changes; then ReLU."""
    shortcut = x
    if stride != 1 or x.shape[0] != width:
        with g.scope("proj"):
            shortcut = _conv_bn(g, x, width, 1, relu=False, stride=stride)
    with g.scope("f"):
        with g.scope("a"):
            y = _conv_bn(g, x, width, 1, relu=True)
        with g.scope("b"):
            y = _conv_bn(g, y, width, 3, relu=True, stride=stride,
                         groups=width // group_width)
        with g.scope("c"):
            y = _conv_bn(g, y, width, 1, relu=False)
    return g.relu(g.add(shortcut, y, name="add"), name="activation")


def regnet(name: str, depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
           num_classes: int = 1000, in_channels: int = 3,
           input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem (3×3/2), stages from :func:`block_params` (each starts with stride 2), pool,
    dense. Stage ``i`` is ``trunk_output.block{i}``, its blocks ``block{i}-{j}``."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("stem"):
        x = _conv_bn(g, x, STEM_WIDTH, 3, relu=True, stride=2)
    with g.scope("trunk_output"):
        for i, (width, blocks, group) in enumerate(
                block_params(depth, w_0, w_a, w_m, group_width), start=1):
            for j in range(blocks):
                with g.scope(f"block{i}"), g.scope(f"block{i}-{j}"):
                    x = res_bottleneck_block(g, x, width, 2 if j == 0 else 1, group)
    x = g.flatten(g.adaptive_avg_pool2d(x, 1, name="avgpool"), name="flatten")
    g.dense(x, num_classes, name="fc")
    return g


# name, (depth, w_0, w_a, w_m, group width), params, MACs (torchvision, 224×224), top-1
_ENTRIES = (
    ("regnet_x_400mf", (22, 24, 24.48, 2.54, 16), 5_495_976, 413_812_608, 72.834),
    ("regnet_x_800mf", (16, 56, 35.73, 2.28, 16), 7_259_656, 799_699_712, 75.212),
    ("regnet_x_1_6gf", (18, 80, 34.01, 2.25, 24), 9_190_136, 1_602_849_792, 77.040),
    ("regnet_x_3_2gf", (25, 88, 26.31, 2.25, 48), 15_296_552, 3_176_621_952, 78.364),
    ("regnet_x_8gf", (23, 80, 49.56, 2.88, 120), 39_572_648, 7_995_132_416, 79.344),
    ("regnet_x_16gf", (22, 216, 55.59, 2.1, 128), 54_278_536, 15_940_755_456, 80.058),
    ("regnet_x_32gf", (23, 320, 69.86, 2.0, 168), 107_811_560, 31_735_929_792, 80.622),
)


def _register(name: str, design: tuple, params: int, macs: int, top1: float) -> None:
    depth, w_0, w_a, w_m, group_width = design
    builder = family_builder(name, regnet, *design,
                             doc=f"{name}: depth {depth}, w_0 {w_0}, w_a {w_a}, w_m {w_m}, "
                                 f"group width {group_width}.")
    globals()[name] = builder  # netir.architectures.regnet.regnet_x_400mf(num_classes=10)
    register(name, family="RegNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: depth {depth}, w_0 {w_0}, w_a {w_a}, w_m {w_m}, group "
                  f"width {group_width}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
