"""MobileNetV2 (Sandler et al., 2018) and MobileNetV3 (Howard et al., 2019), torchvision's
layouts.

Both are stacks of inverted residuals: a 1×1 convolution expands the channels, a
depthwise k×k convolution filters each channel alone, a linear 1×1 convolution projects
back, and the input is added where the shape allows. V3 adds squeeze-excitation to some
blocks and the hard-swish activation; its tables come from architecture search.
"""

from __future__ import annotations

import itertools

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

V2_PAPER = Paper("MobileNetV2: inverted residuals and linear bottlenecks",
                 "M. Sandler, A. Howard, M. Zhu, A. Zhmoginov, L.-C. Chen", "CVPR 2018", 2018)
V2_NOTE = ("The inverted residual with a linear bottleneck: a block widens a thin tensor "
           "with a 1×1 convolution, filters it with a depthwise 3×3 (one filter per "
           "channel) and projects it back with a 1×1 convolution that has no activation, "
           "since ReLU on few channels destroys information; the shortcut joins the thin "
           "ends. ReLU6 throughout.")
V3_PAPER = Paper("Searching for MobileNetV3",
                 "A. Howard, M. Sandler, G. Chu, L.-C. Chen, B. Chen, M. Tan, W. Wang, Y. Zhu, "
                 "R. Pang, V. Vasudevan, Q. V. Le, H. Adam", "ICCV 2019", 2019)
V3_NOTE = ("MobileNetV2's blocks arranged by platform-aware architecture search and "
           "NetAdapt, with squeeze-excitation (a hard-sigmoid gate) in some blocks, the "
           "hard-swish activation x·relu6(x + 3)/6 in the deeper half, and a cheaper head "
           "that pools before its last 1×1 layers.")
WIDTH = real(0.0, low_open=True)  # the width multiplier's type

# MobileNetV2: expansion t, output channels c, blocks n, stride of the first s
V2_SETTING = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
              (6, 160, 3, 2), (6, 320, 1, 1))
V2_STEM, V2_LAST = 32, 1280

# MobileNetV3, one row per block: kernel, expanded channels, output channels,
# squeeze-excitation, activation, stride (torchvision's bneck_conf; the stem gives 16)
V3_LARGE = ((3, 16, 16, False, "relu", 1), (3, 64, 24, False, "relu", 2),
            (3, 72, 24, False, "relu", 1), (5, 72, 40, True, "relu", 2),
            (5, 120, 40, True, "relu", 1), (5, 120, 40, True, "relu", 1),
            (3, 240, 80, False, "hardswish", 2), (3, 200, 80, False, "hardswish", 1),
            (3, 184, 80, False, "hardswish", 1), (3, 184, 80, False, "hardswish", 1),
            (3, 480, 112, True, "hardswish", 1), (3, 672, 112, True, "hardswish", 1),
            (5, 672, 160, True, "hardswish", 2), (5, 960, 160, True, "hardswish", 1),
            (5, 960, 160, True, "hardswish", 1))
V3_SMALL = ((3, 16, 16, True, "relu", 2), (3, 72, 24, False, "relu", 2),
            (3, 88, 24, False, "relu", 1), (5, 96, 40, True, "hardswish", 2),
            (5, 240, 40, True, "hardswish", 1), (5, 240, 40, True, "hardswish", 1),
            (5, 120, 48, True, "hardswish", 1), (5, 144, 48, True, "hardswish", 1),
            (5, 288, 96, True, "hardswish", 2), (5, 576, 96, True, "hardswish", 1),
            (5, 576, 96, True, "hardswish", 1))
V3_STEM = 16
V3_NORM = {"eps": 0.001, "momentum": 0.01}  # torchvision's MobileNetV3 batch norm


def _divisible(channels: float) -> int:
    return round_to_multiple(channels, 8)


def inverted_residual_v2(g: Graph, x: Tensor, out: int, stride: int, expansion: int) -> Tensor:
    """``conv``: 1×1 expansion (left out when ``expansion`` is 1), depthwise 3×3 (carries
    the stride), each with batch norm and ReLU6, then a linear 1×1 projection and batch
    norm; the input is added back when the shape is unchanged."""
    hidden = int(round(x.shape[0] * expansion))
    layer = (str(i) for i in itertools.count())  # nn.Sequential's names
    with g.scope("conv"):
        y = x
        if expansion != 1:
            with g.scope(next(layer)):
                y = conv_norm_activation(g, y, hidden, 1, "relu6")
        with g.scope(next(layer)):
            y = conv_norm_activation(g, y, hidden, 3, "relu6", stride=stride, groups=hidden)
        y = g.batch_norm(g.conv2d(y, out, 1, bias=False, name=next(layer)), name=next(layer))
    if stride == 1 and x.shape[0] == out:
        y = g.add(x, y, name="add")
    return y


