"""A network page's code: the netir builder that defines it and its generated source.

One ``<details>`` per listing: the builder code, then one per registered source emitter
(:func:`netir.source.list_sources`, so a plugin's appears with no edit here). Each is
highlighted by pygments (its style sheet goes once into the site's ``style.css``) and
carries its plain text in a hidden ``<pre>``, which the copy button copies: the
highlighted HTML is never what lands on the clipboard.

The builder code is the source of the function the catalog entry calls: the family
function (``resnet`` for ``resnet50``, with the entry's structure shown as the call) or,
for an entry registered as a plain function (the tutorial variants), that function.
"""

from __future__ import annotations

import html
import inspect

from netir.ir.errors import NetIRError

#: Lexer per listing: the builder is Python, as is every built-in emitter's output.
LEXERS = {"torch": "python", "keras": "python"}

COPY_SCRIPT = """<script>
function netirCopy(button) {
  var text = button.parentNode.querySelector('pre.plain').textContent;
  function done() { button.setAttribute('data-copied', 'yes');
                    button.textContent = button.getAttribute('data-done'); }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { fallback(); });
  } else { fallback(); }
  function fallback() {
    var area = document.createElement('textarea'); area.value = text;
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(area); }
    done();
  }
}
</script>"""

_CSS = """details.code{margin:.5em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .6em}
details.code summary{cursor:pointer;font-weight:bold}
details.code .hl{overflow-x:auto;max-width:100%;font-size:12px}
details.code .hl pre{margin:.4em 0;line-height:1.3}
button.copy{float:right;font-size:12px;cursor:pointer}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em}
@media (max-width:900px){.pair{grid-template-columns:minmax(0,1fr)}}
"""


def _formatter():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass="hl", nowrap=False)


def code_css() -> str:
    """The style sheet of the code listings (pygments' ``default`` style), for ``style.css``."""
    return _CSS + _formatter().get_style_defs(".hl") + "\n"


def highlight(text: str, lexer: str = "python") -> str:
    """``text`` as pygments HTML (every character of the code escaped)."""
    from pygments import highlight as run
    from pygments.lexers import get_lexer_by_name

    return run(text, get_lexer_by_name(lexer), _formatter())


def listing_html(title: str, text: str, ui: dict, block_id: str,
                 lexer: str = "python") -> str:
    """One collapsible listing: its title, a copy button, the highlighted code and the plain
    text the button copies."""
    return (f'<details class="code" id="{block_id}"><summary>{html.escape(title)}</summary>'
            f'<button type="button" class="copy" data-done="{html.escape(ui["copied"])}" '
            f'onclick="netirCopy(this)">{html.escape(ui["copy"])}</button>'
            f"{highlight(text, lexer)}"
            f'<pre class="plain" hidden>{html.escape(text, quote=False)}</pre></details>')


def builder_code(name: str) -> str:
    """The Python source that defines catalog entry ``name``: the family function with a
    first comment line giving the entry's call, or the entry's own function."""
    from netir.architectures import get_architecture

    builder = get_architecture(name).builder
    scope = inspect.getclosurevars(builder).nonlocals
    family = scope.get("family")
    if family is None:
        text = inspect.getsource(builder)
        if builder.__code__.co_name == "<lambda>":  # the function it calls holds the network
            called = [f for f in inspect.getclosurevars(builder).globals.values()
                      if inspect.isfunction(f)]
            text = f"# {name}:\n# {text.strip()}\n" + "".join(map(inspect.getsource, called))
        return text
    structure = ", ".join(getattr(s, "__name__", None) or repr(s)
                          for s in scope.get("structure", ()))
    call = f"{family.__name__}({name!r}{', ' if structure else ''}{structure}, **overrides)"
    return (f"# {name} = {call}\n# from {family.__module__}\n"
            + inspect.getsource(family))


def sources(g) -> dict[str, str | NetIRError]:
    """Each registered source emitter's file for ``g``, or the error of an emitter that
    refuses the graph (the page shows the message)."""
    from netir.source import list_sources, to_source

    out: dict[str, str | NetIRError] = {}
    for backend in list_sources():
        try:
            out[backend] = to_source(g, backend)
        except NetIRError as e:
            out[backend] = e
    return out


def code_html(g, name: str, ui: dict, texts: dict[str, str | NetIRError] | None = None) -> str:
    """The page's code section: the builder code, then every registered source
    (``texts``: :func:`sources` of ``g``, computed once for all of a page's languages)."""
    parts = [f"<p>{html.escape(ui['code_intro'])}</p>",
             listing_html(ui["builder_code"], builder_code(name), ui, "code-builder")]
    texts = sources(g) if texts is None else texts
    for backend, text in texts.items():
        title = ui["source_code"].format(backend=backend)
        if isinstance(text, NetIRError):
            parts.append(f"<p>{html.escape(title)}: {html.escape(str(text))}</p>")
        else:
            parts.append(listing_html(title, text, ui, f"code-{backend}",
                                      LEXERS.get(backend, "python")))
    return "".join(parts) + COPY_SCRIPT
