"""The structure a source file follows: the scope tree of a graph, its blocks, and the
order and variables of each forward.

A *block* is a scope the block anatomy names (:func:`netir.renderers.levels.block_of`:
``layer3.4``, ``features.denseblock2.denselayer5``); every other scope is a container.
A unit is a node, a block or a container; a class's forward calls its units in an
order that reads top to bottom, with a container's units in place of the container
(unless the framework makes it one call, as ``nn.Sequential``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from netir.ir.graph import Graph
from netir.ir.node import Node
from netir.renderers.anatomy import external_inputs
from netir.renderers.levels import block_of
from netir.source.common import RESERVED, identifier


@dataclass(eq=False)
class Unit:
    """A node (``node`` set) or a scope; ``kind`` is ``leaf``, ``block``, ``container``
    or a framework's own kind (``sequential``)."""

    name: str
    kind: str
    node: Node | None = None
    children: list[Unit] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @property
    def segment(self) -> str:
        return self.name.rpartition(".")[2]


def build_tree(graph: Graph, returned: list[str]) -> Unit:
    """The root container of every non-input node, scopes in order of first node."""
    root = Unit("", "container")
    scopes = {"": root}
    blocks = {block_of(n.name) for n in graph.nodes} - {None}
    for node in graph.nodes:
        if node.op == "input":
            continue
        parts = node.name.split(".")
        parent = root
        for i in range(1, len(parts)):
            path = ".".join(parts[:i])
            if path not in scopes:
                scopes[path] = Unit(path, "block" if path in blocks else "container")
                parent.children.append(scopes[path])
            parent = scopes[path]
            parent.nodes.append(node)
        parent.children.append(Unit(node.name, "leaf", node=node, nodes=[node]))
    root.nodes = [n for n in graph.nodes if n.op != "input"]
    readers: dict[str, set[str]] = {}
    for node in graph.nodes:
        for i in node.inputs:
            readers.setdefault(i, set()).add(node.name)
    keep = set(returned)
    for unit in scopes.values():  # every scope, no recursion
        inside = {n.name for n in unit.nodes}
        unit.outputs = [n.name for n in unit.nodes
                        if n.name in keep or readers.get(n.name, set()) - inside]
        unit.inputs = external_inputs(unit.nodes)
        for child in unit.children:
            if child.kind == "leaf":
                child.inputs = list(child.node.inputs)
                child.outputs = [child.name] if (child.name in keep or readers.get(
                    child.name, set()) - {child.name}) else []
    _promote([u for u in scopes.values() if u is not root])
    return root


def is_chain(unit: Unit) -> bool:
    """Whether each of ``unit``'s children reads the one output of the one before."""
    kids = unit.children
    return (bool(kids) and len(unit.inputs) == 1 and all(len(c.outputs) == 1 for c in kids)
            and all(b.inputs == a.outputs for a, b in zip(kids, kids[1:]))
            and unit.outputs == kids[-1].outputs)


def numbered(unit: Unit) -> bool:
    """Whether ``unit``'s children are named ``0``, ``1`` ... in order."""
    return [c.segment for c in unit.children] == [str(i) for i in range(len(unit.children))]


def _promote(scopes: list[Unit]) -> None:
    """Containers that are blocks by their structure: one whose nodes (relative names and
    ops) are a block's, one whose nodes another container repeats, unless it is a
    numbered chain (Inception's ``Mixed_5b`` and ``Mixed_5c``, RegNet's ``f``), and an
    item of a numbered list holding what a block item of it holds (a stage's first unit,
    without the rest's residual)."""
    shapes: dict[tuple, int] = {}
    for unit in scopes:
        unit.shape = tuple((n.name[len(unit.name):], n.op) for n in unit.nodes)
        shapes[unit.shape] = shapes.get(unit.shape, 0) + 1
    built = {u.shape for u in scopes if u.kind == "block"}
    for unit in scopes:
        if unit.kind == "container" and (unit.shape in built or (
                shapes[unit.shape] > 1 and not (is_chain(unit) and numbered(unit)))):
            unit.kind = "block"
    for unit in scopes:
        if not numbered(unit):
            continue
        held = [{c.segment for c in b.children if c.kind != "leaf"}
                for b in unit.children if b.kind == "block"]
        for child in unit.children:
            mine = {c.segment for c in child.children if c.kind != "leaf"}
            if child.kind == "container" and any(mine & h for h in held):
                child.kind = "block"


def calls(unit: Unit, opaque=("leaf", "block")) -> list[Unit]:
    """The units ``unit``'s forward calls: its children, containers opened."""
    out = []
    for child in unit.children:
        out += [child] if child.kind in opaque else calls(child, opaque)
    return out


def ordered_calls(unit: Unit, index: dict[str, int], opaque=("leaf", "block")) -> list[Unit]:
    """The calls of ``unit`` in an order every input precedes its readers, earliest
    node first; a block that would make the calls cyclic is opened into its units."""
    while True:
        units = calls(unit, opaque)
        owner = {n.name: u for u in units for n in u.nodes}
        dag = nx.DiGraph()
        dag.add_nodes_from(range(len(units)))
        position = {id(u): k for k, u in enumerate(units)}
        for k, u in enumerate(units):
            for i in u.inputs:
                if i in owner and owner[i] is not u:
                    dag.add_edge(position[id(owner[i])], k)
        try:
            order = list(nx.lexicographical_topological_sort(
                dag, key=lambda k: index[units[k].nodes[0].name]))
        except nx.NetworkXUnfeasible:
            cycle = {k for edge in nx.find_cycle(dag) for k in edge[:2]}
            (first,) = [units[k] for k in sorted(cycle) if units[k].kind not in ("leaf",)][:1]
            first.kind = "container"
            continue
        return [units[k] for k in order]


def needed(units: list[Unit], returned: list[str]) -> list[Unit]:
    """The units whose outputs reach ``returned`` (dead branches are built, not run)."""
    want = set(returned)
    out = []
    for u in reversed(units):
        if want & set(u.outputs):
            out.append(u)
            want |= set(u.inputs)
    return out[::-1]


def variables(units: list[Unit], arguments: dict[str, str], returned: list[str],
              taken=RESERVED) -> dict[int, list[str]]:
    """The variable each unit's outputs go to: a one-output unit reuses its first input's
    variable when that value is read no more, else a fresh name (``out``, or from the
    node's last segment) that no live value holds."""
    last_use: dict[str, int] = {}
    for k, u in enumerate(units):
        for i in u.inputs:
            last_use[i] = k
    for name in returned:
        last_use[name] = len(units)
    var = dict(arguments)
    live = dict(arguments)  # value -> variable
    result: dict[int, list[str]] = {}
    for k, u in enumerate(units):
        for i in set(u.inputs):
            if last_use.get(i) == k:
                live.pop(i, None)
        names = []
        busy = set(live.values()) | set(taken)
        first = u.inputs[0] if u.inputs else None
        if (len(u.outputs) == 1 and first is not None and last_use.get(first) == k
                and first in var and var[first] not in busy):
            names = [var[first]]
        else:
            for out in u.outputs:
                base = "out" if "out" not in busy else out.rpartition(".")[2]
                name = identifier(base, busy)
                busy.add(name)
                names.append(name)
        for out, name in zip(u.outputs, names):
            var[out] = live[out] = name
        result[k] = names
    return result
