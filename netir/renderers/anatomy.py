"""Block anatomy: each block type of a network drawn once, expanded, from the IR.

Blocks are the numbered scopes of :func:`netir.renderers.levels.block_of`. Two blocks
are of one *type* when their wiring is the same: the same ops in the same order, each
reading the same local inputs (channel widths and strides may differ). One
representative per type is drawn in a cluster: the block's inputs, its internal DAG
and its output, with every *bypass* edge (an edge beside a longer path between the
same two nodes: a skip, a dense concatenation, a squeeze-excitation scale) drawn
bold, and a badge with the number of instances.
"""

from __future__ import annotations

import html
import string
from dataclasses import dataclass

import networkx as nx

from netir.ir.graph import Graph
from netir.ir.node import Node
from netir.ir.summary import format_count, format_shape
from netir.renderers.levels import block_of
from netir.renderers.styles import (
    BADGE_COLOR,
    BYPASS_EDGE_ATTRS,
    CLUSTER_ATTRS,
    EDGE_ATTRS,
    GRAPH_ATTRS,
    NODE_ATTRS,
    node_style,
)


@dataclass
class BlockType:
    """One wiring shared by ``instances`` (block scopes in graph order)."""

    letter: str
    signature: tuple
    instances: list[str]
    nodes: list[Node]

    @property
    def count(self) -> int:
        return len(self.instances)

    @property
    def representative(self) -> str:
        return self.instances[0]


def blocks(graph: Graph) -> dict[str, list[Node]]:
    """Block scope -> its nodes, both in topological order."""
    out: dict[str, list[Node]] = {}
    for node in graph.nodes:
        scope = block_of(node.name)
        if scope is not None:
            out.setdefault(scope, []).append(node)
    return out


def external_inputs(nodes: list[Node]) -> list[str]:
    """Names read by ``nodes`` from outside them, in order of first use."""
    inside = {n.name for n in nodes}
    seen: list[str] = []
    for n in nodes:
        seen += [i for i in n.inputs if i not in inside and i not in seen]
    return seen


def wiring(nodes: list[Node]) -> tuple:
    """The structural signature: per node its op and where each input comes from."""
    index = {n.name: i for i, n in enumerate(nodes)}
    ext = {name: f"x{k}" for k, name in enumerate(external_inputs(nodes))}
    return tuple((n.op, tuple(index.get(i, ext.get(i)) for i in n.inputs)) for n in nodes)