def mobilenet_v2(name: str, num_classes: int = 1000, in_channels: int = 3,
                 input_size: int | tuple[int, int] = 224, width_mult: float = 1.0) -> Graph:
    """Stem 3×3/2, the inverted residuals of ``V2_SETTING`` (widths × ``width_mult``,
    multiples of 8), 1×1 to 1280 (scaled only above 1), pool, dropout, dense."""
    width_mult = check_knob("width_mult", width_mult, WIDTH)
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("features"):
        with g.scope("0"):
            x = conv_norm_activation(g, x, _divisible(V2_STEM * width_mult), 3, "relu6",
                                     stride=2)
        index = 1
        for expansion, channels, blocks, stride in V2_SETTING:
            for b in range(blocks):
                with g.scope(str(index)):
                    x = inverted_residual_v2(g, x, _divisible(channels * width_mult),
                                             stride if b == 0 else 1, expansion)
                index += 1
        with g.scope(str(index)):
            x = conv_norm_activation(g, x, _divisible(V2_LAST * max(1.0, width_mult)), 1,
                                     "relu6")
    x = g.global_avg_pool(x, name="avgpool")
    with g.scope("classifier"):
        g.dense(g.dropout(x, 0.2, name="0"), num_classes, name="1")
    return g


def inverted_residual_v3(g: Graph, x: Tensor, kernel: int, expanded: int, out: int,
                         se: bool, activation: str, stride: int) -> Tensor:
    """``block``: 1×1 expansion (left out when ``expanded`` equals the input), depthwise
    k×k (carries the stride), squeeze-excitation to a quarter of the channels with a
    hard-sigmoid gate where ``se``, linear 1×1 projection; the input is added back when
    the shape is unchanged."""
    layer = (str(i) for i in itertools.count())  # nn.Sequential's names
    with g.scope("block"):
        y = x
        if expanded != x.shape[0]:
            with g.scope(next(layer)):
                y = conv_norm_activation(g, y, expanded, 1, activation, norm=V3_NORM)
        with g.scope(next(layer)):
            y = conv_norm_activation(g, y, expanded, kernel, activation, norm=V3_NORM,
                                     stride=stride, groups=expanded)
        if se:
            with g.scope(next(layer)):
                y = squeeze_excitation(g, y, _divisible(expanded // 4), gate="hardsigmoid")
        with g.scope(next(layer)):
            y = conv_norm_activation(g, y, out, 1, None, norm=V3_NORM)
    if stride == 1 and x.shape[0] == out:
        y = g.add(y, x, name="add")
    return y


def mobilenet_v3(name: str, setting: tuple, last_channel: int, num_classes: int = 1000,
                 in_channels: int = 3, input_size: int | tuple[int, int] = 224,
                 width_mult: float = 1.0) -> Graph:
    """Stem 3×3/2 with hard-swish, one inverted residual per ``setting`` row (widths ×
    ``width_mult``, multiples of 8), 1×1 to six times the last width, pool, then dense
    to ``last_channel``, hard-swish, dropout and the classifier."""
    width_mult = check_knob("width_mult", width_mult, WIDTH)
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("features"):
        with g.scope("0"):
            x = conv_norm_activation(g, x, _divisible(V3_STEM * width_mult), 3, "hardswish",
                                     norm=V3_NORM, stride=2)
        for index, (kernel, expanded, out, se, activation, stride) in enumerate(setting, 1):
            with g.scope(str(index)):
                x = inverted_residual_v3(g, x, kernel, _divisible(expanded * width_mult),
                                         _divisible(out * width_mult), se, activation, stride)
        with g.scope(str(len(setting) + 1)):
            x = conv_norm_activation(g, x, 6 * x.shape[0], 1, "hardswish", norm=V3_NORM)
    x = g.global_avg_pool(x, name="avgpool")
    with g.scope("classifier"):
        x = g.hardswish(g.dense(x, _divisible(last_channel * width_mult), name="0"), name="1")
        g.dense(g.dropout(x, 0.2, name="2"), num_classes, name="3")
    return g


def _register(name: str, builder, paper: Paper, note: str, params: int, macs: int,
              top1: float, weights: str) -> None:
    globals()[name] = builder  # declared in mobilenet.pyi: python -m netir.architectures.stubs
    register(name, family="MobileNet", paper=paper, params=params, macs=macs,
             note=note, accuracy=Accuracy(top1, f"torchvision {name} {weights} weights, acc@1"))(
        builder)


_register("mobilenet_v2", family_builder("mobilenet_v2", mobilenet_v2,
                                         doc="mobilenet_v2: width multiplier 1.0."),
          V2_PAPER, V2_NOTE, 3_504_872, 300_774_272, 71.878, "IMAGENET1K_V1")
_register("mobilenet_v3_large",
          family_builder("mobilenet_v3_large", mobilenet_v3, V3_LARGE, 1280,
                         doc="mobilenet_v3_large: 15 blocks, head 960 -> 1280."),
          V3_PAPER, f"{V3_NOTE} Large: 15 blocks, a 1280-wide head.", 5_483_032, 216_589_760,
          74.042, "IMAGENET1K_V1")
_register("mobilenet_v3_small",
          family_builder("mobilenet_v3_small", mobilenet_v3, V3_SMALL, 1024,
                         doc="mobilenet_v3_small: 11 blocks, head 576 -> 1024."),
          V3_PAPER, f"{V3_NOTE} Small: 11 blocks, squeeze-excitation in nine, a 1024-wide "
                    "head.", 2_542_856, 56_510_400, 67.668, "IMAGENET1K_V1")
