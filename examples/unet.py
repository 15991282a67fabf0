"""A small U-Net (Ronneberger et al. 2015) for segmentation: an encoder of double 3×3
convolutions and max pools, a decoder that upsamples, concatenates the encoder's map
of the same size (the skip) and convolves again, and a 1×1 convolution to class scores
per pixel.

The decoder upsamples with a learned 2×2 transposed convolution of stride 2 (the
paper's "up-convolution"), or with ``up="bilinear"`` by a bilinear resize with aligned
corners followed by a 1×1 convolution (a common variant).

    python examples/unet.py     # prints the summary and the agreement
"""

import netir


def _double_conv(g, x, channels: int, name: str):
    """3×3 convolution, batch norm, ReLU, twice; nodes ``<name>.conv1`` ... ``relu2``."""
    for i in (1, 2):
        x = g.conv2d(x, channels, 3, padding=1, bias=False, name=f"{name}.conv{i}")
        x = g.batch_norm(x, name=f"{name}.bn{i}")
        x = g.relu(x, name=f"{name}.relu{i}")
    return x


def unet(in_channels: int = 3, num_classes: int = 2, width: int = 8, depth: int = 3,
         size: int = 32, up: str = "transpose") -> netir.Graph:
    """(in_channels, size, size) -> (num_classes, size, size). Level ``i`` has
    ``width · 2^i`` channels; ``size`` must be divisible by ``2^depth``."""
    g = netir.Graph(f"unet_{up}")
    x = g.input((in_channels, size, size))
    skips = []
    for level in range(depth):
        x = _double_conv(g, x, width * 2 ** level, f"down{level + 1}")
        skips.append(x)
        x = g.max_pool2d(x, 2, name=f"pool{level + 1}")
    x = _double_conv(g, x, width * 2 ** depth, "bottleneck")
    for level in reversed(range(depth)):
        channels, name = width * 2 ** level, f"up{level + 1}"
        if up == "transpose":
            x = g.conv_transpose2d(x, channels, 2, stride=2, name=f"{name}.up")
        else:
            x = g.upsample(x, 2, mode="bilinear", align_corners=True, name=f"{name}.resize")
            x = g.conv2d(x, channels, 1, name=f"{name}.up")
        x = g.concat(skips[level], x, name=f"{name}.skip")          # (2·channels, H, W)
        x = _double_conv(g, x, channels, name)
    g.conv2d(x, num_classes, 1, name="head")
    return g


if __name__ == "__main__":
    graph = unet()
    graph.summary()
    print(netir.compare(graph))
