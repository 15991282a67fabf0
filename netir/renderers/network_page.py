"""One network's gallery pages, one per language, leading with the readable picture.

Order on the page: the note, the block anatomy (each block type expanded, badged),
the stage overview (its block stages link to their anatomy), the cross-backend check
with the per-node agreement diagram, the summary table, and the layer-level diagram as
a file.
"""

from __future__ import annotations

import html
from pathlib import Path

from netir.architectures import build, get_architecture
from netir.ir.errors import ResourceError
from netir.ir.files import write_atomic
from netir.ir.summary import format_shape
from netir.renderers.agreement import Agreement, agreement_dot, legend_html, run_agreement
from netir.renderers.anatomy import anatomy_dot, block_types, type_of
from netir.renderers.code_blocks import code_html, sources
from netir.renderers.diagram import render, run_dot
from netir.renderers.dot import to_dot
from netir.renderers.lang import note, words
from netir.renderers.model_explorer import model_explorer_files, model_explorer_links
from netir.renderers.site import inline_svg, page_file, page_html
from netir.renderers.styles import BADGE_COLOR
from netir.renderers.tables import summary_html
from netir.renderers.tutorial_page import tutorial_link
from netir.renderers.units import format_macs

#: Layer-level diagrams up to this many nodes are shown on the page, larger ones linked.
EMBED_LAYERS_UP_TO = 120
#: The gallery checks a network of more parameters than this at a reduced width where
#: its builder has one (half: 163M for RegNet Y-128GF and 159M for ViT-H/14, 76M and 77M
#: for ViT-L/16 and /32): the same depth, names and wiring, in a fraction of the
#: time. ``netir check NAME`` checks them at full width where the memory allows.
GALLERY_MAX_PARAMS = 200_000_000


def _anatomy_html(g, name: str, out: Path, lang: str, ui: dict) -> tuple[str, list[str]]:
    types = block_types(g)
    if not types:
        return f"<p>{html.escape(ui['no_blocks'])}</p>", []
    figures, files = [], []
    for t in types:
        source = anatomy_dot(g, t, ui, ui["diagram_font"])
        png = f"{name}.anatomy-{t.letter}.{lang}.png"
        write_atomic(out / png, run_dot(source, "png", ("-Gdpi=96",)))
        files.append(png)
        svg = run_dot(_with_id(source, f"anatomy{t.letter}"), "svg")
        figures.append(f'<figure class="anatomy" id="anatomy-{t.letter}">{inline_svg(svg)}'
                       f"<figcaption>{t.letter} · {html.escape(t.representative)} ×{t.count}"
                       f' · <a href="{png}">{ui["png"]}</a></figcaption></figure>')
    return (f"<p>{html.escape(ui['anatomy_intro'])}</p>" + "".join(figures)), files


def _with_id(source: str, graph_id: str) -> str:
    """Give a DOT graph an id, so its SVG element ids are unique on the page."""
    head, brace, rest = source.partition("{")
    return f'{head}{brace}\n\tid="{graph_id}"{rest}'


def _overview_html(g, ui: dict) -> str:
    kinds = type_of(g)

    def decorate(item) -> dict[str, str]:
        if item.category != "block":
            return {}
        letters = list(dict.fromkeys(kinds[m].letter for m in item.members if m in kinds))
        if not letters:
            return {}
        mix = ", ".join(f"{k} ×{sum(kinds[m].letter == k for m in item.members)}"
                        for k in letters)
        return {"URL": f"#anatomy-{letters[0]}", "tooltip": mix, "xlabel": mix,
                "color": BADGE_COLOR, "penwidth": "1.6"}

    source = _with_id(to_dot(g, "stage", decorate=decorate, fontname=ui["diagram_font"],
                                     words=ui["label_words"]),
                      "overview")
    return f"<p>{html.escape(ui['overview_intro'])}</p>{inline_svg(run_dot(source, 'svg'))}"


def _unchecked_text(unchecked: dict | None, ui: dict) -> str:
    if not unchecked:
        return ui["not_checked"]
    if unchecked.get("need") and unchecked.get("available"):
        return ui["too_large"].format(need=f"{unchecked['need'] / 2**30:.1f}",
                                      available=f"{unchecked['available'] / 2**30:.1f}")
    return ui["too_large_other"].format(reason=unchecked["reason"])


