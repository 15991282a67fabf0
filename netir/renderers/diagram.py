"""Files from DOT: SVG, PNG and PDF through Graphviz's ``dot`` program, atomically.

DOT text is always available. Rasters are drawn at 96 dpi and never scaled down, so
text stays readable; a PNG larger than ``MAX_PNG_PIXELS`` on a side is refused with
advice (use SVG or PDF, or a coarser level).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from netir.ir.errors import RenderError
from netir.ir.files import write_atomic
from netir.ir.graph import Graph
from netir.renderers.dot import to_dot

#: What ``netir render --format`` writes: files from DOT, and ``model-explorer``, a
#: folder of Model Explorer JSON (:mod:`netir.renderers.model_explorer`).
FORMATS = ("svg", "png", "pdf", "dot", "model-explorer")
MODEL_EXPLORER = "model-explorer"
MAX_PNG_PIXELS = 16384
DOT_TIMEOUT = 600  # seconds: a layout that takes longer is refused, never waited on
INSTALL_DOT = ("install Graphviz's `dot` program: `sudo apt-get install graphviz` "
               "(Debian/Ubuntu), `brew install graphviz` (macOS), or see "
               "https://graphviz.org/download/")


def dot_program() -> str | None:
    return shutil.which("dot")


def run_dot(source: str, fmt: str, extra: tuple[str, ...] = ()) -> bytes:
    """``dot -T<fmt>`` on DOT text; RenderError when the program is missing or fails."""
    exe = dot_program()
    if exe is None:
        raise RenderError(f"the `dot` program is not on PATH; {INSTALL_DOT}", f"-T{fmt}",
                          node="<render>", op="dot")
    try:
        proc = subprocess.run([exe, f"-T{fmt}", *extra], input=source.encode(),
                              capture_output=True, timeout=DOT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderError(f"`dot` ran past the limit of {DOT_TIMEOUT} s; render a coarser "
                          "--level or the DOT source", f"-T{fmt}", node="<render>",
                          op="dot") from None
    if proc.returncode != 0:
        raise RenderError("`dot` failed", proc.stderr.decode(errors="replace")[-500:],
                          node="<render>", op="dot")
    return proc.stdout


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height in points from an SVG's root element."""
    m = re.search(rb'<svg[^>]*width="([\d.]+)pt"[^>]*height="([\d.]+)pt"', svg)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


def render(graph: Graph, path: str | os.PathLike, level: str = "block", fmt: str | None = None,
           direction: str = "TB", edge_shapes: bool = False) -> Path:
    """Draw ``graph`` to ``path``; the format comes from ``fmt`` or the file's suffix
    (``model-explorer`` writes the folder ``path``).

    Raises RenderError (naming what to do) when ``dot`` is missing — the DOT source is
    then still written beside the target as ``<file name>.dot`` — or when a PNG would be too
    large to read. No half-written file is ever left behind.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "svg").lower()
    if fmt not in FORMATS:
        raise RenderError(f"format must be one of {FORMATS}", repr(fmt), node=graph.name,
                          op="render")
    if fmt == MODEL_EXPLORER:  # a folder, not a drawing: level and direction do not apply
        from netir.renderers.model_explorer import write_model_explorer

        return write_model_explorer(graph, path)
    source = to_dot(graph, level, direction, edge_shapes)
    if fmt == "dot":
        write_atomic(path, source)
        return path
    if dot_program() is None:
        fallback = path.with_name(path.name + ".dot")  # net.svg.dot: never a sibling's
        write_atomic(fallback, source)
        raise RenderError(f"the `dot` program is not on PATH, so no {fmt.upper()} was drawn; "
                          f"the DOT source is in {fallback}; {INSTALL_DOT}", str(path),
                          node=graph.name, op="render")
    if fmt == "png":
        w, h = svg_size(run_dot(source, "svg"))
        px = (round(w * 96 / 72), round(h * 96 / 72))
        if max(px) > MAX_PNG_PIXELS:
            raise RenderError(f"a PNG of {px[0]}×{px[1]} px exceeds {MAX_PNG_PIXELS} px; "
                              "scaling it down would make its text unreadable: render SVG or "
                              "PDF, or a coarser --level", f"level={level}", node=graph.name,
                              op="render")
        data = run_dot(source, "png", ("-Gdpi=96",))
    else:
        data = run_dot(source, fmt)
    write_atomic(path, data)
    return path
