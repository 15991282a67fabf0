"""The gallery: a static site of the catalog in English and Chinese, built incrementally.

The index holds the lineage table (with the check's error per backend pair) and the
charts; each network has a page per language (see :mod:`netir.renderers.network_page`).
Networks are built in a process pool. A network is rebuilt only when its *key*
changes: a hash of its graph JSON, netir's version, the page format, the languages and
whether it is checked; the key and the network's record live in ``.netir-cache/``.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import threading
from pathlib import Path

import netir
from netir.architectures import build, list_architectures
from netir.catalog_checks import check_cost, compare_size
from netir.ir.files import write_atomic
from netir.progress import Bar
from netir.renderers.charts import ChartPoint, write_charts
from netir.renderers.code_blocks import code_css
from netir.renderers.lang import LANGUAGES, note, words
from netir.renderers.network_page import GALLERY_MAX_PARAMS, build_network, network_record
from netir.renderers.site import CSS, page_file, page_html
from netir.renderers.units import format_macs
from netir.workers import run_all

#: The idea column's preview, in columns (a CJK character takes two).
PREVIEW_COLUMNS = 48
FORMAT = 7  # the page format: part of every network's key, bumped when pages change
CACHE = ".netir-cache"
#: Extra site pages, ``"module:function"``; called as ``fn(out_dir=..., lang=...,
#: primary=...)``, returning ``(file name, link text)`` of the page it wrote, or None.
SITE_PAGES: tuple[str, ...] = ("netir.renderers.tutorial_page:write_page",
                               "netir.renderers.diff_page:write_page")


def rebuild_key(name: str, langs: tuple[str, ...], primary: str, check: bool,
                max_params: int | None = None, graph=None) -> str:
    """The hash that decides whether ``name``'s pages are current (``graph``: the
    network, when already built)."""
    graph = build(name) if graph is None else graph
    text = "\n".join([graph.to_json(), netir.__version__, str(FORMAT), ",".join(langs),
                      primary, str(check), str(max_params)])
    return hashlib.sha256(text.encode()).hexdigest()


def _cached(out: Path, name: str, key: str) -> dict | None:
    path = out / CACHE / f"{name}.json"
    try:
        entry = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    record = entry.get("record", {})
    if entry.get("key") != key or not all((out / f).is_file() for f in record.get("files", [])):
        return None
    return record


def _languages(primary: str) -> tuple[str, ...]:
    words(primary)  # raises for an unknown language
    return (primary, *(lang for lang in LANGUAGES if lang != primary))


def build_gallery(out_dir: str | Path, names: list[str] | None = None, check: bool = True,
                  lang: str = "en", jobs: int | None = None, bar: Bar | None = None,
                  max_params: int | None = GALLERY_MAX_PARAMS) -> Path:
    """Write the gallery to ``out_dir``; returns the index path.

    Every language is written; ``lang`` is the one at ``index.html`` (the others are
    ``index.<lang>.html``). ``jobs`` processes build networks in parallel (default: the
    CPUs available). With ``check`` each network is run in every backend node by node
    (needs the torch and keras extras); a network of more than ``max_params``
    parameters is checked at a reduced width where its builder has one (None: every
    network at full width where the memory allows). Raises RenderError for an unknown
    language.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = list(names or list_architectures())
    langs = _languages(lang)
    bar = bar or Bar()
    graphs = {n: build(n) for n in names}
    keys = {n: rebuild_key(n, langs, lang, check, max_params, graphs[n]) for n in names}
    records: dict[str, dict] = {}
    todo = []
    for name in names:
        record = _cached(out, name, keys[name])
        if record is None:
            todo.append(name)
        else:
            records[name] = record
            bar.done(name)
    size, cost = ((lambda n: compare_size(n, max_params=max_params)),
                  (lambda n: check_cost(n, graphs[n]))) if check else (None, None)
    charts = _Charts(out, names, langs, lang) if todo else None
    for name, record in run_all(build_network, todo, jobs=jobs, size=size, cost=cost, bar=bar,
                                op="gallery", out=out, langs=langs, primary=lang,
                                check=check, max_params=max_params):
        records[name] = _finish(out, name, keys[name], record)
    if charts is not None:
        charts.join()
    ordered = [records[n] for n in names]
    write_atomic(out / "style.css", CSS + code_css())
    for language in langs:
        _write_index(out, ordered, language, lang)
    return out / "index.html"


def _finish(out: Path, name: str, key: str, record: dict) -> dict:
    write_atomic(out / CACHE / f"{name}.json",
                 json.dumps({"key": key, "record": record}, indent=1, sort_keys=True) + "\n")
    return record


class _Charts(threading.Thread):
    """The index's charts, drawn while the workers build the networks: they need only
    what :func:`network_record` says of each network, not its check, and drawing them
    (about 8 s a language) after the last network kept one CPU busy and one idle."""

    def __init__(self, out: Path, names: list[str], langs: tuple[str, ...],
                 primary: str) -> None:
        super().__init__(name="netir-charts", daemon=True)
        self.args, self.error = (out, names, langs, primary), None
        self.start()

    def run(self) -> None:
        out, names, langs, primary = self.args
        try:
            records = [network_record(n) for n in names]
            for language in langs:
                _charts(out, records, language, primary)
        except BaseException as e:  # raised again by join, in the caller's thread
            self.error = e

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error


