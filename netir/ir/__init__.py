"""The framework-neutral IR: ops, graphs, shape inference, serialisation.

Depends on networkx and numpy only; never imports a deep-learning framework.
"""

from netir.ir.errors import (
    ArchitectureError,
    ArityError,
    AttributeValueError,
    GraphError,
    NetIRError,
    RenderError,
    SerializationError,
    ShapeError,
    UnknownOpError,
    UnsupportedOpError,
)
from netir.ir.graph import Graph
from netir.ir.node import Node, Tensor
from netir.ir.registry import OpSpec, get_op, list_ops, register_op

__all__ = [
    "ArchitectureError", "ArityError", "AttributeValueError", "Graph", "GraphError",
    "NetIRError", "Node", "OpSpec", "RenderError", "SerializationError", "ShapeError",
    "Tensor", "UnknownOpError", "UnsupportedOpError", "get_op", "list_ops", "register_op",
]
