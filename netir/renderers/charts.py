"""The gallery's charts, drawn with matplotlib (the ``gallery`` extra) as vector SVG.

Accuracy against compute (bubble area = parameters) and parameters and compute by
year, coloured by family, log axes where values span decades. Labels never overlap: a
point whose name has no free room near it stays unnamed on the chart, and every point
carries its name and numbers as an SVG ``<title>`` (shown on hover).
Output is byte-identical run to run: a fixed ``svg.hashsalt`` and no date.
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass

from netir.ir.files import write_atomic
from netir.ir.summary import format_count
from netir.renderers.styles import FONTS
from netir.renderers.units import format_macs, macs_tick

WIDTH_IN, HEIGHT_IN = 9.0, 5.4  # shown at page width (about 900 px), text stays ~11 px
FAMILY_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78",
                 "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
                 "#dbdb8d", "#9edae5")
# Label offsets in points, tried in order until one overlaps no placed label, nearest
# first; farther than this a label could not be told from its neighbours' and is left off.
OFFSETS = [(dx * r, dy * r) for r in range(1, 4)
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


def _priority(names: list[str], families: list[str]) -> list[int]:
    """Label order: the first network of each family, then the rest, in catalog order."""
    first = {f: i for i, f in reversed(list(enumerate(families)))}
    return sorted(range(len(names)), key=lambda i: (first[families[i]] != i, i))


def _label_points(ax, xy: list[tuple[float, float]], names: list[str],
                  families: list[str]) -> list:
    """Name the points that have room: each label tries offsets moving outward and takes
    the first whose box stays inside the axes, covers no other point and clears the
    legend and every label and leader line placed; a label moved farther than its
    neighbour's place gets a thin leader line, which must clear the labels too. A point
    with no room stays unnamed (its name is on hover, see :func:`_point_titles`).
    Returns the labels."""
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    centres = ax.transData.transform(xy)
    legend = ax.get_legend()
    texts = [legend.get_window_extent(renderer)] if legend is not None else []
    leaders: list = []
    labels = []
    for k in _priority(names, families):
        (x, y), name, (cx, cy) = xy[k], names[k], centres[k]
        for i, (dx, dy) in enumerate(OFFSETS):
            where = {"xytext": (dx, dy), "textcoords": "offset points", "fontsize": 8,
                     "va": "center", "ha": "left" if dx > 0 else "right" if dx < 0 else "center"}
            text = ax.annotate(name, (x, y), **where)
            box = text_extent(text, renderer).expanded(1.05, 1.1)
            text.remove()
            tx, ty = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2  # a leader ends mid-label
            leader = Bbox.from_extents(min(cx, tx), min(cy, ty), max(cx, tx), max(cy, ty))
            far = i >= 6
            if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                    and box.y1 <= frame.y1
                    and not any(box.contains(px, py) for j, (px, py) in enumerate(centres)
                                if j != k)
                    and not any(box.overlaps(b) for b in texts + leaders)
                    and not (far and any(leader.overlaps(b) for b in texts))):
                texts.append(box)
                extra = {}
                if far:
                    leaders.append(leader)
                    extra = {"arrowprops": {"arrowstyle": "-", "color": "#999999", "lw": 0.5,
                                            "shrinkA": 0, "shrinkB": 0, "patchA": None}}
                labels.append(ax.annotate(name, (x, y), zorder=4, gid=f"label{k}", **where,
                                          **extra))
                break
    return labels


def text_extent(label, renderer):
    """A label's text box in pixels, without its leader line."""
    from matplotlib.text import Text

    label.update_positions(renderer)  # where its offset puts it
    return Text.get_window_extent(label, renderer)


def _scatter(ax, xs, ys, sizes, colors, **style) -> None:
    """One collection per point, each with its own id, so that the SVG can name it."""
    for k, (x, y, s, c) in enumerate(zip(xs, ys, sizes, colors)):
        ax.scatter([x], [y], s=[s], c=[c], gid=f"point{k}", **style)


def _point_titles(svg: bytes, titles: list[str]) -> bytes:
    """Every point's ``<g id="pointK">`` given a ``<title>``: its name and numbers on
    hover, for the points left unnamed as much as for the named."""
    text = svg.decode()
    for k, title in enumerate(titles):
        tag = f'<g id="point{k}">'
        text = text.replace(tag, f"{tag}\n   <title>{html.escape(title)}</title>", 1)
    return text.encode()


