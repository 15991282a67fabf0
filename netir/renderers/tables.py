"""Summary tables per node, block or stage, as text, Markdown or HTML."""

from __future__ import annotations

import html

from netir.ir.graph import Graph
from netir.ir.summary import MAC_CONVENTION, SUMMARY_HEADER, format_shape, format_table
from netir.renderers.levels import group_items, item_io, item_totals, op_mix

HEADER = SUMMARY_HEADER


def summary_rows(graph: Graph, level: str = "block", total: str = "total") -> list[list[str]]:
    """One row per item (node, block or stage) and a final row named ``total``."""
    rows = []
    for item in group_items(graph, level):
        t, b, m = item_totals(graph, item)
        if item.category == "block":
            what = (f"{item.count} × " if item.count > 1 else "") + op_mix(item)
            _, out = item_io(graph, item)
        else:
            node = item.nodes[0]
            what, out = node.spec.label(node.attrs), node.shape
        rows.append([item.key, what, format_shape(out), f"{t:,}", f"{b:,}", f"{m:,}"])
    t, b = graph.count_params()
    rows.append([total, "", "", f"{t:,}", f"{b:,}", f"{graph.count_macs():,}"])
    return rows


def summary_table(graph: Graph, level: str = "block", markdown: bool = False) -> str:
    rows = summary_rows(graph, level)
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * 3 + "---:|" * 3]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + f"\n\n{MAC_CONVENTION}\n"
    return format_table(HEADER, rows, right={3, 4, 5}) + f"\n{MAC_CONVENTION}"


def summary_html(graph: Graph, level: str = "block", header: list[str] = HEADER,
                 total: str = "total", note: str = MAC_CONVENTION) -> str:
    """The table as HTML; ``header``, ``total`` and ``note`` in the page's language."""
    rows = summary_rows(graph, level, total)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return (f'<div class="scroll"><table class="summary"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div><p class=\"note\">{html.escape(note)}</p>")
