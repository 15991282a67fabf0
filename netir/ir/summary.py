"""Per-node text summary of a graph (the table ``Graph.summary()`` prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netir.ir.layout import default_layout

if TYPE_CHECKING:
    from netir.ir.graph import Graph

SUMMARY_HEADER = ["name", "op", "output", "params", "buffers", "MACs"]
MAC_CONVENTION = ("MACs: multiply-accumulates of conv and dense layers for one sample; "
                  "FLOPs = 2 × MACs.")


def format_shape(shape: tuple[int, ...], layout: str | None = None) -> str:
    """``(64, 56, 56)`` -> ``64×56×56`` (batch excluded); a ``layout`` other than the
    default of the rank is named: ``(197, 768), "TC"`` -> ``197×768 TC``."""
    text = "×".join(str(v) for v in shape)
    if layout is not None and layout != default_layout(len(shape)):
        text += f" {layout}"
    return text


def format_count(value: float, fmt: str = ".1f") -> str:
    """``25557032`` -> ``25.6M`` (units k, M, G; ``fmt`` formats the scaled value)."""
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= div:
            return f"{value / div:{fmt}}{unit}"
    return f"{value:g}"


def format_table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """A plain monospace table; columns in ``right`` are right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows), rule])


def summary_rows(graph: Graph) -> list[list[str]]:
    rows = []
    for node in graph.nodes:
        t, b = graph.node_params(node)
        rows.append([node.name, node.spec.label(node.attrs), format_shape(node.shape, node.layout),
                     f"{t:,}" if t else "", f"{b:,}" if b else "",
                     f"{graph.node_macs(node):,}" if graph.node_macs(node) else ""])
    return rows


def summary_text(graph: Graph) -> str:
    """A table: name, op, output shape, params, buffers, MACs; then the totals."""
    t, b = graph.count_params()
    macs = graph.count_macs()
    rows = summary_rows(graph)
    rows.append(["total", "", "", f"{t:,}", f"{b:,}", f"{macs:,}"])
    table = format_table(SUMMARY_HEADER, rows, right={3, 4, 5})
    return (f"{graph.name}: {len(graph)} nodes, {t:,} trainable parameters, {b:,} buffers, "
            f"{macs:,} MACs\n{table}\n{MAC_CONVENTION}")
