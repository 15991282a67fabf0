"""Levels of detail: every node, blocks, or stages, with repeated blocks folded.

A *block* is the deepest scope of a node whose last part ends in a digit
(``layer3.4``, ``features.denseblock2.denselayer5``, ``features.transition1``);
nodes outside any block stand alone. Consecutive blocks of one parent scope with the
same direct ops fold into one item, "× n". A *stage* is a block's parent scope when
that scope is numbered (``layer3``, ``features.denseblock2``), else the block itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from netir.ir.graph import Graph
from netir.ir.node import Node

LEVELS = ("layer", "block", "stage")


@dataclass
class Item:
    """One drawn unit: a single node, or a group of nodes (a block, folded blocks, a stage)."""

    key: str
    nodes: list[Node]
    category: str
    count: int = 1
    members: list[str] = field(default_factory=list)
    signature: tuple = ()

    @property
    def names(self) -> set[str]:
        return {n.name for n in self.nodes}


def block_of(name: str) -> str | None:
    parts = name.split(".")[:-1]
    for i in range(len(parts), 0, -1):
        if parts[i - 1][-1:].isdigit():
            return ".".join(parts[:i])
    return None


def _signature(scope: str, nodes: list[Node]) -> tuple:
    direct = [n.op for n in nodes if n.scope == scope]
    return tuple(sorted(Counter(direct).items()))


def _parent(scope: str) -> str:
    return scope.rpartition(".")[0]


def group_items(graph: Graph, level: str) -> list[Item]:
    """The items of ``graph`` at ``level`` in topological order."""
    if level not in LEVELS:
        from netir.ir.errors import RenderError

        raise RenderError(f"level must be one of {LEVELS}", repr(level), node=graph.name,
                          op="render")
    items: list[Item] = []
    for node in graph.nodes:
        block = block_of(node.name) if level != "layer" else None
        key = block
        if level == "stage" and block and _parent(block)[-1:].isdigit():
            key = _parent(block)
        if key is None:
            items.append(Item(node.name, [node], node.spec.category))
            continue
        if not items or items[-1].key != key or items[-1].category != "block":
            items.append(Item(key, [], "block", members=[]))
        items[-1].nodes.append(node)
        if block not in items[-1].members:
            items[-1].members.append(block)
    for item in items:
        if item.category == "block":
            item.signature = _signature(item.key, item.nodes)
            item.count = len(item.members) if level == "stage" else 1
    return _fold(items) if level == "block" else items


def _fold(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if (prev is not None and item.category == "block" and prev.category == "block"
                and _parent(prev.members[0]) == _parent(item.key)
                and prev.signature == item.signature):
            prev.nodes.extend(item.nodes)
            prev.members.append(item.key)
            prev.count += 1
            continue
        out.append(item)
    for item in out:
        if item.category == "block" and item.count > 1:
            item.key = f"{item.members[0]}..{item.members[-1].rpartition('.')[2]}"
    return out


def item_totals(graph: Graph, item: Item) -> tuple[int, int, int]:
    """(trainable, buffers, MACs) of an item."""
    t = b = m = 0
    for n in item.nodes:
        nt, nb = graph.node_params(n)
        t, b, m = t + nt, b + nb, m + graph.node_macs(n)
    return t, b, m


def item_io(graph: Graph, item: Item) -> tuple[list[tuple[int, ...]], tuple[int, ...]]:
    """Input shapes entering the item from outside, and its last node's output shape."""
    names = item.names
    ins = []
    for n in item.nodes:
        for i in n.inputs:
            if i not in names and graph[i].shape not in ins:
                ins.append(graph[i].shape)
    return ins, item.nodes[-1].shape


def op_mix(item: Item) -> str:
    """``3 conv2d, 3 batch_norm, 3 relu, add`` for one block of the item."""
    per = max(item.count, 1)
    counts = Counter(n.op for n in item.nodes)
    return ", ".join(f"{c // per} {op}" if c // per > 1 else op for op, c in counts.items())
