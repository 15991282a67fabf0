"""What the tutorial variants share: their source, Keras' batch-norm defaults, registration.

The catalog started from a Chinese tutorial on the CNN lineage whose Keras code differs
from the networks its titles name. The ``*_tutorial`` entries are that code, authored with
the builder exactly as it builds them, so the gallery can show what differs and by how much.
They are listed apart (``netir list --tutorial``; ``list_architectures(tutorial=True)``).
"""

from __future__ import annotations

from collections.abc import Callable

from netir.architectures.registry import Paper, register
from netir.ir.graph import Graph

# Keras' BatchNormalization defaults: epsilon 1e-3, momentum 0.99 on the old statistic,
# which is 0.01 on the new one in the IR's (PyTorch's) convention.
KERAS_BN = {"eps": 1e-3, "momentum": 0.01}


def register_tutorial(name: str, builder: Callable[..., Graph], *, family: str, paper: Paper,
                      tutorial_of: str, note: str, input_size: int = 224) -> None:
    """Register ``name`` as the tutorial's version of catalog network ``tutorial_of``.

    Its parameter and MAC figures are counted from the graph the builder makes at the
    tutorial's input size (on first lookup); the tests hold them to the tutorial's code
    run in Keras.
    """
    builder.__name__ = builder.__qualname__ = name
    register(name, family=family, paper=paper, params=None, macs=None, torchvision=False,
             tutorial_of=tutorial_of, defaults={"input_size": input_size}, note=note)(builder)
