"""How diagrams look: one table from op category to Graphviz node style."""

from __future__ import annotations

STYLES: dict[str, dict[str, str]] = {
    "io": {"shape": "oval", "fillcolor": "#e8e8e8"},
    "conv": {"shape": "box", "fillcolor": "#cfe2f3"},
    "dense": {"shape": "box", "fillcolor": "#d9d2e9"},
    "norm": {"shape": "box", "fillcolor": "#fff2cc"},
    "activation": {"shape": "box", "fillcolor": "#d9ead3"},
    "pool": {"shape": "box", "fillcolor": "#fce5cd"},
    "reshape": {"shape": "box", "fillcolor": "#eeeeee"},
    "merge": {"shape": "ellipse", "fillcolor": "#f4cccc"},
    "regularization": {"shape": "box", "fillcolor": "#f3f3f3"},
    "padding": {"shape": "box", "fillcolor": "#f3f3f3"},
    "block": {"shape": "box3d", "fillcolor": "#c9daf8"},
}
GRAPH_ATTRS = {"fontname": "Helvetica", "nodesep": "0.25", "ranksep": "0.3"}
NODE_ATTRS = {"fontname": "Helvetica", "fontsize": "11", "style": "filled,rounded",
              "color": "#555555", "margin": "0.12,0.04"}
EDGE_ATTRS = {"fontname": "Helvetica", "fontsize": "9", "color": "#666666",
              "arrowsize": "0.6"}
CLUSTER_ATTRS = {"style": "rounded,dashed", "color": "#999999", "fontsize": "10"}


def node_style(category: str) -> dict[str, str]:
    return STYLES.get(category, STYLES["reshape"])
