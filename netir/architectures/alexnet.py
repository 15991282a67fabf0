"""AlexNet (Krizhevsky, Sutskever, Hinton, 2012): torchvision's variant and the paper's."""

from __future__ import annotations

from netir.architectures.registry import Accuracy, Paper, input_hw, register
from netir.ir.graph import Graph

PAPER = Paper("ImageNet classification with deep convolutional neural networks",
              "A. Krizhevsky, I. Sutskever, G. E. Hinton", "NeurIPS 2012", 2012)
NOTE = ("Five convolutions and three dense layers, trained on two GPUs. It brought to "
        "large-scale vision ReLU non-linearities, dropout in the dense layers, local "
        "response normalisation, overlapping 3×3/2 max pooling and data augmentation; the "
        "two-GPU split survives as groups=2 on conv2, conv4 and conv5.")

# (out_channels, kernel, stride, padding, groups, lrn, pool) per convolution
_TORCHVISION = ((64, 11, 4, 2, 1, False, True), (192, 5, 1, 2, 1, False, True),
                (384, 3, 1, 1, 1, False, False), (256, 3, 1, 1, 1, False, False),
                (256, 3, 1, 1, 1, False, True))
_PAPER = ((96, 11, 4, 0, 1, True, True), (256, 5, 1, 2, 2, True, True),
          (384, 3, 1, 1, 1, False, False), (384, 3, 1, 1, 2, False, False),
          (256, 3, 1, 1, 2, False, True))


def _alexnet(name: str, convs, num_classes: int, in_channels: int, input_size,
             adaptive: bool) -> Graph:
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    i = 0
    with g.scope("features"):
        for out, k, s, p, groups, lrn, pool in convs:
            x = g.conv2d(x, out, k, stride=s, padding=p, groups=groups, name=str(i))
            x = g.relu(x, name=str(i + 1))
            i += 2
            if lrn:
                x = g.local_response_norm(x, 5, alpha=1e-4, beta=0.75, k=2.0, name=str(i))
                i += 1
            if pool:
                x = g.max_pool2d(x, 3, 2, name=str(i))
                i += 1
    if adaptive:
        x = g.adaptive_avg_pool2d(x, 6, name="avgpool")
    x = g.flatten(x, name="flatten")
    with g.scope("classifier"):
        x = g.dropout(x, 0.5, name="0")
        x = g.relu(g.dense(x, 4096, name="1"), name="2")
        x = g.dropout(x, 0.5, name="3")
        x = g.relu(g.dense(x, 4096, name="4"), name="5")
        g.dense(x, num_classes, name="6")
    return g


@register("alexnet", family="AlexNet", paper=PAPER, params=61_100_840, macs=714_188_480,
          defaults={"input_size": 224}, note=NOTE + " This is torchvision's one-GPU variant "
          "(64-192-384-256-256 filters, no LRN, adaptive 6×6 average pool).",
          accuracy=Accuracy(56.522, "torchvision AlexNet_Weights.IMAGENET1K_V1, acc@1"))
def alexnet(num_classes: int = 1000, in_channels: int = 3,
            input_size: int | tuple[int, int] = 224) -> Graph:
    return _alexnet("alexnet", _TORCHVISION, num_classes, in_channels, input_size, True)


@register("alexnet_2012", family="AlexNet", paper=PAPER, params=60_965_224, macs=724_406_816,
          torchvision=False, defaults={"input_size": 227},
          note=NOTE + " This is the network of the paper: 227×227 input, 96-256-384-384-256 "
          "filters, LRN (n=5, α=1e-4, β=0.75, k=2) after the first two ReLUs, groups=2 "
          "where the paper's two GPUs did not communicate.",
          accuracy=Accuracy(62.5, "Krizhevsky et al. 2012, Table 1: 37.5% top-1 error, one "
                                  "CNN, ILSVRC-2010 test set"))
def alexnet_2012(num_classes: int = 1000, in_channels: int = 3,
                 input_size: int | tuple[int, int] = 227) -> Graph:
    return _alexnet("alexnet_2012", _PAPER, num_classes, in_channels, input_size, False)
