"""The gallery's charts, drawn with matplotlib (the ``gallery`` extra) as vector SVG.

Accuracy against compute (bubble area = parameters) and parameters and compute by
year, every point named, coloured by family, log axes where values span decades.
Output is byte-identical run to run: a fixed ``svg.hashsalt`` and no date.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from netir.ir.files import write_atomic
from netir.ir.summary import format_count
from netir.renderers.styles import FONTS

WIDTH_IN, HEIGHT_IN = 9.0, 5.4  # shown at page width (about 900 px), text stays ~11 px
FAMILY_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78",
                 "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
                 "#dbdb8d", "#9edae5")
# Label offsets in points, tried in order until one overlaps no placed label.
OFFSETS = [(dx * r, dy * r) for r in range(1, 10)
           for dx, dy in ((7, 5), (7, -9), (-7, 5), (-7, -9), (0, 10), (0, -14))]


@dataclass(frozen=True)
class ChartPoint:
    """One network on the charts."""

    name: str
    family: str
    year: int
    params: int
    macs: int
    top1: float | None


def _rc() -> dict:
    return {"svg.hashsalt": "netir-gallery", "svg.fonttype": "path",
            "font.family": ["DejaVu Sans", FONTS["cjk"]], "font.size": 10,
            "axes.spines.top": False, "axes.spines.right": False}


def family_colors(points: list[ChartPoint]) -> dict[str, str]:
    """Family -> colour, in order of first appearance (so stable across charts)."""
    families = list(dict.fromkeys(p.family for p in points))
    return {f: FAMILY_COLORS[i % len(FAMILY_COLORS)] for i, f in enumerate(families)}


def _label_points(ax, xy: list[tuple[float, float]], names: list[str]) -> None:
    """Name each point, moving a label outward until it clears the ones placed; labels
    moved far get a thin leader line."""
    renderer = ax.figure.canvas.get_renderer()
    placed = []
    for (x, y), name in zip(xy, names):
        for i, (dx, dy) in enumerate(OFFSETS):
            where = {"xytext": (dx, dy), "textcoords": "offset points", "fontsize": 8,
                     "va": "center", "ha": "left" if dx > 0 else "right" if dx < 0 else "center"}
            text = ax.annotate(name, (x, y), **where)
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(b) for b in placed) or i == len(OFFSETS) - 1:
                placed.append(box)
                if i >= 6:  # far from its point: redraw with a leader (unclipped, cheap)
                    text.remove()
                    ax.annotate(name, (x, y), zorder=4, **where, arrowprops={
                        "arrowstyle": "-", "color": "#999999", "lw": 0.5, "shrinkA": 0,
                        "shrinkB": 0, "patchA": None})
                break
            text.remove()


def _spread_years(points: list[ChartPoint], value) -> tuple[list[float], list[int]]:
    """x positions: one slot per year of publication (so a lone early year does not
    squeeze the rest), points of one year spread by value across ±0.35 of the slot.
    Returns the positions and the years in slot order."""
    by_year: dict[int, list[int]] = {}
    for i, p in enumerate(points):
        by_year.setdefault(p.year, []).append(i)
    years = sorted(by_year)
    xs = [0.0] * len(points)
    for slot, year in enumerate(years):
        idx = sorted(by_year[year], key=lambda i: (value(points[i]), points[i].name))
        for k, i in enumerate(idx):
            xs[i] = slot + (0.0 if len(idx) == 1 else -0.35 + 0.7 * k / (len(idx) - 1))
    return xs, years


def _legend(ax, colors: dict[str, str]) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=f)
               for f, c in colors.items()]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="best")


def _figure():
    """A figure with an Agg canvas, so label extents can be measured before saving."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    FigureCanvasAgg(fig)
    return fig


