"""DOT text from a graph, at any level, through the ``graphviz`` package.

Needs only the Python package, not the ``dot`` program. Output is deterministic:
items and edges are emitted in the graph's topological order. Every identifier and
label that carries text from the graph goes through :func:`text`, so it is always a
quoted DOT string: never HTML (``<...>``), never an escape sequence (``\\N``), never
markup of any kind, whatever the graph's names are.
"""

from __future__ import annotations

from collections.abc import Callable

from netir.ir.bulk import collector_paused
from netir.ir.graph import Graph
from netir.ir.summary import format_count, format_shape
from netir.renderers.levels import Item, group_items, item_io, item_totals, op_mix
from netir.renderers.styles import CLUSTER_ATTRS, EDGE_ATTRS, GRAPH_ATTRS, NODE_ATTRS, node_style


def text(value: str) -> str:
    """``value`` as literal DOT text (quoted, backslashes and ``<...>`` disarmed)."""
    import graphviz

    return graphviz.escape(value)


#: The words of a diagram's labels; a gallery page passes its language's.
LABEL_WORDS = {"params": "{n} params", "macs": "{n} MACs", "blocks": "{count} blocks: {mix}"}


def item_label(graph: Graph, item: Item, words: dict[str, str] = LABEL_WORDS) -> str:
    t, b, m = item_totals(graph, item)
    totals = " · ".join(p for p in (words["params"].format(n=format_count(t)) if t else "",
                                    words["macs"].format(n=format_count(m)) if m else "") if p)
    if item.category != "block":
        node = item.nodes[0]
        label = node.spec.label(node.attrs)
        lines = [node.name, *([label] if label != node.name else []), format_shape(node.shape)]
    else:
        ins, out = item_io(graph, item)
        title = item.key + (f"  × {item.count}" if item.count > 1 else "")
        mix = op_mix(item)
        lines = [title, words["blocks"].format(count=item.count, mix=mix) if item.count > 1
                 else mix,
                 " + ".join(format_shape(s) for s in ins) + " → " + format_shape(out)]
    if totals:
        lines.append(totals)
    return "\n".join(lines)


@collector_paused()
def to_dot(graph: Graph, level: str = "block", direction: str = "TB",
           edge_shapes: bool = False, decorate: Callable[[Item], dict[str, str]] | None = None,
           fontname: str | None = None, words: dict[str, str] = LABEL_WORDS) -> str:
    """DOT source for ``graph`` at ``level`` ('layer', 'block' or 'stage').

    Node labels carry name, op with key attributes, output shape, parameters and MACs;
    blocks carry their input/output shapes and totals. ``direction`` is 'TB' or 'LR'.
    ``decorate(item)`` may return extra Graphviz attributes for an item's node (a fill
    colour, a link, a tooltip); ``fontname`` overrides the font everywhere; ``words``
    are the label words (:data:`LABEL_WORDS`, in another language for a gallery page).
    """
    import graphviz

    if direction not in ("TB", "LR"):
        from netir.ir.errors import RenderError

        raise RenderError("direction must be 'TB' or 'LR'", repr(direction), node=graph.name,
                          op="render")
    font = {"fontname": fontname} if fontname else {}
    dot = graphviz.Digraph(name=text(graph.name),
                           graph_attr={**GRAPH_ATTRS, **font, "rankdir": direction},
                           node_attr={**NODE_ATTRS, **font}, edge_attr={**EDGE_ATTRS, **font})
    items = group_items(graph, level)
    owner: dict[str, str] = {}
    for i, item in enumerate(items):
        for n in item.nodes:
            owner[n.name] = f"n{i}"
    def style(item: Item) -> dict[str, str]:
        return {**node_style(item.category, item.key), **(decorate(item) if decorate else {})}

    if level == "layer":
        _add_clusters(dot, graph, items, style)
    else:
        for i, item in enumerate(items):
            dot.node(f"n{i}", text(item_label(graph, item, words)), **style(item))
    seen = set()
    for node in graph.nodes:
        for src in node.inputs:
            edge = (owner[src], owner[node.name])
            if edge[0] == edge[1] or edge in seen:
                continue
            seen.add(edge)
            label = text(format_shape(graph[src].shape)) if edge_shapes else None
            dot.edge(*edge, label=label)
    return dot.source


def _add_clusters(dot, graph: Graph, items: list[Item], style) -> None:
    """Layer level: nodes nested in one cluster per scope.

    Scopes nest as deep as node names do, so the tree is built and filled without
    recursion: clusters are completed deepest first, then added to their parents.
    """
    import graphviz

    members: dict[str, list] = {"": []}
    children: dict[str, list[str]] = {"": []}
    for i, item in enumerate(items):
        scope = item.nodes[0].scope
        missing = []
        while scope not in members:
            missing.append(scope)
            scope = scope.rpartition(".")[0]
        for new in reversed(missing):
            members[new], children[new] = [], []
            children[new.rpartition(".")[0]].append(new)
        members[item.nodes[0].scope].append((f"n{i}", item))

    clusters: dict[str, graphviz.Digraph] = {}
    for scope in sorted(members, key=lambda s: -(s.count(".") + bool(s))):
        target = dot if scope == "" else graphviz.Digraph(name=text(f"cluster_{scope}"))
        if scope:
            target.attr(label=text(scope), **CLUSTER_ATTRS)
        for node_id, item in members[scope]:
            target.node(node_id, text(item_label(graph, item)), **style(item))
        for child in children[scope]:
            target.subgraph(clusters.pop(child))
        clusters[scope] = target
