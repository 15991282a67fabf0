"""A :class:`netir.diff.GraphDiff` drawn: a DOT diagram of network B at layer level with
the differences coloured (A's removed nodes drawn dashed, wired where they were), and a
Model Explorer node-data series over B that colours each node by what happened to it."""

from __future__ import annotations

from typing import Any

from netir.diff import GraphDiff
from netir.ir.graph import Graph
from netir.ir.summary import format_shape
from netir.renderers.dot import text, to_dot
from netir.renderers.levels import Item
from netir.renderers.model_explorer import node_data

#: What happened to a node -> its Graphviz style (over the category's) and, for Model
#: Explorer, its code and colour.
STATUS_STYLES: dict[str, dict[str, str]] = {
    "same": {"fillcolor": "#ffffff", "color": "#bbbbbb", "fontcolor": "#777777"},
    "renamed": {"fillcolor": "#cfe2f3", "color": "#0b5394", "penwidth": "2"},
    "changed": {"fillcolor": "#f9cb9c", "color": "#b45f06", "penwidth": "2"},
    "added": {"fillcolor": "#b6d7a8", "color": "#38761d", "penwidth": "2"},
    "removed": {"fillcolor": "#f4cccc", "color": "#990000", "penwidth": "2",
                "style": "filled,rounded,dashed"},
}
STATUS_CODES = {"same": 0, "renamed": 1, "changed": 2, "added": 3}


def node_status(d: GraphDiff, b_name: str) -> str:
    """``added``, ``changed`` (renamed ones too, if they differ), ``renamed`` or
    ``same`` for a node of B."""
    if b_name not in d.matched:
        return "added"
    if d.change(b_name):
        return "changed"
    return "renamed" if d.matched[b_name] != b_name else "same"


def _tooltip(d: GraphDiff, b_name: str) -> str:
    status = node_status(d, b_name)
    if status == "added":
        return f"added (not in {d.a})"
    parts = [f"was {d.matched[b_name]}"] if d.matched[b_name] != b_name else []
    change = d.change(b_name)
    if change:
        parts.append(change.describe())
    return "; ".join(parts) or "unchanged"


def to_diff_dot(a: Graph, b: Graph, d: GraphDiff, direction: str = "TB") -> str:
    """DOT source: B at layer level, each node styled by :func:`node_status` with its
    change as the tooltip, and every node removed from A drawn dashed and wired to the
    counterparts of its neighbours. Deterministic."""
    import graphviz

    def decorate(item: Item) -> dict[str, str]:
        return {**STATUS_STYLES[node_status(d, item.key)],
                "tooltip": text(_tooltip(d, item.key))}

    source = to_dot(b, "layer", direction, decorate=decorate)
    ids = {n.name: f"n{i}" for i, n in enumerate(b.nodes)}  # to_dot's ids at layer level
    a2b = {x: y for y, x in d.matched.items()}
    removed = {name: f"removed{i}" for i, name in enumerate(d.removed)}

    def where(a_name: str) -> str | None:
        return removed.get(a_name) or ids.get(a2b.get(a_name, ""))

    extra = graphviz.Digraph()
    extra.attr(label=text(f"{d.a} → {d.b}: {len(d.added)} added, {len(d.removed)} removed, "
                          f"{len(d.renamed)} renamed, {len(d.changed)} changed"),
               labelloc="t")
    for name, node_id in removed.items():
        node = a[name]
        extra.node(node_id, text(f"{name}\n{node.spec.label(node.attrs)}\n"
                                 f"{format_shape(node.shape)}\nremoved"),
                   **STATUS_STYLES["removed"], tooltip=text(f"only in {d.a}"))
    seen = set()
    for node in a.nodes:
        for src in node.inputs:
            if src not in removed and node.name not in removed:
                continue
            edge = (where(src), where(node.name))
            if None not in edge and edge not in seen:
                seen.add(edge)
                extra.edge(*edge, style="dashed", color="#990000")
    body = "".join(extra.body)
    end = source.rstrip().rfind("}")
    return source[:end] + body + "}\n"


def diff_node_data(b: Graph, d: GraphDiff) -> dict[str, Any]:
    """A Model Explorer node-data series over B: 0 same, 1 renamed, 2 changed, 3 added,
    each node coloured as in the diagram."""
    status = {n.name: node_status(d, n.name) for n in b.nodes}
    return node_data(b, f"diff from {d.a} (0 same, 1 renamed, 2 changed, 3 added)",
                     {k: STATUS_CODES[s] for k, s in status.items()},
                     colors={k: STATUS_STYLES[s]["fillcolor"] for k, s in status.items()})