def _charts(out: Path, records: list[dict], lang: str, primary: str) -> list[tuple[str, str]]:
    """The index's charts, redrawn only when the points or the words changed."""
    ui = words(lang).UI
    points = [ChartPoint(r["name"], r["family"], r["year"], r["params"], r["macs"], r["top1"])
              for r in records]
    suffix = "" if lang == primary else f".{lang}"
    key = hashlib.sha256(json.dumps([repr(points), ui, FORMAT]).encode()).hexdigest()
    stamp = out / CACHE / f"charts{suffix}.json"
    try:
        entry = json.loads(stamp.read_text())
        if entry["key"] == key and all((out / f).is_file() for f, _ in entry["charts"]):
            return [tuple(c) for c in entry["charts"]]
    except (OSError, ValueError, KeyError):
        pass
    charts = write_charts(points, ui, out, suffix)
    write_atomic(stamp, json.dumps({"key": key, "charts": charts}) + "\n")
    return charts


def _pair_cells(record: dict, pairs: list[str], ui: dict) -> str:
    agreement = record["agreement"] or {}
    found = {p["pair"]: p for p in agreement.get("pairs", [])}
    reduced = agreement.get("reduced")
    note = (f'<br><small>{html.escape(ui["reduced_short"].format(width=f"1/{round(1 / reduced)}"))}'
            "</small>" if reduced else "")
    cells = []
    for pair in pairs:
        p = found.get(pair)
        if p is None:
            cells.append("<td></td>")
            continue
        verdict = "PASS" if p["passed"] else "FAIL"
        cells.append(f'<td class="num">{p["max_rel"]:.1e} '
                     f'<span class="{verdict.lower()}">{verdict}</span>{note}</td>')
    return "".join(cells)


def _site_pages(out: Path, lang: str, primary: str) -> str:
    links = []
    for entry in SITE_PAGES:
        module, _, func = entry.partition(":")
        made = getattr(importlib.import_module(module), func)(out_dir=out, lang=lang,
                                                               primary=primary)
        if made:
            links.append(f'<a href="{made[0]}">{html.escape(made[1])}</a>')
    return f"<p>{' · '.join(links)}</p>" if links else ""


def _columns(text: str) -> int:
    """Display width in columns: a CJK character takes two."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def idea_preview(text: str, width: int = PREVIEW_COLUMNS) -> str:
    """``text`` cut to ``width`` columns, at a word boundary where it has spaces, with
    ``…`` where cut; the whole of it when it fits."""
    if _columns(text) <= width:
        return text
    cut, used = 0, 1  # the ellipsis takes a column
    for i, c in enumerate(text):
        used += _columns(c)
        if used > width:
            break
        cut = i + 1
    head = text[:cut]
    if " " in head and not text[cut].isspace():
        head = head[:head.rindex(" ")]
    return head.rstrip(" ,;:，；：、") + "…"


def _idea_cell(idea: str, lang: str) -> str:
    """The first sentence's preview on one line; the whole note on demand."""
    end = words(lang).UI["sentence_end"]
    first = idea.split(end)[0].rstrip(end.strip()) + end.strip()
    preview = idea_preview(first)
    if preview == idea:
        return f'<td class="idea">{html.escape(idea)}</td>'
    return (f'<td class="idea"><details><summary>{html.escape(preview)}</summary>'
            f"<div>{html.escape(idea)}</div></details></td>")


def lineage_table(records: list[dict], lang: str, primary: str) -> str:
    """The index's table, a row per network; every column but the idea's stays on one
    line (the check's cells on two when checked at a reduced width), the idea shows
    its first words and opens on demand, and the table scrolls sideways on a narrow
    screen."""
    ui = words(lang).UI
    pairs = list(dict.fromkeys(p["pair"] for r in records
                               for p in (r["agreement"] or {}).get("pairs", [])))
    head = [ui[k] for k in ("network", "year", "family", "params", "macs", "depth", "top1")]
    rows = []
    for r in records:
        top1 = "" if r["top1"] is None else f"{r['top1']:.1f}"
        rows.append(
            f'<tr><td><a href="{page_file(r["name"], lang, primary)}">{r["name"]}</a></td>'
            f'<td>{r["year"]}</td><td>{html.escape(r["family"])}</td>'
            f'<td class="num">{r["params"]:,}</td><td class="num">{format_macs(r["macs"])}</td>'
            f'<td class="num">{r["depth"]}</td><td class="num">{top1}</td>'
            f"{_pair_cells(r, pairs, ui)}{_idea_cell(note(lang, r['name'], r['family']), lang)}"
            "</tr>")
    head_html = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    head_html += "".join(f'<th title="{html.escape(ui["check_cols"])}">{html.escape(p)}</th>'
                         for p in pairs)
    return (f'<div class="scroll"><table class="lineage"><thead><tr>{head_html}'
            f"<th>{html.escape(ui['idea'])}</th></tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>"
            + (f'<p class="note">{html.escape(ui["check_cols"])}.</p>' if pairs else ""))


def _write_index(out: Path, records: list[dict], lang: str, primary: str) -> None:
    ui = words(lang).UI
    charts = [f'<div class="charts"><a href="{f}"><img src="{f}" alt="{html.escape(t)}">'
              "</a></div>" for f, t in _charts(out, records, lang, primary)]
    body = (f"<h1>{html.escape(ui['site_title'])}</h1><p>{html.escape(ui['intro'])}</p>"
            f"{_site_pages(out, lang, primary)}"
            f"{''.join(charts[:1])}{lineage_table(records, lang, primary)}"
            f'<p class="note">{html.escape(ui["index_note"])}</p>'
            f'<p class="note">{html.escape(ui["chart_hover"])}</p>'
            f"<h2>{html.escape(ui['charts'])}</h2>{''.join(charts[1:])}")
    write_atomic(out / page_file("index", lang, primary),
                 page_html(ui["site_title"], body, lang, "index", primary))
