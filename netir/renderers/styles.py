"""How diagrams look: one table from op category to Graphviz node style.

It covers every category in :data:`netir.ir.registry.CATEGORIES` (a test checks), so a
new op is drawn in its category's style with no edit here.
"""

from __future__ import annotations

from netir.ir.errors import RenderError

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


def node_style(category: str, node: str | None = None) -> dict[str, str]:
    """The style of an op category (or ``block``) for ``node`` (the name drawn); every
    registered category has one (tested). RenderError naming the category and the node
    for one without a style: a diagram never falls back to a default look."""
    try:
        return STYLES[category]
    except KeyError:
        raise RenderError(f"no diagram style for op category {category!r}; styled: "
                          f"{', '.join(STYLES)}", repr(category), node=node,
                          op="render") from None


# Block anatomy: the repeat-count badge and the bypass (skip, concat, scale) edges.
BADGE_COLOR = "#b45309"
BYPASS_EDGE_ATTRS = {"color": "#c2410c", "penwidth": "2.4", "arrowsize": "0.8"}
# Fonts per script: Graphviz resolves the name through fontconfig for SVG and PNG.
FONTS = {"latin": "Helvetica", "cjk": "Noto Sans CJK SC"}

# Per-node agreement: relative error bands, upper bound -> fill colour (green to red).
ERROR_BANDS: tuple[tuple[float, str], ...] = (
    (1e-7, "#1a9850"), (1e-6, "#91cf60"), (1e-5, "#d9ef8b"), (1e-4, "#fee08b"),
    (1e-3, "#fc8d59"), (float("inf"), "#d73027"))
UNCOMPARED_COLOR = "#ffffff"


def error_color(rel: float | None) -> str:
    """Fill colour for a relative error (None: not compared)."""
    if rel is None:
        return UNCOMPARED_COLOR
    return next(color for bound, color in ERROR_BANDS if rel <= bound)
