"""A small 1-D CNN for raw audio, after M5 (Dai et al. 2017, "Very deep convolutional
neural networks for raw waveforms"): a wide strided first convolution reads the
waveform, stride-2 convolutions with batch norm and ReLU shorten it, a global average
over time and a dense layer give class scores.

    python examples/audio_cnn_1d.py     # prints the summary and the agreement
"""

import netir


def audio_cnn_1d(samples: int = 1600, num_classes: int = 10, width: int = 16,
                 stages: int = 3) -> netir.Graph:
    """(1, samples) waveform -> (num_classes,). The first convolution has 80-sample
    windows with stride 4 (5 ms at 16 kHz); each stage doubles the channels and halves
    the length."""
    g = netir.Graph("audio_cnn_1d")
    x = g.input((1, samples))                                      # a sequence (C, L)
    x = g.conv1d(x, width, 80, stride=4, padding=38, bias=False, name="conv0")
    x = g.relu(g.batch_norm(x, name="bn0"), name="relu0")
    for i in range(1, stages + 1):
        x = g.conv1d(x, width * 2 ** i, 3, stride=2, padding=1, bias=False, name=f"conv{i}")
        x = g.relu(g.batch_norm(x, name=f"bn{i}"), name=f"relu{i}")
    x = g.global_avg_pool(x, name="pool")                          # (C, L) -> (C,)
    g.dense(x, num_classes, name="fc")
    return g


if __name__ == "__main__":
    graph = audio_cnn_1d()
    graph.summary()
    print(netir.compare(graph))
