"""netir: author a CNN once as a typed graph; emit PyTorch and Keras 3; draw it.

Importing netir imports no deep-learning framework and no graphviz; the emitters
and renderers load them when first used.
"""

from __future__ import annotations

from netir.architectures import build, get_architecture, list_architectures
from netir.ir import (
    ArchitectureError,
    ArityError,
    AttributeValueError,
    Graph,
    GraphError,
    NetIRError,
    Node,
    OpSpec,
    RenderError,
    SerializationError,
    ShapeError,
    Tensor,
    UnknownOpError,
    UnsupportedOpError,
    get_op,
    list_ops,
    register_op,
)
from netir.renderers.notebook import register_notebook_display

__version__ = "0.1.0"

register_notebook_display()  # Jupyter shows a Graph as its block diagram

# Framework-backed API, imported on first use so that `import netir` stays light.
_LAZY = {
    "to_torch": "netir.emitters.pytorch",
    "to_keras": "netir.emitters.keras3",
    "emit": "netir.emitters.registry",
    "get_backend": "netir.emitters.registry",
    "list_backends": "netir.emitters.registry",
    "export_weights": "netir.emitters.weights",
    "import_weights": "netir.emitters.weights",
    "save_weights": "netir.emitters.weights",
    "load_weights": "netir.emitters.weights",
    "transfer_weights": "netir.emitters.weights",
    "random_weights": "netir.emitters.weights",
    "compare": "netir.emitters.compare",
    "optimize": "netir.ir.passes",
    "check": "netir.catalog_checks",
    "render": "netir.renderers.diagram",
    "to_dot": "netir.renderers.dot",
    "save": "netir.emitters.saved",
    "load": "netir.emitters.saved",
    "from_torch": "netir.importers.pytorch",
    "from_keras": "netir.importers.keras",
    "from_onnx": "netir.importers.onnx",
    "to_source": "netir.source",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'netir' has no attribute {name!r}")

__all__ = [
    "ArchitectureError", "ArityError", "AttributeValueError", "Graph", "GraphError",
    "NetIRError", "Node", "OpSpec", "RenderError", "SerializationError", "ShapeError",
    "Tensor", "UnknownOpError", "UnsupportedOpError", "__version__", "build",
    "get_architecture", "get_op", "list_architectures", "list_ops", "register_op",
    *sorted(_LAZY),
]
