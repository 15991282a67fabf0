"""GoogLeNet (Szegedy et al., 2014) and Inception-v3 (Szegedy et al., 2015), in
torchvision's layout: ``aux_logits=False``, ``transform_input=False``, the eval-mode graph.

The auxiliary classifiers torchvision builds on request run only in training mode and
are left out here, so the graph, counts and state_dict are torchvision's with
``aux_logits=False``.
"""

from __future__ import annotations

import inspect

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

GOOGLENET_PAPER = Paper("Going deeper with convolutions",
                        "C. Szegedy, W. Liu, Y. Jia, P. Sermanet, S. Reed, D. Anguelov, "
                        "D. Erhan, V. Vanhoucke, A. Rabinovich", "CVPR 2015 (arXiv 2014)", 2014)
GOOGLENET_NOTE = (
    "The Inception module: parallel 1×1, 3×3 and 5×5 convolutions and a pooled branch, "
    "concatenated, with 1×1 convolutions reducing the channels before the large kernels, "
    "so 22 layers cost less than AlexNet. torchvision's port adds batch norm after every "
    "convolution and, as a known quirk kept for its weights, uses 3×3 where the paper's "
    "5×5 branch is; the two auxiliary classifiers (training only) are omitted.")
INCEPTION3_PAPER = Paper("Rethinking the Inception architecture for computer vision",
                         "C. Szegedy, V. Vanhoucke, S. Ioffe, J. Shlens, Z. Wojna",
                         "CVPR 2016 (arXiv 2015)", 2015)
INCEPTION3_NOTE = (
    "Factorised convolutions: a 5×5 becomes two 3×3, an n×n becomes 1×n then n×1, and "
    "grids shrink through parallel strided convolution and pooling branches instead of a "
    "bottlenecking pool. Batch norm (eps 0.001) follows every convolution; 299×299 input. "
    "The auxiliary classifier (training only) is omitted.")

BN_EPS = 0.001  # torchvision's BasicConv2d, shared by GoogLeNet and Inception-v3


def basic_conv(g: Graph, x: Tensor, out: int, kernel, name: str, **conv) -> Tensor:
    """Conv (no bias), batch norm (eps 0.001), ReLU: torchvision's ``BasicConv2d``."""
    with g.scope(name):
        x = g.conv2d(x, out, kernel, bias=False, name="conv", **conv)
        return g.relu(g.batch_norm(x, eps=BN_EPS, name="bn"), name="relu")


# --- GoogLeNet ---------------------------------------------------------------------------

# per entry: (name, (1×1, 3×3 reduce, 3×3, "5×5" reduce, "5×5", pool projection)) or
# (name, (kernel, stride)) for a ceil-mode max pool; torchvision's table
GOOGLENET_CFG = (
    ("inception3a", (64, 96, 128, 16, 32, 32)), ("inception3b", (128, 128, 192, 32, 96, 64)),
    ("maxpool3", (3, 2)),
    ("inception4a", (192, 96, 208, 16, 48, 64)), ("inception4b", (160, 112, 224, 24, 64, 64)),
    ("inception4c", (128, 128, 256, 24, 64, 64)), ("inception4d", (112, 144, 288, 32, 64, 64)),
    ("inception4e", (256, 160, 320, 32, 128, 128)),
    ("maxpool4", (2, 2)),
    ("inception5a", (256, 160, 320, 32, 128, 128)),
    ("inception5b", (384, 192, 384, 48, 128, 128)),
)


def inception_v1(g: Graph, x: Tensor, ch1x1: int, ch3x3red: int, ch3x3: int,
                 ch5x5red: int, ch5x5: int, pool_proj: int) -> Tensor:
    """GoogLeNet's module: four branches concatenated (the "5×5" is 3×3, as torchvision)."""
    b1 = basic_conv(g, x, ch1x1, 1, "branch1")
    with g.scope("branch2"):
        b2 = basic_conv(g, basic_conv(g, x, ch3x3red, 1, "0"), ch3x3, 3, "1", padding=1)
    with g.scope("branch3"):
        b3 = basic_conv(g, basic_conv(g, x, ch5x5red, 1, "0"), ch5x5, 3, "1", padding=1)
    with g.scope("branch4"):
        b4 = g.max_pool2d(x, 3, 1, padding=1, ceil_mode=True, name="0")
        b4 = basic_conv(g, b4, pool_proj, 1, "1")
    return g.concat(b1, b2, b3, b4, name="cat")


