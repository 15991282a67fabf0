"""RegNet (Radosavovic et al., 2020), torchvision's layout: the X and Y design spaces.

A RegNet is four numbers, as in torchvision: depth, initial width ``w_0``, slope ``w_a``
and log-step ``w_m`` give every block's width through a quantised linear rule
(:func:`block_params`); blocks of equal width form a stage. RegNet Y is RegNet X with a
squeeze-and-excitation step inside every block (``se_ratio`` 0.25).
"""

from __future__ import annotations

import numpy as np

from netir.architectures.blocks import conv_norm_activation, squeeze_excitation
from netir.architectures.channels import round_to_multiple
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

PAPER = Paper("Designing network design spaces",
              "I. Radosavovic, R. P. Kosaraju, R. Girshick, K. He, P. Dollár", "CVPR 2020",
              2020)
NOTE = ("Design spaces instead of single networks: the authors narrowed a space of "
        "ResNeXt-like networks until the good ones followed a simple rule, widths growing "
        "linearly with depth and quantised into stages. RegNet X is that space's residual "
        "bottleneck with grouped 3×3 convolutions (no squeeze-excitation); each size is four "
        "numbers: depth, initial width, slope and quantisation step.")
Y_NOTE = ("Design spaces instead of single networks: the authors narrowed a space of "
          "ResNeXt-like networks until the good ones followed a simple rule, widths growing "
          "linearly with depth and quantised into stages. RegNet Y adds squeeze-excitation "
          "after each block's grouped 3×3 convolution (squeezed to a quarter of the block's "
          "input width), which pays for itself at every size; each size is four numbers: "
          "depth, initial width, slope and quantisation step.")

STEM_WIDTH = 32
QUANT = 8  # stage widths are multiples of 8
SE_RATIO = real(0.0, 1.0, low_open=True)
WIDTH = real(0.0, low_open=True)  # the width multiplier's type


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
    """torchvision's ``Conv2dNormActivation``: conv "0", batch norm "1", ReLU "2"."""
    return conv_norm_activation(g, x, out, kernel, "relu" if relu else None, **conv)


def res_bottleneck_block(g: Graph, x: Tensor, width: int, stride: int,
                         group_width: int, se_ratio: float | None = None) -> Tensor:
    """x + f(x), f = 1×1, grouped 3×3 (carries the stride), squeeze-excitation to
    ``se_ratio`` × the input width where given, 1×1; a 1×1 projection (conv + batch
    norm) on the shortcut when the shape changes; then ReLU."""
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
        if se_ratio:
            with g.scope("se"):
                y = squeeze_excitation(g, y, int(round(se_ratio * x.shape[0])))
        with g.scope("c"):
            y = _conv_bn(g, y, width, 1, relu=False)
    return g.relu(g.add(shortcut, y, name="add"), name="activation")


def regnet(name: str, depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
           num_classes: int = 1000, in_channels: int = 3,
           input_size: int | tuple[int, int] = 224, se_ratio: float | None = None,
           width_mult: float = 1.0) -> Graph:
    """Stem (3×3/2), stages from :func:`block_params` (each starts with stride 2), pool,
    dense. Stage ``i`` is ``trunk_output.block{i}``, its blocks ``block{i}-{j}``;
    ``se_ratio`` (None: RegNet X) adds squeeze-excitation to every block. ``width_mult``
    (not torchvision's) scales ``w_0``, ``w_a`` and the group width, so the stages keep
    their depths and the block widths scale by about that factor (parameters by its
    square): the catalog's largest RegNet is checked at half width on small machines."""
    if se_ratio is not None:
        se_ratio = check_knob("se_ratio", se_ratio, SE_RATIO)
    width_mult = check_knob("width_mult", width_mult, WIDTH)
    if width_mult != 1.0:
        w_0, w_a = max(QUANT, round(w_0 * width_mult)), w_a * width_mult
        group_width = max(1, round(group_width * width_mult))
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("stem"):
        x = _conv_bn(g, x, STEM_WIDTH, 3, relu=True, stride=2)
    with g.scope("trunk_output"):
        for i, (width, blocks, group) in enumerate(
                block_params(depth, w_0, w_a, w_m, group_width), start=1):
            for j in range(blocks):
                with g.scope(f"block{i}"), g.scope(f"block{i}-{j}"):
                    x = res_bottleneck_block(g, x, width, 2 if j == 0 else 1, group, se_ratio)
    x = g.flatten(g.adaptive_avg_pool2d(x, 1, name="avgpool"), name="flatten")
    g.dense(x, num_classes, name="fc")
    return g


