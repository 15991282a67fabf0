"""The catalog: the classic CNN lineage, each family in one module."""

from netir.architectures import alexnet, densenet, lenet, resnet, vgg  # noqa: F401  (register)
from netir.architectures.registry import (
    Accuracy,
    ArchInfo,
    Paper,
    build,
    get_architecture,
    list_architectures,
    register,
)

__all__ = ["Accuracy", "ArchInfo", "Paper", "build", "get_architecture",
           "list_architectures", "register"]