def _googlenet(name: str, num_classes: int = 1000, in_channels: int = 3,
              input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem (7×7/2, pool, 1×1, 3×3, pool), nine Inception modules, pool, dropout, dense."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = basic_conv(g, x, 64, 7, "conv1", stride=2, padding=3)
    x = g.max_pool2d(x, 3, 2, ceil_mode=True, name="maxpool1")
    x = basic_conv(g, basic_conv(g, x, 64, 1, "conv2"), 192, 3, "conv3", padding=1)
    x = g.max_pool2d(x, 3, 2, ceil_mode=True, name="maxpool2")
    for block, cfg in GOOGLENET_CFG:
        if block.startswith("maxpool"):
            x = g.max_pool2d(x, *cfg, ceil_mode=True, name=block)
        else:
            with g.scope(block):
                x = inception_v1(g, x, *cfg)
    x = g.flatten(g.adaptive_avg_pool2d(x, 1, name="avgpool"), name="flatten")
    g.dense(g.dropout(x, 0.2, name="dropout"), num_classes, name="fc")
    return g


# --- Inception-v3 ------------------------------------------------------------------------

def _avg_pool_branch(g: Graph, x: Tensor, out: int) -> Tensor:
    """3×3/1 average pool (padding counted, PyTorch's default), then a 1×1 conv."""
    pooled = g.avg_pool2d(x, 3, 1, padding=1, name="branch_pool_avg")
    return basic_conv(g, pooled, out, 1, "branch_pool")


def inception_a(g: Graph, x: Tensor, pool_features: int) -> Tensor:
    """35×35 module: 1×1; 1×1→5×5; 1×1→3×3→3×3; avg pool→1×1."""
    b1 = basic_conv(g, x, 64, 1, "branch1x1")
    b5 = basic_conv(g, basic_conv(g, x, 48, 1, "branch5x5_1"), 64, 5, "branch5x5_2",
                    padding=2)
    b3 = basic_conv(g, x, 64, 1, "branch3x3dbl_1")
    b3 = basic_conv(g, b3, 96, 3, "branch3x3dbl_2", padding=1)
    b3 = basic_conv(g, b3, 96, 3, "branch3x3dbl_3", padding=1)
    return g.concat(b1, b5, b3, _avg_pool_branch(g, x, pool_features), name="cat")


def inception_b(g: Graph, x: Tensor) -> Tensor:
    """Grid reduction 35→17: strided 3×3; 1×1→3×3→strided 3×3; strided max pool."""
    b3 = basic_conv(g, x, 384, 3, "branch3x3", stride=2)
    bd = basic_conv(g, x, 64, 1, "branch3x3dbl_1")
    bd = basic_conv(g, bd, 96, 3, "branch3x3dbl_2", padding=1)
    bd = basic_conv(g, bd, 96, 3, "branch3x3dbl_3", stride=2)
    return g.concat(b3, bd, g.max_pool2d(x, 3, 2, name="branch_pool"), name="cat")


def inception_c(g: Graph, x: Tensor, channels_7x7: int) -> Tensor:
    """17×17 module with 7×7 factorised into 1×7 and 7×1."""
    c7 = channels_7x7
    row, col = {"padding": (0, 3)}, {"padding": (3, 0)}
    b1 = basic_conv(g, x, 192, 1, "branch1x1")
    b7 = basic_conv(g, x, c7, 1, "branch7x7_1")
    b7 = basic_conv(g, b7, c7, (1, 7), "branch7x7_2", **row)
    b7 = basic_conv(g, b7, 192, (7, 1), "branch7x7_3", **col)
    bd = basic_conv(g, x, c7, 1, "branch7x7dbl_1")
    bd = basic_conv(g, bd, c7, (7, 1), "branch7x7dbl_2", **col)
    bd = basic_conv(g, bd, c7, (1, 7), "branch7x7dbl_3", **row)
    bd = basic_conv(g, bd, c7, (7, 1), "branch7x7dbl_4", **col)
    bd = basic_conv(g, bd, 192, (1, 7), "branch7x7dbl_5", **row)
    return g.concat(b1, b7, bd, _avg_pool_branch(g, x, 192), name="cat")


def inception_d(g: Graph, x: Tensor) -> Tensor:
    """Grid reduction 17→8: 1×1→strided 3×3; 1×1→1×7→7×1→strided 3×3; max pool."""
    b3 = basic_conv(g, basic_conv(g, x, 192, 1, "branch3x3_1"), 320, 3, "branch3x3_2",
                    stride=2)
    b7 = basic_conv(g, x, 192, 1, "branch7x7x3_1")
    b7 = basic_conv(g, b7, 192, (1, 7), "branch7x7x3_2", padding=(0, 3))
    b7 = basic_conv(g, b7, 192, (7, 1), "branch7x7x3_3", padding=(3, 0))
    b7 = basic_conv(g, b7, 192, 3, "branch7x7x3_4", stride=2)
    return g.concat(b3, b7, g.max_pool2d(x, 3, 2, name="branch_pool"), name="cat")


def _split_1x3_3x1(g: Graph, x: Tensor, prefix: str) -> Tensor:
    """Parallel 1×3 and 3×1 convolutions (384 each), concatenated."""
    a = basic_conv(g, x, 384, (1, 3), f"{prefix}a", padding=(0, 1))
    b = basic_conv(g, x, 384, (3, 1), f"{prefix}b", padding=(1, 0))
    return g.concat(a, b, name=f"{prefix}cat")


def inception_e(g: Graph, x: Tensor) -> Tensor:
    """8×8 module with the 3×3 outputs split into parallel 1×3 and 3×1."""
    b1 = basic_conv(g, x, 320, 1, "branch1x1")
    b3 = _split_1x3_3x1(g, basic_conv(g, x, 384, 1, "branch3x3_1"), "branch3x3_2")
    bd = basic_conv(g, x, 448, 1, "branch3x3dbl_1")
    bd = basic_conv(g, bd, 384, 3, "branch3x3dbl_2", padding=1)
    bd = _split_1x3_3x1(g, bd, "branch3x3dbl_3")
    return g.concat(b1, b3, bd, _avg_pool_branch(g, x, 192), name="cat")


# (module name, block, its arguments), torchvision's order
INCEPTION3_CFG = (
    ("Mixed_5b", inception_a, (32,)), ("Mixed_5c", inception_a, (64,)),
    ("Mixed_5d", inception_a, (64,)), ("Mixed_6a", inception_b, ()),
    ("Mixed_6b", inception_c, (128,)), ("Mixed_6c", inception_c, (160,)),
    ("Mixed_6d", inception_c, (160,)), ("Mixed_6e", inception_c, (192,)),
    ("Mixed_7a", inception_d, ()), ("Mixed_7b", inception_e, ()),
    ("Mixed_7c", inception_e, ()),
)


def _inception_v3(name: str, num_classes: int = 1000, in_channels: int = 3,
                 input_size: int | tuple[int, int] = 299) -> Graph:
    """Five-convolution stem with two max pools, eleven Inception modules, pool, dense."""
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = basic_conv(g, x, 32, 3, "Conv2d_1a_3x3", stride=2)
    x = basic_conv(g, x, 32, 3, "Conv2d_2a_3x3")
    x = basic_conv(g, x, 64, 3, "Conv2d_2b_3x3", padding=1)
    x = g.max_pool2d(x, 3, 2, name="maxpool1")
    x = basic_conv(g, x, 80, 1, "Conv2d_3b_1x1")
    x = basic_conv(g, x, 192, 3, "Conv2d_4a_3x3")
    x = g.max_pool2d(x, 3, 2, name="maxpool2")
    for block, make, args in INCEPTION3_CFG:
        with g.scope(block):
            x = make(g, x, *args)
    x = g.dropout(g.adaptive_avg_pool2d(x, 1, name="avgpool"), 0.5, name="dropout")
    g.dense(g.flatten(x, name="flatten"), num_classes, name="fc")
    return g


# name, family builder, family, paper, note, params, MACs (torchvision, default input), top-1
_ENTRIES = (
    ("googlenet", _googlenet, "GoogLeNet", GOOGLENET_PAPER, GOOGLENET_NOTE, 6_624_904,
     1_498_376_192, 69.778),
    ("inception_v3", _inception_v3, "Inception", INCEPTION3_PAPER, INCEPTION3_NOTE, 23_834_568,
     5_713_216_096, 77.294),
)


def _register(name: str, build_family, family: str, paper: Paper, note: str, params: int,
              macs: int, top1: float) -> None:
    builder = family_builder(name, build_family, doc=f"{name}: {note}")
    globals()[name] = builder  # declared in inception.pyi: python -m netir.architectures.stubs
    size = inspect.signature(builder).parameters["input_size"].default
    register(name, family=family, paper=paper, params=params, macs=macs, note=note,
             defaults={"input_size": size},
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
