"""SqueezeNet (Iandola et al., 2016), in torchvision's layout."""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, family_builder, input_hw, register
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB "
              "model size", "F. N. Iandola, S. Han, M. W. Moskewicz, K. Ashraf, W. J. Dally, "
              "K. Keutzer", "arXiv 2016", 2016)
NOTE = ("AlexNet's accuracy with 50 times fewer parameters, built from fire modules: a 1×1 "
        "'squeeze' convolution narrows the channels, then parallel 1×1 and 3×3 'expand' "
        "convolutions widen them again and are concatenated. There is no dense layer: a 1×1 "
        "convolution to one channel per class, ReLU and global average pooling classify; "
        "the max pools use ceil mode, as in the Caffe original.")

# stem (width, kernel), then per entry "M" (3×3/2 max pool, ceil mode) or a fire module
# (squeeze width, expand width of each of the 1×1 and 3×3 branches); from torchvision
CFGS: dict[str, tuple[tuple[int, int], list]] = {
    "1_0": ((96, 7), ["M", (16, 64), (16, 64), (32, 128), "M", (32, 128), (48, 192),
                      (48, 192), (64, 256), "M", (64, 256)]),
    "1_1": ((64, 3), ["M", (16, 64), (16, 64), "M", (32, 128), (32, 128), "M", (48, 192),
                      (48, 192), (64, 256), (64, 256)]),
}


def fire(g: Graph, x: Tensor, squeeze: int, expand: int) -> Tensor:
    """Squeeze to ``squeeze`` channels, expand by 1×1 and 3×3 to ``expand`` each, concat."""
    x = g.relu(g.conv2d(x, squeeze, 1, name="squeeze"), name="squeeze_activation")
    e1 = g.relu(g.conv2d(x, expand, 1, name="expand1x1"), name="expand1x1_activation")
    e3 = g.relu(g.conv2d(x, expand, 3, padding=1, name="expand3x3"),
                name="expand3x3_activation")
    return g.concat(e1, e3, name="cat")


def squeezenet(name: str, version: str, num_classes: int = 1000, in_channels: int = 3,
               input_size: int | tuple[int, int] = 224) -> Graph:
    """Stem conv, fire modules and ceil-mode pools as ``CFGS[version]``, conv classifier."""
    (stem_width, stem_kernel), cfg = CFGS[version]
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    with g.scope("features"):
        x = g.relu(g.conv2d(x, stem_width, stem_kernel, stride=2, name="0"), name="1")
        for i, v in enumerate(cfg, start=2):
            if v == "M":
                x = g.max_pool2d(x, 3, 2, ceil_mode=True, name=str(i))
            else:
                with g.scope(str(i)):
                    x = fire(g, x, *v)
    with g.scope("classifier"):
        x = g.dropout(x, 0.5, name="0")
        x = g.relu(g.conv2d(x, num_classes, 1, name="1"), name="2")
        x = g.adaptive_avg_pool2d(x, 1, name="3")
    g.flatten(x, name="flatten")
    return g


# name, version, params, MACs (torchvision, 224×224), top-1 (IMAGENET1K_V1)
_ENTRIES = (
    ("squeezenet1_0", "1_0", 1_248_424, 818_924_576, 58.092),
    ("squeezenet1_1", "1_1", 1_235_496, 349_151_936, 58.178),
)
_VERSIONS = {"1_0": "SqueezeNet 1.0 as in the paper (7×7 stem with 96 filters).",
             "1_1": "SqueezeNet 1.1 from the authors' repository: a 3×3 stem with 64 "
                    "filters and earlier pooling, 2.4 times less computation at the same "
                    "accuracy."}


def _register(name: str, version: str, params: int, macs: int, top1: float) -> None:
    builder = family_builder(name, squeezenet, version, doc=f"{name}: {_VERSIONS[version]}")
    globals()[name] = builder  # declared in squeezenet.pyi: python -m netir.architectures.stubs
    register(name, family="SqueezeNet", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {_VERSIONS[version]}",
             accuracy=Accuracy(top1, f"torchvision {name} IMAGENET1K_V1 weights, acc@1"))(
        builder)


for _entry in _ENTRIES:
    _register(*_entry)
