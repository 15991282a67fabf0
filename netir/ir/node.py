"""The values a graph is made of: :class:`Node` (one layer) and :class:`Tensor` (a
handle on a node's output, returned by every builder call)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netir.ir.layout import TensorType
from netir.ir.registry import OpSpec, Shape, get_op

if TYPE_CHECKING:
    from netir.ir.graph import Graph


@dataclass(frozen=True, eq=True, slots=True)
class Node:
    """One layer: name, op, normalised attributes, inputs (by name), output shape and
    the output's logical layout (:mod:`netir.ir.layout`)."""

    name: str
    op: str
    attrs: Mapping[str, Any]
    inputs: tuple[str, ...]
    shape: Shape
    layout: str

    @property
    def type(self) -> TensorType:
        """The output shape with its layout, as op rules receive it."""
        return TensorType(self.shape, self.layout)

    @property
    def spec(self) -> OpSpec:
        return get_op(self.op)

    @property
    def scope(self) -> str:
        """The dotted prefix of the name ('' at top level)."""
        return self.name.rpartition(".")[0]


class Tensor:
    """A handle on a node's output, returned by every builder call."""

    __slots__ = ("graph", "name")

    def __init__(self, graph: Graph, name: str) -> None:
        self.graph = graph
        self.name = name

    @property
    def node(self) -> Node:
        return self.graph[self.name]

    @property
    def shape(self) -> Shape:
        return self.node.shape

    @property
    def layout(self) -> str:
        """Which axis holds the features: ``CHW``, ``TC``... (:mod:`netir.ir.layout`)."""
        return self.node.layout

    def __repr__(self) -> str:
        return f"Tensor({self.name!r}, shape={self.shape}, layout={self.layout!r})"
