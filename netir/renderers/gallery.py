"""The gallery: a static site of the catalog — lineage, charts, one page per network."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from netir.architectures import build, get_architecture, list_architectures
from netir.ir.files import write_atomic
from netir.ir.summary import MAC_CONVENTION, format_shape
from netir.renderers.charts import scatter_svg
from netir.renderers.diagram import render
from netir.renderers.tables import summary_html
from netir.renderers.tutorial_page import PAGE as TUTORIAL_PAGE
from netir.renderers.tutorial_page import TITLE as TUTORIAL_TITLE
from netir.renderers.tutorial_page import tutorial_link, write_page

CSS = """body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
td:nth-child(n+4):not(:last-child){text-align:right}.note{color:#555;font-size:13px}
.charts img{margin:0 1em 1em 0}.diagram{max-width:100%;border:1px solid #eee}
.pass{color:#1a7f37}.fail{color:#b42318}
"""
# After load, the page checks its own images; tests read the verdict from the DOM.
SELF_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.body.setAttribute('data-images', bad.length ? 'broken:' + bad.length :
                             'ok:' + imgs.length);
});
</script>"""


def _gmacs(macs: int) -> str:
    return f"{macs / 1e9:.3f}" if macs >= 1e6 else f"{macs / 1e9:.6f}"


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(title)}</title><link rel="stylesheet" href="style.css">'
            f"</head><body>\n{body}\n{SELF_CHECK}\n</body></html>\n")


def build_gallery(out_dir: str | Path, names: list[str] | None = None, check: bool = True,
                  progress: Callable[[str], None] | None = None) -> Path:
    """Write the gallery to ``out_dir``; returns the index path.

    With ``check`` each network's cross-backend report (netir check at 64×64 or its
    smallest input) is shown on its page; that needs the torch and keras extras.
    """
    out = Path(out_dir)
    names = names or list_architectures()
    rows, points = [], {"params": [], "macs": [], "top1": []}
    for name in names:
        if progress:
            progress(name)
        info, g = get_architecture(name), build(name)
        trainable, _ = g.count_params()
        macs = g.count_macs()
        for level in ("block", "layer"):
            render(g, out / f"{name}.{level}.svg", level)
        report = ""
        if check:
            from netir.emitters.check import check as run_check

            r = run_check([name])[0]
            verdict = ('<span class="pass">PASS</span>' if r.passed
                       else '<span class="fail">FAIL</span>')
            report = (f"<h2>Cross-backend check</h2><p>{verdict}: PyTorch and Keras at input "
                      f"{format_shape(r.input_shape)}, batch {r.batch}; parameters "
                      f"{r.torch_params[0]:,} / {r.keras_params[0]:,}, buffers "
                      f"{r.torch_params[1]:,} / {r.keras_params[1]:,}; max |Δ| "
                      f"{r.max_abs:.2e} (relative {r.max_rel:.2e}, tolerance {r.tolerance:g})."
                      "</p>")
        paper = info.paper
        acc = (f"<p>ImageNet top-1: {info.accuracy.top1:.2f}% ({html.escape(info.accuracy.source)})"
               "</p>" if info.accuracy else "")
        body = (f'<p><a href="index.html">← lineage</a></p><h1>{name}</h1>'
                f"<p><em>{html.escape(paper.title)}</em>, {html.escape(paper.authors)}, "
                f"{html.escape(paper.venue)}.</p><p>{html.escape(info.note)}</p>{acc}"
                f"{tutorial_link(name)}"
                f"<p>{trainable:,} trainable parameters · {macs / 1e9:.3f} GMACs at "
                f"{format_shape(g.inputs[0].shape)} · depth {g.depth()}</p>{report}"
                f'<h2>Blocks</h2><img class="diagram" src="{name}.block.svg" alt="{name} blocks">'
                f'<h2>Summary</h2>{summary_html(g, "block")}'
                f'<h2>Every layer</h2><p><a href="{name}.layer.svg">{name}.layer.svg</a></p>'
                f'<img class="diagram" src="{name}.layer.svg" alt="{name} layers">')
        write_atomic(out / f"{name}.html", _page(name, body))
        rows.append(f'<tr><td><a href="{name}.html">{name}</a></td><td>{info.year}</td>'
                    f"<td>{html.escape(paper.title)}</td><td>{trainable:,}</td>"
                    f"<td>{_gmacs(macs)}</td><td>{g.depth()}</td>"
                    f"<td>{'' if not info.accuracy else f'{info.accuracy.top1:.1f}'}</td>"
                    f"<td>{html.escape(info.note.split('. ')[0].rstrip('.'))}.</td></tr>")
        points["params"].append((info.year, trainable, name))
        points["macs"].append((info.year, macs, name))
        if info.accuracy:
            points["top1"].append((info.year, info.accuracy.top1, name))
    charts = [("params", "Trainable parameters by year", "parameters", True),
              ("macs", "MACs per image by year (default input)", "MACs", True),
              ("top1", "Published ImageNet top-1 by year", "top-1 %", False)]
    imgs = []
    for key, title, label, log in charts:
        if points[key]:
            write_atomic(out / f"chart_{key}.svg", scatter_svg(title, points[key], label, log))
            imgs.append(f'<img src="chart_{key}.svg" alt="{html.escape(title)}">')
    body = ("<h1>netir gallery: the CNN lineage</h1><p>Every network built from netir's "
            "catalog, emitted to PyTorch and Keras, checked and drawn from the "
            "framework-neutral graph.</p><table><thead><tr><th>network</th><th>year</th>"
            "<th>paper</th><th>params</th><th>GMACs</th><th>depth</th><th>top-1 %</th>"
            "<th>structure</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            f'<p class="note">{html.escape(MAC_CONVENTION)} Depth counts conv and dense '
            "layers on the longest path. Top-1: torchvision's published IMAGENET1K_V1 "
            "accuracy (AlexNet-2012: the paper's ILSVRC-2010 figure); each network's page "
            'names the source.</p><div class="charts">' + "".join(imgs) + "</div>"
            f'<p><a href="{TUTORIAL_PAGE}">{html.escape(TUTORIAL_TITLE)}</a>: the seed '
            "tutorial's Keras code beside the reference networks.</p>")
    write_page(out, pages=set(names))
    write_atomic(out / "style.css", CSS)
    write_atomic(out / "index.html", _page("netir gallery", body))
    return out / "index.html"
