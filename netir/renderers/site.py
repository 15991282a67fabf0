"""The gallery's page shell: style sheet, language switch, and the page's self-check.

Every page carries a small script that, after load, records in ``<body>`` whether its
images decoded (``data-images="ok:N"`` or ``"broken:N"``) and, on pages in a CJK
language, whether CJK text renders as glyphs: two different strings drawn on a canvas
in the page's font differ pixel by pixel unless both fell back to the same missing-
glyph box (``data-cjk="glyphs"`` or ``"tofu"``). A headless browser reads the verdicts
from the DOM.
"""

from __future__ import annotations

import html

from netir.renderers.lang import LANGUAGES, words

CSS = """body{font-family:Helvetica,Arial,"Noto Sans CJK SC",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
:lang(zh){font-family:"Noto Sans CJK SC","Noto Sans CJK JP",sans-serif}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}.note{color:#555;font-size:13px}
.switch{float:right;font-size:14px}.charts img{width:100%;max-width:900px;display:block;
margin:0 0 1.5em 0}.diagram{max-width:100%;height:auto;border:1px solid #eee}
figure.anatomy{display:inline-block;vertical-align:top;margin:0 1.5em 1em 0}
figure.anatomy svg{max-width:100%;height:auto}figcaption{font-size:13px;color:#555}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#b42318;font-weight:bold}
.legend .swatch{display:inline-block;padding:1px 6px;margin-right:2px;font-size:12px}
.scroll{overflow-x:auto;max-width:100%}img{max-width:100%;height:auto}
table.lineage td,table.lineage th,table.summary td{white-space:nowrap}
table.lineage summary{cursor:pointer}table.lineage details>div{white-space:normal;color:#444}
@media (max-width:600px){body{margin:1em auto}h1{font-size:1.5em}}
"""

SELF_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.body.setAttribute('data-images', bad.length ? 'broken:' + bad.length :
                             'ok:' + imgs.length);
  if (!/^(zh|ja|ko)/.test(document.documentElement.lang)) { return; }
  function ink(text) {
    var c = document.createElement('canvas'); c.width = 160; c.height = 40;
    var g = c.getContext('2d');
    g.font = '28px ' + getComputedStyle(document.body).fontFamily;
    g.fillText(text, 4, 30);
    return Array.prototype.join.call(g.getImageData(0, 0, 160, 40).data, ',');
  }
  document.body.setAttribute('data-cjk', ink('残差连接') === ink('稠密连接') ? 'tofu' : 'glyphs');
});
</script>"""


def page_file(stem: str, lang: str, primary: str) -> str:
    """``resnet50.html`` in the primary language, ``resnet50.zh.html`` in another."""
    return f"{stem}.html" if lang == primary else f"{stem}.{lang}.html"


def switch_html(stem: str, lang: str, primary: str) -> str:
    """Links to the same page in every other language."""
    links = [f'<a href="{page_file(stem, other, primary)}" hreflang="{other}">'
             f'{html.escape(words(other).UI["name"])}</a>'
             for other in LANGUAGES if other != lang]
    return f'<p class="switch">{" · ".join(links)}</p>'


def page_html(title: str, body: str, lang: str, stem: str, primary: str) -> str:
    """A complete page in ``lang`` with the switch to its other languages."""
    ui = words(lang).UI
    return (f'<!DOCTYPE html>\n<html lang="{ui["html_lang"]}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><link rel="stylesheet" href="style.css">'
            f"</head><body>\n{switch_html(stem, lang, primary)}\n{body}\n{SELF_CHECK}\n"
            "</body></html>\n")


def inline_svg(svg: bytes | str) -> str:
    """Graphviz SVG for embedding in HTML: the XML prolog and doctype dropped."""
    text = svg.decode() if isinstance(svg, bytes) else svg
    return text[text.index("<svg"):]
