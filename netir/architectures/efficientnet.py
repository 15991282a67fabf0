"""EfficientNet B0-B7 (Tan and Le, 2019) and EfficientNetV2 S, M, L (Tan and Le, 2021),
torchvision's layouts.

One family builder reads a table of stages, as torchvision's ``_efficientnet_conf``
does: each row names its block (MBConv or Fused-MBConv), expansion, kernel, stride,
input and output widths and depth. B1-B7 are B0 scaled by a width and a depth
multiplier (compound scaling); V2 has tables of its own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

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

PAPER = Paper("EfficientNet: rethinking model scaling for convolutional neural networks",
              "M. Tan, Q. V. Le", "ICML 2019", 2019)
NOTE = ("Compound scaling: a small network found by architecture search (B0: MBConv blocks, "
        "inverted residuals with squeeze-excitation and the SiLU activation) is scaled in "
        "depth, width and input resolution together by fixed ratios, which gives more "
        "accuracy per operation than scaling any one of them.")
V2_PAPER = Paper("EfficientNetV2: smaller models and faster training", "M. Tan, Q. V. Le",
                 "ICML 2021", 2021)
V2_NOTE = ("Searched for training speed as well as accuracy: the early stages use "
           "Fused-MBConv, a plain 3×3 convolution in place of MBConv's 1×1 expansion and "
           "depthwise 3×3, which runs faster on accelerators at high resolution; smaller "
           "expansion ratios, and progressive learning (image size and regularisation grow "
           "during training).")

MULTIPLIER = real(0.0, low_open=True)
PROBABILITY = real(0.0, 1.0)

# block, expansion, kernel, stride, input width, output width, blocks (torchvision's
# MBConvConfig / FusedMBConvConfig rows)
B0 = (("mbconv", 1, 3, 1, 32, 16, 1), ("mbconv", 6, 3, 2, 16, 24, 2),
      ("mbconv", 6, 5, 2, 24, 40, 2), ("mbconv", 6, 3, 2, 40, 80, 3),
      ("mbconv", 6, 5, 1, 80, 112, 3), ("mbconv", 6, 5, 2, 112, 192, 4),
      ("mbconv", 6, 3, 1, 192, 320, 1))
V2_S = (("fused", 1, 3, 1, 24, 24, 2), ("fused", 4, 3, 2, 24, 48, 4),
        ("fused", 4, 3, 2, 48, 64, 4), ("mbconv", 4, 3, 2, 64, 128, 6),
        ("mbconv", 6, 3, 1, 128, 160, 9), ("mbconv", 6, 3, 2, 160, 256, 15))
V2_M = (("fused", 1, 3, 1, 24, 24, 3), ("fused", 4, 3, 2, 24, 48, 5),
        ("fused", 4, 3, 2, 48, 80, 5), ("mbconv", 4, 3, 2, 80, 160, 7),
        ("mbconv", 6, 3, 1, 160, 176, 14), ("mbconv", 6, 3, 2, 176, 304, 18),
        ("mbconv", 6, 3, 1, 304, 512, 5))
V2_L = (("fused", 1, 3, 1, 32, 32, 4), ("fused", 4, 3, 2, 32, 64, 7),
        ("fused", 4, 3, 2, 64, 96, 7), ("mbconv", 4, 3, 2, 96, 192, 10),
        ("mbconv", 6, 3, 1, 192, 224, 19), ("mbconv", 6, 3, 2, 224, 384, 25),
        ("mbconv", 6, 3, 1, 384, 640, 7))
V2_LAST = 1280  # V1's last convolution is four times its last stage width instead

# torchvision's batch norm per size (the op's defaults, eps 1e-5 and momentum 0.1, for B0-B4)
B5_NORM = {"eps": 0.001, "momentum": 0.01}
V2_NORM = {"eps": 0.001}


def _divisible(channels: float) -> int:
    return round_to_multiple(channels, 8)


def mbconv(g: Graph, x: Tensor, out: int, expansion: float, kernel: int, stride: int,
           norm: Mapping[str, Any]) -> Tensor:
    """``block``: 1×1 expansion (left out at expansion 1), depthwise k×k (carries the
    stride), squeeze-excitation to a quarter of the *input* channels (SiLU, sigmoid
    gate), linear 1×1 projection; SiLU after the first two."""
    expanded = _divisible(x.shape[0] * expansion)
    layer = (str(i) for i in itertools.count())  # nn.Sequential's names
    with g.scope("block"):
        y = x
        if expanded != x.shape[0]:
            with g.scope(next(layer)):
                y = conv_norm_activation(g, y, expanded, 1, "silu", norm)
        with g.scope(next(layer)):
            y = conv_norm_activation(g, y, expanded, kernel, "silu", norm, stride=stride,
                                     groups=expanded)
        with g.scope(next(layer)):
            y = squeeze_excitation(g, y, max(1, x.shape[0] // 4), activation="silu")
        with g.scope(next(layer)):
            return conv_norm_activation(g, y, out, 1, None, norm)


def fused_mbconv(g: Graph, x: Tensor, out: int, expansion: float, kernel: int, stride: int,
                 norm: Mapping[str, Any]) -> Tensor:
    """``block``: a k×k convolution (carries the stride) to the expanded width, then a
    linear 1×1 projection; at expansion 1 the k×k alone goes straight to ``out``."""
    expanded = _divisible(x.shape[0] * expansion)
    with g.scope("block"):
        if expanded == x.shape[0]:
            with g.scope("0"):
                return conv_norm_activation(g, x, out, kernel, "silu", norm, stride=stride)
        with g.scope("0"):
            y = conv_norm_activation(g, x, expanded, kernel, "silu", norm, stride=stride)
        with g.scope("1"):
            return conv_norm_activation(g, y, out, 1, None, norm)


BLOCKS = {"mbconv": mbconv, "fused": fused_mbconv}


def efficientnet(name: str, setting: tuple, last_channel: int | None,
                 norm: Mapping[str, Any], num_classes: int = 1000, in_channels: int = 3,
                 input_size: int | tuple[int, int] = 224, width_mult: float = 1.0,
                 depth_mult: float = 1.0, dropout: float = 0.2,
                 stochastic_depth_prob: float = 0.2) -> Graph:
    """Stem 3×3/2 (SiLU), one stage per ``setting`` row (widths × ``width_mult`` rounded
    to multiples of 8, depths × ``depth_mult`` rounded up), 1×1 to ``last_channel`` (four
    times the last width when None), pool, dropout, dense.

    Stage ``i`` is ``features.i``; a block that keeps its shape adds its input back
    after stochastic depth, whose probability grows linearly from 0 to
    ``stochastic_depth_prob`` over the blocks (identity at inference)."""
    width_mult = check_knob("width_mult", width_mult, MULTIPLIER)
    depth_mult = check_knob("depth_mult", depth_mult, MULTIPLIER)
    dropout = check_knob("dropout", dropout, PROBABILITY)
    stochastic_depth_prob = check_knob("stochastic_depth_prob", stochastic_depth_prob,
                                       PROBABILITY)
    stages = [(BLOCKS[block], expansion, kernel, stride, _divisible(width * width_mult),
               math.ceil(blocks * depth_mult))
              for block, expansion, kernel, stride, _, width, blocks in setting]
    total = sum(stage[-1] for stage in stages)
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("features"):
        with g.scope("0"):
            x = conv_norm_activation(g, x, _divisible(setting[0][4] * width_mult), 3, "silu",
                                     norm, stride=2)
        done = 0
        for i, (block, expansion, kernel, stride, out, blocks) in enumerate(stages, start=1):
            for b in range(blocks):
                with g.scope(str(i)), g.scope(str(b)):
                    first = 1 if b else stride
                    y = block(g, x, out, expansion, kernel, first, norm)
                    if first == 1 and x.shape[0] == out:
                        y = g.add(g.stochastic_depth(y, stochastic_depth_prob * done / total,
                                                     "row", name="stochastic_depth"),
                                  x, name="add")
                    x = y
                done += 1
        with g.scope(str(len(stages) + 1)):
            x = conv_norm_activation(g, x, last_channel or 4 * x.shape[0], 1, "silu", norm)
    x = g.global_avg_pool(x, name="avgpool")
    with g.scope("classifier"):
        g.dense(g.dropout(x, dropout, name="0"), num_classes, name="1")
    return g


# name, stages, last width, batch norm, width and depth multipliers, dropout,
# params, MACs (torchvision, 224×224), top-1 (IMAGENET1K_V1, at each network's own size)
_ENTRIES = (
    ("efficientnet_b0", B0, None, {}, 1.0, 1.0, 0.2, 5_288_548, 385_814_752, 77.692),
    ("efficientnet_b1", B0, None, {}, 1.0, 1.1, 0.2, 7_794_184, 569_651_680, 78.642),
    ("efficientnet_b2", B0, None, {}, 1.1, 1.2, 0.3, 9_109_994, 658_963_440, 80.608),
    ("efficientnet_b3", B0, None, {}, 1.2, 1.4, 0.3, 12_233_232, 962_708_240, 82.008),
    ("efficientnet_b4", B0, None, {}, 1.4, 1.8, 0.4, 19_341_616, 1_503_710_432, 83.384),
    ("efficientnet_b5", B0, None, B5_NORM, 1.6, 2.2, 0.4, 30_389_784, 2_356_493_184, 83.444),
    ("efficientnet_b6", B0, None, B5_NORM, 1.8, 2.6, 0.5, 43_040_704, 3_360_166_848, 84.008),
    ("efficientnet_b7", B0, None, B5_NORM, 2.0, 3.1, 0.5, 66_347_960, 5_169_865_152, 84.122),
    ("efficientnet_v2_s", V2_S, V2_LAST, V2_NORM, 1.0, 1.0, 0.2, 21_458_488, 2_849_895_872,
     84.228),
    ("efficientnet_v2_m", V2_M, V2_LAST, V2_NORM, 1.0, 1.0, 0.3, 54_139_356, 5_362_207_200,
     85.112),
    ("efficientnet_v2_l", V2_L, V2_LAST, V2_NORM, 1.0, 1.0, 0.4, 118_515_272,
     12_231_188_544, 85.808),
)


def _register(name: str, setting: tuple, last: int | None, norm: dict, width: float,
              depth: float, dropout: float, params: int, macs: int, top1: float) -> None:
    v2 = last is not None
    size = (f"{len(setting)} stages of {sum(row[-1] for row in setting)} blocks" if v2 else
            f"B0 scaled by width {width} and depth {depth}")
    builder = family_builder(name, efficientnet, setting, last, norm,
                             knobs={"width_mult": width, "depth_mult": depth,
                                    "dropout": dropout}, doc=f"{name}: {size}.")
    globals()[name] = builder  # declared in efficientnet.pyi: python -m netir.architectures.stubs
    norm_text = ", ".join(f"{k} {v:g}" for k, v in norm.items()) or "eps 1e-5, momentum 0.1"
    register(name, family="EfficientNet", paper=V2_PAPER if v2 else PAPER, params=params,
             macs=macs, note=f"{V2_NOTE if v2 else NOTE} {name}: {size}; batch norm "
                             f"{norm_text}; dropout {dropout}.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
