"""The catalog: the classic CNN lineage, each family in one module."""

from netir.architectures import (  # noqa: F401  (register)
    alexnet,
    convnext,
    densenet,
    efficientnet,
    inception,
    lenet,
    mnasnet,
    mobilenet,
    regnet,
    resnet,
    shufflenet,
    squeezenet,
    tutorial_densenet,
    tutorial_plain,
    tutorial_resnet,
    vgg,
    vit,
)
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