# name, (depth, w_0, w_a, w_m, group width), squeeze-excitation ratio, params, MACs
# (torchvision, 224×224), top-1 (IMAGENET1K_V1; regnet_y_128gf has no such weights)
_ENTRIES = (
    ("regnet_x_400mf", (22, 24, 24.48, 2.54, 16), None, 5_495_976, 413_812_608, 72.834),
    ("regnet_x_800mf", (16, 56, 35.73, 2.28, 16), None, 7_259_656, 799_699_712, 75.212),
    ("regnet_x_1_6gf", (18, 80, 34.01, 2.25, 24), None, 9_190_136, 1_602_849_792, 77.040),
    ("regnet_x_3_2gf", (25, 88, 26.31, 2.25, 48), None, 15_296_552, 3_176_621_952, 78.364),
    ("regnet_x_8gf", (23, 80, 49.56, 2.88, 120), None, 39_572_648, 7_995_132_416, 79.344),
    ("regnet_x_16gf", (22, 216, 55.59, 2.1, 128), None, 54_278_536, 15_940_755_456, 80.058),
    ("regnet_x_32gf", (23, 320, 69.86, 2.0, 168), None, 107_811_560, 31_735_929_792, 80.622),
    ("regnet_y_400mf", (16, 48, 27.89, 2.09, 8), 0.25, 4_344_144, 401_842_848, 74.046),
    ("regnet_y_800mf", (14, 56, 38.84, 2.4, 16), 0.25, 6_432_512, 833_856_256, 76.420),
    ("regnet_y_1_6gf", (27, 48, 20.71, 2.65, 24), 0.25, 11_202_430, 1_612_076_160, 77.950),
    ("regnet_y_3_2gf", (21, 80, 42.63, 2.66, 24), 0.25, 19_436_338, 3_176_482_752, 78.948),
    ("regnet_y_8gf", (17, 192, 76.82, 2.19, 56), 0.25, 39_381_472, 8_473_070_592, 80.032),
    ("regnet_y_16gf", (18, 200, 106.23, 2.48, 112), 0.25, 83_590_140, 15_911_510_272,
     80.424),
    ("regnet_y_32gf", (20, 232, 115.89, 2.53, 232), 0.25, 145_046_770, 32_279_552_832,
     80.878),
    ("regnet_y_128gf", (27, 456, 160.83, 2.52, 264), 0.25, 644_812_894, 127_517_815_680,
     None),
)


def _register(name: str, design: tuple, se_ratio: float | None, params: int, macs: int,
              top1: float | None) -> None:
    depth, w_0, w_a, w_m, group_width = design
    numbers = f"depth {depth}, w_0 {w_0}, w_a {w_a}, w_m {w_m}, group width {group_width}"
    se = f", squeeze-excitation ratio {se_ratio}" if se_ratio else ""
    builder = family_builder(name, regnet, *design, knobs={"se_ratio": se_ratio},
                             doc=f"{name}: {numbers}{se}.")
    globals()[name] = builder  # declared in regnet.pyi: python -m netir.architectures.stubs
    accuracy = (None if top1 is None else
                Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))
    register(name, family="RegNet", paper=PAPER, params=params, macs=macs,
             note=f"{Y_NOTE if se_ratio else NOTE} {name}: {numbers}{se}.",
             accuracy=accuracy)(builder)


for _entry in _ENTRIES:
    _register(*_entry)