def _title(p: ChartPoint, ui: dict) -> str:
    w = ui["label_words"]
    parts = [f"{p.name} ({p.year})", w["params"].format(n=format_count(p.params)),
             w["macs"].format(n=format_macs(p.macs))]
    if p.top1 is not None:
        parts.append(f"top-1 {p.top1:.1f}%")
    return " · ".join(parts)


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


def bubble_figure(points: list[ChartPoint], ui: dict[str, str]):
    """Top-1 against MACs (log), bubble area proportional to parameters: the figure and
    the points drawn, in drawing order. Points without a published top-1 are left out;
    None when none has one. Call inside :func:`chart_style`."""
    shown = [p for p in points if p.top1 is not None and p.macs > 0]
    if not shown:
        return None
    colors = family_colors(points)
    fig = _figure()
    ax = fig.add_subplot()
    xs = [p.macs for p in shown]
    ys = [p.top1 for p in shown]
    sizes = [max(12.0, p.params / 1e6 * 6) for p in shown]
    _scatter(ax, xs, ys, sizes, [colors[p.family] for p in shown], alpha=0.55,
             edgecolors="#333333", linewidths=0.5)
    ax.set_xscale("log")
    _log_axis(ax.xaxis, macs_tick)
    ax.set_xlim(min(xs) / 1.6, max(xs) * 1.6)
    ax.set_ylim(min(ys) - 2.5, max(ys) + 2.5)
    ax.set_title(ui["chart_bubble"])
    ax.set_xlabel(ui["chart_bubble_x"])
    ax.set_ylabel(ui["chart_bubble_y"])
    ax.grid(True, which="major", color="#e5e5e5", linewidth=0.6)
    _legend(ax, {f: c for f, c in colors.items() if any(p.family == f for p in shown)})
    _label_points(ax, list(zip(xs, ys)), [p.name for p in shown], [p.family for p in shown])
    return fig, shown


def year_figure(points: list[ChartPoint], what: str, ui: dict[str, str]):
    """``what`` ('params' or 'macs') by year of publication, log y: the figure and the
    points drawn, in drawing order. Call inside :func:`chart_style`."""
    value = (lambda p: p.params) if what == "params" else (lambda p: p.macs)
    shown = [p for p in points if value(p) > 0]
    colors = family_colors(points)
    fig = _figure()
    ax = fig.add_subplot()
    xs, years = _spread_years(shown, value)
    ys = [value(p) for p in shown]
    _scatter(ax, xs, ys, [28] * len(shown), [colors[p.family] for p in shown],
             edgecolors="#333333", linewidths=0.5, zorder=3)
    ax.set_yscale("log")
    _log_axis(ax.yaxis, (lambda v: format_count(v, "g")) if what == "params" else macs_tick)
    low, high = min(ys), max(ys)
    ax.set_ylim(10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high) + 0.01))
    ax.set_xlim(-0.7, len(years) - 0.3)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_title(ui[f"chart_{what}"])
    ax.set_xlabel(ui["chart_year"])
    ax.set_ylabel(ui[f"chart_{what}_y"])
    ax.grid(True, which="major", color="#e5e5e5", linewidth=0.6)
    _legend(ax, colors)
    _label_points(ax, list(zip(xs, ys)), [p.name for p in shown], [p.family for p in shown])
    return fig, shown


def chart_style():
    """The charts' matplotlib settings, as a context."""
    import matplotlib

    return matplotlib.rc_context(_rc())


def bubble_chart(points: list[ChartPoint], ui: dict[str, str]) -> bytes | None:
    """:func:`bubble_figure` as SVG bytes, every point's name and numbers on hover."""
    with chart_style():
        made = bubble_figure(points, ui)
        return None if made is None else _point_titles(
            _save(made[0]), [_title(p, ui) for p in made[1]])


def year_chart(points: list[ChartPoint], what: str, ui: dict[str, str]) -> bytes:
    """:func:`year_figure` as SVG bytes, every point's name and numbers on hover."""
    with chart_style():
        fig, shown = year_figure(points, what, ui)
        return _point_titles(_save(fig), [_title(p, ui) for p in shown])


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
