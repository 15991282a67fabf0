"""The plan of a node: the facts every backend needs, computed once by the IR.

A lowering reads its node's :class:`NodePlan` instead of re-deriving facts from the
node and the graph. Each fact is derived here, from what the op declares on its
:class:`~netir.ir.registry.OpSpec` and from the input types, so that no backend
restates it:

- the input and output types (shapes with their layouts);
- the feature and position axes of the first input, **batch first** (what a global
  pool reduces, what a channel op indexes);
- every axis attribute, batch first (an attribute whose :class:`~netir.ir.attrs.Attr`
  declares ``axis``): ``softmax(axis=0)`` is axis 1 of the batched tensor, a
  permutation gains the batch axis in front, an optional axis left ``None`` means the
  feature axis;
- the window plan of a window op (one with ``kernel`` and ``stride`` attributes):
  the declared padding, the explicit padding after which an unpadded floor-mode
  window gives exactly the node's output (ceil mode's overhang included) and the
  effective (dilated) window;
- the operands the op reads, resolved (``OpSpec.operands``: multi-head attention's
  query, key and value when fewer are given);
- the declared parameters with their shapes, neutral layout;
- the nodes that read the output.

>>> import netir
>>> g = netir.Graph("p")
>>> x = g.input((3, 8, 8))
>>> y = g.max_pool2d(x, 3, stride=2, ceil_mode=True, name="pool")
>>> plan = plan_of(g, "pool")
>>> plan.positions, plan.window.exact
((2, 3), ((0, 1), (0, 1)))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from netir.ir import arithmetic
from netir.ir.layout import TensorType, positions

if TYPE_CHECKING:
    from netir.ir.graph import Graph
    from netir.ir.node import Node

Shape = tuple[int, ...]
Pair = tuple[int, int]


@dataclass(frozen=True)
class WindowPlan:
    """A sliding window over the input's position axes (one entry per axis).

    ``padding`` is what the op declares (resolved: 'same' is already explicit);
    ``exact`` adds to the after-side what ceil mode needs, so that an unpadded,
    floor-mode window over the input padded by ``exact`` gives exactly the output;
    ``effective`` is the dilated window, ``(kernel - 1) * dilation + 1``.
    """

    kernel: Shape
    stride: Shape
    dilation: Shape
    padding: tuple[Pair, ...]
    exact: tuple[Pair, ...]
    effective: Shape

    @property
    def rank(self) -> int:
        return len(self.kernel)

    @property
    def symmetric(self) -> bool:
        """Whether each axis pads alike before and after (what most frameworks take)."""
        return all(before == after for before, after in self.padding)


@dataclass(frozen=True)
class NodePlan:
    """What a backend needs to lower one node; see the module docstring."""

    node: Node
    inputs: tuple[TensorType, ...]
    output: TensorType
    feature_axis: int | None
    positions: tuple[int, ...]
    axes: Mapping[str, Any]
    window: WindowPlan | None
    operands: tuple[str, ...]
    params: Mapping[str, Shape]
    buffers: Mapping[str, Shape]
    consumers: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def op(self) -> str:
        return self.node.op

    @property
    def attrs(self) -> Mapping[str, Any]:
        return self.node.attrs


def batch_first(value: Any, kind: str, feature: int | None) -> Any:
    """A logical axis attribute as an axis of the batched tensor.

    ``kind`` is what the attribute declares: ``"axis"`` (an axis, a tuple of axes, or
    None for the feature axis) or ``"permutation"`` (every logical axis, reordered).

    >>> batch_first(0, "axis", 0), batch_first((1, 2), "axis", 0)
    (1, (2, 3))
    >>> batch_first(None, "axis", 2), batch_first((2, 0, 1), "permutation", 0)
    (3, (0, 3, 1, 2))
    """
    if kind == "permutation":
        return (0, *(int(d) + 1 for d in value))
    if value is None:
        return None if feature is None else feature + 1
    if isinstance(value, tuple):
        return tuple(int(a) + 1 for a in value)
    return int(value) + 1


def window_plan(attrs: Mapping[str, Any], source: Shape, output: Shape) -> WindowPlan:
    """The :class:`WindowPlan` of a window op over position sizes ``source`` giving
    position sizes ``output`` (both without the feature axis)."""
    rank = len(source)
    kernel, stride = _per_axis(attrs["kernel"], rank), _per_axis(attrs["stride"], rank)
    dilation = _per_axis(attrs.get("dilation") or (1,) * rank, rank)
    padding = tuple((p, p) if isinstance(p, int) else tuple(p)  # a transposed conv's p
                    for p in _per_axis(attrs.get("padding") or ((0, 0),) * rank, rank))
    effective = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    exact = tuple(arithmetic.exact_window_padding(source[i], effective[i], stride[i],
                                                  padding[i], output[i])
                  for i in range(rank))
    return WindowPlan(kernel, stride, dilation, padding, exact, effective)


def _per_axis(value, rank: int) -> tuple:
    """One entry per window axis: rank 1 stores a bare int or one (before, after) pair."""
    return (value,) if rank == 1 else tuple(value)


def _axes(spec, attrs, feature) -> Mapping[str, Any]:
    found = {}
    for attr in spec.attrs:
        kind = getattr(attr, "axis", None)
        if kind:
            found[attr.name] = batch_first(attrs[attr.name], kind, feature)
    return MappingProxyType(found)


def _plan(graph: Graph, node: Node, consumers: tuple[str, ...]) -> NodePlan:
    spec, attrs = node.spec, node.attrs
    inputs = tuple(graph.input_shapes(node))
    output = node.type
    first = inputs[0] if inputs else output
    feature = first.layout.index("C")
    places = positions(first.layout)
    window = None
    if "kernel" in attrs and "stride" in attrs:
        window = window_plan(attrs, tuple(first[a] for a in places),
                             tuple(output[a] for a in positions(output.layout)))
    resolve = getattr(spec, "operands", None)
    operands = tuple(resolve(node.inputs)) if resolve else tuple(node.inputs)
    trainable, buffers = spec.params(attrs, list(inputs))
    return NodePlan(node, inputs, output, feature + 1, tuple(a + 1 for a in places),
                    _axes(spec, attrs, feature), window, operands,
                    MappingProxyType(dict(trainable)), MappingProxyType(dict(buffers)),
                    consumers)


def graph_plan(graph: Graph) -> Mapping[str, NodePlan]:
    """Every node's :class:`NodePlan`, by name, in the graph's order. Computed once
    per graph state: adding a node makes a new plan."""
    cached = getattr(graph, "_plans", None)
    if cached is not None and cached[0] == len(graph):
        return cached[1]
    readers: dict[str, list[str]] = {}
    for node in graph.nodes:
        for src in node.inputs:
            readers.setdefault(src, []).append(node.name)
    plans = MappingProxyType({node.name: _plan(graph, node, tuple(readers.get(node.name, ())))
                              for node in graph.nodes})
    graph._plans = (len(graph), plans)
    return plans


def plan_of(graph: Graph, node: Node | str) -> NodePlan:
    """The :class:`NodePlan` of one node of ``graph``."""
    name = node if isinstance(node, str) else node.name
    return graph_plan(graph)[graph[name].name]


__all__ = ["NodePlan", "WindowPlan", "batch_first", "graph_plan", "plan_of", "window_plan"]
