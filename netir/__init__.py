"""netir: author a CNN once as a typed graph; emit PyTorch and Keras 3; draw it.

Importing netir imports no deep-learning framework and no graphviz; the emitters
and renderers load them when first used.
"""

from __future__ import annotations

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

__version__ = "0.1.0"

__all__ = [
    "ArchitectureError", "ArityError", "AttributeValueError", "Graph", "GraphError",
    "NetIRError", "Node", "OpSpec", "RenderError", "SerializationError", "ShapeError",
    "Tensor", "UnknownOpError", "UnsupportedOpError", "__version__", "get_op", "list_ops",
    "register_op",
]