def _log_axis(axis, labels) -> None:
    """Log scale with plain tick labels (``0.5, 1, 2, 5, 10`` or ``100k, 1M``)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: labels(v)))
    axis.set_minor_formatter(NullFormatter())


def _save(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buf.getvalue()


def bubble_chart(points: list[ChartPoint], ui: dict[str, str]) -> bytes | None:
    """Top-1 against GMACs (log), bubble area proportional to parameters; SVG bytes.

    Points without a published top-1 are left out; None when none has one.
    """
    import matplotlib

    shown = [p for p in points if p.top1 is not None and p.macs > 0]
    if not shown:
        return None
    colors = family_colors(points)
    with matplotlib.rc_context(_rc()):
        fig = _figure()
        ax = fig.add_subplot()
        xs = [p.macs / 1e9 for p in shown]
        ys = [p.top1 for p in shown]
        sizes = [max(12.0, p.params / 1e6 * 6) for p in shown]
        ax.scatter(xs, ys, s=sizes, c=[colors[p.family] for p in shown], alpha=0.55,
                   edgecolors="#333333", linewidths=0.5)
        ax.set_xscale("log")
        _log_axis(ax.xaxis, lambda v: f"{v:g}")
        ax.set_xlim(min(xs) / 1.6, max(xs) * 1.6)
        ax.set_ylim(min(ys) - 2.5, max(ys) + 2.5)
        ax.set_title(ui["chart_bubble"])
        ax.set_xlabel(ui["chart_bubble_x"])
        ax.set_ylabel(ui["chart_bubble_y"])
        ax.grid(True, which="major", color="#e5e5e5", linewidth=0.6)
        _legend(ax, {f: c for f, c in colors.items() if any(p.family == f for p in shown)})
        _label_points(ax, list(zip(xs, ys)), [p.name for p in shown])
        return _save(fig)


def year_chart(points: list[ChartPoint], what: str, ui: dict[str, str]) -> bytes:
    """``what`` ('params' or 'macs') by year of publication, log y, every point named."""
    import matplotlib

    value = (lambda p: p.params) if what == "params" else (lambda p: p.macs / 1e9)
    shown = [p for p in points if value(p) > 0]
    colors = family_colors(points)
    with matplotlib.rc_context(_rc()):
        fig = _figure()
        ax = fig.add_subplot()
        xs, years = _spread_years(shown, value)
        ys = [value(p) for p in shown]
        ax.scatter(xs, ys, s=28, c=[colors[p.family] for p in shown], edgecolors="#333333",
                   linewidths=0.5, zorder=3)
        ax.set_yscale("log")
        _log_axis(ax.yaxis, (lambda v: format_count(v, "g")) if what == "params"
                  else (lambda v: f"{v:g}"))
        low, high = min(ys), max(ys)
        ax.set_ylim(10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high) + 0.01))
        ax.set_xlim(-0.7, len(years) - 0.3)
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_title(ui[f"chart_{what}"])
        ax.set_xlabel(ui["chart_year"])
        ax.set_ylabel(ui[f"chart_{what}_y"])
        ax.grid(True, which="major", color="#e5e5e5", linewidth=0.6)
        _legend(ax, colors)
        _label_points(ax, list(zip(xs, ys)), [p.name for p in shown])
        return _save(fig)


def write_charts(points: list[ChartPoint], ui: dict[str, str], out_dir, suffix: str,
                 ) -> list[tuple[str, str]]:
    """Write every chart as ``chart_<key><suffix>.svg``; returns (file name, title) pairs."""
    from pathlib import Path

    charts = [("top1", ui["chart_bubble"], bubble_chart(points, ui)),
              ("params", ui["chart_params"], year_chart(points, "params", ui)),
              ("macs", ui["chart_macs"], year_chart(points, "macs", ui))]
    written = []
    for key, title, svg in charts:
        if svg is not None:
            name = f"chart_{key}{suffix}.svg"
            write_atomic(Path(out_dir) / name, svg)
            written.append((name, title))
    return written
