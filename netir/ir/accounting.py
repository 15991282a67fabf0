"""What a graph costs: per-node input and parameter shapes, parameter and MAC counts,
depth. A mixin of :class:`netir.ir.graph.Graph`, which provides ``graph[name]`` and
``graph.nodes``; every figure comes from the op specs."""

from __future__ import annotations

from netir.ir.layout import TensorType
from netir.ir.node import Node
from netir.ir.registry import Shape


class Accounting:
    """Shapes and counts of a graph's nodes (see the module docstring)."""

    def input_shapes(self, node: Node | str) -> list[TensorType]:
        """The shapes of a node's inputs, each with its layout (tuples of ints)."""
        node = self[node] if isinstance(node, str) else node
        return [self[n].type for n in node.inputs]

    def param_shapes(self, node: Node | str) -> tuple[dict[str, Shape], dict[str, Shape]]:
        """``(trainable, buffers)`` of one node as ``{name: shape}``, neutral layout."""
        node = self[node] if isinstance(node, str) else node
        return node.spec.params(node.attrs, self.input_shapes(node))

    def node_params(self, node: Node | str) -> tuple[int, int]:
        node = self[node] if isinstance(node, str) else node
        return node.spec.count_params(node.attrs, self.input_shapes(node))

    def node_macs(self, node: Node | str) -> int:
        node = self[node] if isinstance(node, str) else node
        return int(node.spec.macs(node.attrs, self.input_shapes(node), node.shape))

    def count_params(self) -> tuple[int, int]:
        """``(trainable parameters, buffers)``; buffers are running statistics."""
        t = b = 0
        for node in self.nodes:
            nt, nb = self.node_params(node)
            t, b = t + nt, b + nb
        return t, b

    def count_macs(self) -> int:
        """Multiply-accumulates of conv and dense layers for one sample (FLOPs = 2×)."""
        return sum(self.node_macs(n) for n in self.nodes)

    def depth(self) -> int:
        """Layers on the longest path: the nodes whose op declares ``depth_layer``
        (convolutions, dense layers, attention's matrix products)."""
        best: dict[str, int] = {}
        for node in self.nodes:
            own = 1 if node.spec.depth_layer else 0
            best[node.name] = own + max((best[i] for i in node.inputs), default=0)
        return max(best.values(), default=0)