def _check_html(g, agreement: Agreement | None, ui: dict, unchecked: dict | None) -> str:
    if agreement is None:
        return f"<p>{html.escape(_unchecked_text(unchecked, ui))}</p>"
    rows = "".join(
        f"<tr><td>{html.escape(p.pair)}</td><td class=\"num\">{p.max_rel:.2e}</td><td>"
        f'<span class="{"pass" if p.passed else "fail"}">{"PASS" if p.passed else "FAIL"}'
        "</span></td></tr>" for p in agreement.pairs)
    intro = ui["check_intro"].format(shape=format_shape(agreement.input_shape),
                                     batch=agreement.batch, tol=agreement.tolerance)
    source = _with_id(agreement_dot(g, agreement, ui["diagram_font"], ui["label_words"]),
                      "agreement")
    if agreement.reduced:
        intro += " " + ui["reduced"].format(width=f"1/{round(1 / agreement.reduced)}",
                                            params=f"{agreement.params:,}",
                                            full=f"{g.count_params()[0]:,}",
                                            limit=f"{GALLERY_MAX_PARAMS / 1e6:,.0f}M",
                                            name=g.name)
    return (f"<p>{html.escape(intro)}</p><table><thead><tr><th>{ui['pair']}</th>"
            f"<th>{ui['max_rel']}</th><th>{ui['verdict']}</th></tr></thead><tbody>{rows}"
            f"</tbody></table><h3>{html.escape(ui['agreement'])}</h3>"
            f"<p>{html.escape(ui['agreement_intro'])}</p>{legend_html(ui['legend'])}"
            f"{inline_svg(run_dot(source, 'svg'))}")


def network_record(name: str) -> dict:
    """What the index and the charts need to know about ``name``."""
    info, g = get_architecture(name), build(name)
    acc = info.accuracy
    return {"name": name, "family": info.family, "year": info.year,
            "title": info.paper.title, "authors": info.paper.authors,
            "venue": info.paper.venue, "params": g.count_params()[0], "macs": g.count_macs(),
            "depth": g.depth(), "nodes": len(g), "input": list(g.inputs[0].shape),
            "top1": acc.top1 if acc else None, "top1_source": acc.source if acc else None}


def build_network(name: str, out: Path, langs: tuple[str, ...], primary: str,
                  check: bool, memory: int | None = None, alone: bool = True,
                  max_params: int | None = None) -> dict:
    """Write ``name``'s pages and pictures under ``out``; returns its record, with the
    check's result (``agreement``, None when not checked), why a network was too large
    to check within ``memory`` bytes (``unchecked``: the bytes needed and available) and
    the files written (``files``). Only a network built ``alone`` is checked at a
    reduced width or not at all when it does not fit; sharing the machine, the
    ResourceError goes up (:func:`netir.workers.run_all` runs it again alone). A
    network of more than ``max_params`` parameters is checked at a reduced width where
    its builder has one (:func:`netir.catalog_checks.check`)."""
    out = Path(out)
    g = build(name)
    record = network_record(name)
    agreement = unchecked = None
    if check:
        try:
            agreement = run_agreement(name, memory, reduce=alone, max_params=max_params)
        except ResourceError as e:  # the page says so; nothing is claimed
            if not alone:
                raise
            unchecked = {"need": getattr(e, "need", None),
                         "available": getattr(e, "available", None), "reason": str(e)}
    files = [f"{name}.layer.svg"]
    render(g, out / files[0], "layer")
    explorer = model_explorer_files(g, out / f"{name}.model-explorer", agreement)
    files += explorer
    texts = sources(g)
    for lang in langs:
        ui = words(lang).UI
        anatomy, pngs = _anatomy_html(g, name, out, lang, ui)
        files += pngs
        acc = (f"<p>{html.escape(ui['top1_source'].format(top1=record['top1'], source=record['top1_source']))}</p>"  # noqa: E501
               if record["top1"] is not None else "")
        numbers = ui["numbers"].format(params=f"{record['params']:,}",
                                       macs=format_macs(record["macs"]),
                                       shape=format_shape(g.inputs[0].shape), depth=g.depth())
        layers = (f'<p><a href="{files[0]}">{html.escape(ui["layers_link"].format(nodes=len(g)))}'
                  "</a></p>")
        if len(g) <= EMBED_LAYERS_UP_TO:
            layers += f'<img class="diagram" src="{files[0]}" alt="{name}" loading="lazy">'
        layers += model_explorer_links(explorer)
        code = code_html(g, name, ui, texts)
        summary = summary_html(g, "block", ui["summary_header"], ui["total"], ui["mac_note"])
        body = (f'<p><a href="{page_file("index", lang, primary)}">{ui["back"]}</a></p>'
                f"<h1>{name}</h1><p><em>{html.escape(record['title'])}</em>, "
                f"{html.escape(record['authors'])}, {html.escape(record['venue'])}.</p>"
                f"<p>{html.escape(note(lang, name, record['family']))}</p>{acc}"
                f"{tutorial_link(name)}"
                f"<p>{html.escape(numbers)}</p>"
                f"<h2>{ui['anatomy']}</h2>{anatomy}"
                f"<h2>{ui['overview']}</h2>{_overview_html(g, ui)}"
                f"<h2>{ui['check']}</h2>{_check_html(g, agreement, ui, unchecked)}"
                f"<h2>{ui['summary']}</h2>{summary}"
                f"<h2>{ui['code']}</h2>{code}"
                f"<h2>{ui['layers']}</h2>{layers}")
        page = page_file(name, lang, primary)
        write_atomic(out / page, page_html(name, body, lang, name, primary))
        files.append(page)
    record["agreement"] = agreement.as_dict() if agreement else None
    record["unchecked"] = unchecked
    record["files"] = files
    return record
