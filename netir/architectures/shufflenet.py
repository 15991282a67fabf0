"""ShuffleNetV2 (Ma et al., 2018), torchvision's layout.

A block splits its channels in two: one half passes untouched, the other goes through
1×1, depthwise 3×3 and 1×1 convolutions; the halves are concatenated and shuffled so
that the next block mixes them. A downsampling block instead sends the whole input down
two strided branches. The four sizes differ only in their stage widths.
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
from netir.ir.attrs import integer
from netir.ir.errors import AttributeValueError
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("ShuffleNet V2: practical guidelines for efficient CNN architecture design",
              "N. Ma, X. Zhang, H.-T. Zheng, J. Sun", "ECCV 2018", 2018)
NOTE = ("Designed by measured speed rather than counted operations: equal channel widths "
        "in and out of a convolution, no grouped 1×1 convolutions, few branches. A block "
        "splits the channels in two, convolves one half (1×1, depthwise 3×3, 1×1) and "
        "concatenates it with the untouched other half; a channel shuffle then interleaves "
        "the halves so that information crosses between them.")

REPEATS = (4, 8, 4)  # blocks in stages 2, 3 and 4 (torchvision's stages_repeats)


def _knob_tuple(name: str, value, length: int, even: bool = False) -> tuple[int, ...]:
    """A tuple of ``length`` positive ints (even ones where ``even``); AttributeValueError
    naming the knob otherwise."""
    if not isinstance(value, (tuple, list)) or len(value) != length:
        raise AttributeValueError(f"{name} must be {length} positive ints", repr(value)[:200],
                                  node="<build>", op="build")
    ints = tuple(check_knob(f"{name}[{i}]", v, integer(1)) for i, v in enumerate(value))
    if even and any(v % 2 for v in ints):
        raise AttributeValueError(f"{name} must be even (a block splits its channels in "
                                  "two)", repr(value)[:200], node="<build>", op="build")
    return ints


def _depthwise_bn(g: Graph, x: Tensor, stride: int, index: int) -> Tensor:
    """Depthwise 3×3 (padding 1, no bias) named ``index``, batch norm ``index + 1``."""
    x = g.conv2d(x, x.shape[0], 3, stride=stride, padding=1, groups=x.shape[0], bias=False,
                 name=str(index))
    return g.batch_norm(x, name=str(index + 1))


def _conv_bn_relu(g: Graph, x: Tensor, out: int, index: int, kernel: int = 1,
                  stride: int = 1) -> Tensor:
    """Convolution (no bias, padding kernel // 2) named ``index``, batch norm, ReLU."""
    x = g.conv2d(x, out, kernel, stride=stride, padding=kernel // 2, bias=False,
                 name=str(index))
    return g.relu(g.batch_norm(x, name=str(index + 1)), name=str(index + 2))


def inverted_residual(g: Graph, x: Tensor, out: int, stride: int) -> Tensor:
    """Stride 1: the first half of the channels passes, the second goes through
    ``branch2``. Stride 2: ``branch1`` (depthwise 3×3/2, 1×1) and ``branch2`` both read
    the input. Either way each branch gives ``out // 2`` channels, concatenated and
    shuffled in two groups."""
    half = out // 2
    if stride > 1:
        with g.scope("branch1"):
            kept = _conv_bn_relu(g, _depthwise_bn(g, x, stride, 0), half, 2)
        rest = x
    else:  # x.chunk(2, dim=1)
        kept = g.slice(x, 0, 0, x.shape[0] // 2, name="chunk0")
        rest = g.slice(x, 0, x.shape[0] // 2, name="chunk1")
    with g.scope("branch2"):
        y = _conv_bn_relu(g, rest, half, 0)
        y = _conv_bn_relu(g, _depthwise_bn(g, y, stride, 3), half, 5)
    return g.channel_shuffle(g.concat(kept, y, name="cat"), 2, name="shuffle")


def shufflenet_v2(name: str, num_classes: int = 1000, in_channels: int = 3,
                  input_size: int | tuple[int, int] = 224,
                  stages_out_channels: tuple[int, ...] = (24, 116, 232, 464, 1024),
                  stages_repeats: tuple[int, ...] = REPEATS) -> Graph:
    """``conv1`` 3×3/2 to ``stages_out_channels[0]``, max pool 3×3/2, stages 2-4 of
    ``stages_repeats`` blocks (the first downsamples), ``conv5`` 1×1 to the last width,
    global mean, dense ``fc``."""
    widths = _knob_tuple("stages_out_channels", stages_out_channels, 5)
    _knob_tuple("stages_out_channels[1:4]", widths[1:4], 3, even=True)
    repeats = _knob_tuple("stages_repeats", stages_repeats, 3)
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("conv1"):
        x = _conv_bn_relu(g, x, widths[0], 0, kernel=3, stride=2)
    x = g.max_pool2d(x, 3, 2, padding=1, name="maxpool")
    for stage, (blocks, width) in enumerate(zip(repeats, widths[1:4]), start=2):
        for b in range(blocks):
            with g.scope(f"stage{stage}"), g.scope(str(b)):
                x = inverted_residual(g, x, width, 2 if b == 0 else 1)
    with g.scope("conv5"):
        x = _conv_bn_relu(g, x, widths[4], 0)
    g.dense(g.global_avg_pool(x, name="mean"), num_classes, name="fc")
    return g


# name, stage widths, params, MACs (torchvision, 224×224), top-1 (IMAGENET1K_V1)
_ENTRIES = (
    ("shufflenet_v2_x0_5", (24, 48, 96, 192, 1024), 1_366_792, 40_476_448, 60.552),
    ("shufflenet_v2_x1_0", (24, 116, 232, 464, 1024), 2_278_604, 144_907_992, 69.362),
    ("shufflenet_v2_x1_5", (24, 176, 352, 704, 1024), 3_503_624, 295_759_392, 72.996),
    ("shufflenet_v2_x2_0", (24, 244, 488, 976, 2048), 7_393_996, 583_253_464, 76.230),
)


def _register(name: str, widths: tuple[int, ...], params: int, macs: int,
              top1: float) -> None:
    builder = family_builder(name, shufflenet_v2, knobs={"stages_out_channels": widths},
                             doc=f"{name}: stage widths {widths}, blocks {REPEATS}.")
    globals()[name] = builder  # declared in shufflenet.pyi: python -m netir.architectures.stubs
    register(name, family="ShuffleNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: stage widths {widths[1:4]}, a {widths[4]}-wide last "
                  "convolution.",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