def _letter(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < len(letters) else letters[i // 26 - 1] + letters[i % 26]


def block_types(graph: Graph) -> list[BlockType]:
    """Every block type of ``graph`` in order of first appearance, lettered A, B, ..."""
    types: dict[tuple, BlockType] = {}
    for scope, nodes in blocks(graph).items():
        sig = wiring(nodes)
        if sig not in types:
            types[sig] = BlockType(_letter(len(types)), sig, [], nodes)
        types[sig].instances.append(scope)
    return list(types.values())


def type_of(graph: Graph) -> dict[str, BlockType]:
    """Block scope -> its type."""
    return {scope: t for t in block_types(graph) for scope in t.instances}


def where(instances: list[str]) -> str:
    """``layer1.1–2, layer2.1–3``: instances grouped by parent, consecutive runs joined,
    the dotted prefix common to all of them dropped (``features.``)."""
    groups: dict[str, list[str]] = {}
    for scope in instances:
        parent, _, last = scope.rpartition(".")
        groups.setdefault(parent, []).append(last)
    common = ""
    if len(groups) > 1 or len(instances) > 1:
        heads = [p.split(".") for p in groups]
        while all(len(h) > 1 and h[0] == heads[0][0] for h in heads):
            common += heads[0][0] + "."
            heads = [h[1:] for h in heads]
    parts = []
    for parent, lasts in groups.items():
        prefix = f"{parent}."[len(common):] if parent else ""
        tail = lasts[-1].lstrip(string.ascii_letters + "_") or lasts[-1]
        parts.append(prefix + (lasts[0] if len(lasts) == 1 else f"{lasts[0]}–{tail}"))
    return ", ".join(parts)


def bypass_edges(edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Edges (u, v) for which another, longer path from u to v exists."""
    g = nx.DiGraph(edges)
    found = set()
    for u, v in edges:
        g.remove_edge(u, v)
        if nx.has_path(g, u, v):
            found.add((u, v))
        g.add_edge(u, v)
    return found


def shortcut_edges(edges: list[tuple[str, str]], merges: set[str]) -> set[tuple[str, str]]:
    """The side branches into merge nodes: for each merge node, every input but the one
    on its longest path, followed back through single-input, single-use nodes to the
    fork (a projection shortcut, a dense block's carried input, an SE gate's input)."""
    g = nx.DiGraph(edges)
    depth = {}
    for n in nx.topological_sort(g):
        depth[n] = max((depth[p] + 1 for p in g.predecessors(n)), default=0)
    found = set()
    for v in merges:
        preds = sorted(g.predecessors(v), key=lambda p: (depth[p], p))
        for u in preds[:-1]:
            found.add((u, v))
            while g.in_degree(u) == 1 and g.out_degree(u) == 1:
                (w,) = g.predecessors(u)
                found.add((w, u))
                u = w
    return found


def _local(name: str, scope: str) -> str:
    return name[len(scope) + 1:] if name.startswith(scope + ".") else name


def anatomy_dot(graph: Graph, btype: BlockType, words: dict[str, str],
                fontname: str = "Helvetica") -> str:
    """DOT for one block type: its representative expanded in a badged cluster.

    ``words`` supplies the visible words (``input``, ``output``, ``instances``,
    ``params``); ``fontname`` must cover their script.
    """
    import graphviz

    scope, nodes = btype.representative, btype.nodes
    font = {"fontname": fontname}
    dot = graphviz.Digraph(name=f"anatomy_{btype.letter}",
                           graph_attr={**GRAPH_ATTRS, **font, "rankdir": "TB"},
                           node_attr={**NODE_ATTRS, **font}, edge_attr={**EDGE_ATTRS, **font})
    ids = {n.name: f"n{i}" for i, n in enumerate(nodes)}
    ext = external_inputs(nodes)
    for k, name in enumerate(ext):
        ids[name] = f"x{k}"
        dot.node(f"x{k}", f"{words['input']}\n{format_shape(graph[name].shape)}",
                 **node_style("io"))
    badge = (f'<<table border="0" cellspacing="0" cellpadding="3"><tr>'
             f'<td><b>{btype.letter} · {html.escape(scope)}</b></td>'
             f'<td bgcolor="{BADGE_COLOR}"><font color="white"><b>×{btype.count}</b></font>'
             f"</td></tr><tr><td colspan=\"2\">{html.escape(words['instances'])}: "
             f"{html.escape(where(btype.instances))}</td></tr></table>>")
    with dot.subgraph(name=f"cluster_{btype.letter}") as sub:
        sub.attr(label=badge, **{**CLUSTER_ATTRS, "style": "rounded", "color": BADGE_COLOR})
        for n in nodes:
            params = graph.node_params(n)[0]
            local, label = _local(n.name, scope), n.spec.label(n.attrs)
            lines = [local, *([label] if label != local else []), format_shape(n.shape)]
            if params:
                lines.append(f"{format_count(params)} {words['params']}")
            sub.node(ids[n.name], "\n".join(lines), **node_style(n.spec.category, n.name))
    dot.node("out", f"{words['output']}\n{format_shape(nodes[-1].shape)}", **node_style("io"))
    edges = [(ids[i], ids[n.name]) for n in nodes for i in n.inputs]
    edges.append((ids[nodes[-1].name], "out"))
    merges = {ids[n.name] for n in nodes if n.spec.category == "merge"}
    bypass = bypass_edges(edges) | shortcut_edges(edges, merges)
    for u, v in edges:
        dot.edge(u, v, **(BYPASS_EDGE_ATTRS if (u, v) in bypass else {}))
    return dot.source
