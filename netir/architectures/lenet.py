"""LeNet-5 (LeCun et al., 1998)."""

from __future__ import annotations

from netir.architectures.registry import Paper, input_hw, register
from netir.ir.graph import Graph

PAPER = Paper("Gradient-based learning applied to document recognition",
              "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner", "Proceedings of the IEEE 86(11)",
              1998)


@register(
    "lenet5", family="LeNet", paper=PAPER, params=61_706, macs=416_520, torchvision=False,
    defaults={"input_size": 32, "in_channels": 1, "num_classes": 10},
    note="Two convolution + subsampling stages (C1 6@5×5, S2, C3 16@5×5, S4) feed C5, a "
         "5×5 convolution that sees the whole 5×5 map, then F6 (84) and 10 outputs, all "
         "with tanh. It introduced the pattern every later CNN follows: local receptive "
         "fields, shared weights and spatial subsampling trained end to end by "
         "back-propagation. Here S2/S4 are plain average pooling and C3 is fully connected "
         "to S2 (the paper's trainable subsampling and sparse C3 table are not modelled).",
)
def lenet5(num_classes: int = 10, in_channels: int = 1,
           input_size: int | tuple[int, int] = 32) -> Graph:
    g = Graph("lenet5")
    x = g.input((in_channels, *input_hw(input_size)))
    x = g.tanh(g.conv2d(x, 6, 5, name="c1"), name="c1_act")
    x = g.avg_pool2d(x, 2, name="s2")
    x = g.tanh(g.conv2d(x, 16, 5, name="c3"), name="c3_act")
    x = g.avg_pool2d(x, 2, name="s4")
    x = g.tanh(g.conv2d(x, 120, 5, name="c5"), name="c5_act")
    x = g.flatten(x, name="flatten")
    x = g.tanh(g.dense(x, 84, name="f6"), name="f6_act")
    g.dense(x, num_classes, name="output")
    return g
