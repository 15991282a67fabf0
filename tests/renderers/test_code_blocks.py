"""A network page's code: the builder code and every registered source, highlighted, with a
copy button whose text is the emitter's output exactly, on the English and Chinese pages."""

import html
import re

import pytest

import netir
from netir import to_source
from netir.architectures import build, list_architectures
from netir.ir.errors import GraphError, NetIRError
from netir.renderers.code_blocks import builder_code, code_html, sources
from netir.renderers.lang import words
from netir.renderers.network_page import build_network
from netir.renderers.tutorial_code import tutorial_code
from netir.renderers.tutorial_page import tutorial_body
from netir.source import _EMITTERS, list_sources, register_source

LANGS = ("en", "zh")
LISTING = re.compile(r'<details class="code" id="([^"]+)">(.*?)</details>', re.S)


def listings(page: str) -> dict[str, str]:
    return dict(LISTING.findall(page))


def plain_text(listing: str) -> str:
    """What the copy button copies: the hidden <pre>'s text content."""
    body = re.search(r'<pre class="plain" hidden>(.*?)</pre>', listing, re.S).group(1)
    return html.unescape(body)


@pytest.fixture
def fake_source():
    """A plugin source emitter, registered for one test: its listing must appear too."""
    register_source("fakelang", lambda g, outputs: f"# fake model of {g.name}\nx = 1 < 2\n")
    yield "fakelang"
    _EMITTERS.pop("fakelang")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("code")
    build_network("lenet5", out, LANGS, "en", check=False)
    return {lang: (out / ("lenet5.html" if lang == "en" else "lenet5.zh.html")).read_text()
            for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_page_shows_every_registered_source_with_its_exact_text(pages, lang):
    found = listings(pages[lang])
    g = build("lenet5")
    assert set(found) == {"code-builder"} | {f"code-{b}" for b in list_sources()}
    for backend in list_sources():
        listing = found[f"code-{backend}"]
        assert plain_text(listing) == to_source(g, backend)
        assert 'class="hl"' in listing                      # pygments' markup
        assert '<span class="k">' in listing or '<span class="kn">' in listing
        assert 'onclick="netirCopy(this)"' in listing
        assert words(lang).UI["copy"] in listing
    assert "function netirCopy" in pages[lang]


def test_builder_listing_is_the_family_function_that_defines_the_network():
    g = build("resnet50")
    text = builder_code("resnet50")
    assert text.startswith("# resnet50 = resnet('resnet50', ")
    assert "def resnet(" in text
    page = code_html(g, "resnet50", words("en").UI)
    assert plain_text(listings(page)["code-builder"]) == text


def test_a_plugin_source_gets_its_listing(fake_source):
    g = build("lenet5")
    page = code_html(g, "lenet5", words("zh").UI)
    listing = listings(page)["code-fakelang"]
    assert plain_text(listing) == "# fake model of lenet5\nx = 1 < 2\n"
    assert "1 < 2" not in listing                             # escaped everywhere
    assert "生成的 fakelang 源代码" in listing


def test_no_code_text_reaches_the_page_unescaped():
    """Names cannot hold markup (the graph refuses them), but code can: a string or a
    comment holding ``</script>`` is escaped in the highlighted and in the copied text."""
    g = netir.Graph("t")
    with pytest.raises(GraphError):
        g.relu(g.input((3, 8, 8)), name="r</script>")
    g.output(g.relu(g.input((3, 8, 8), name="x"), name="block1-0"))
    hostile = 's = "</script><img src=x onerror=alert(1)>"  # <b>&amp;\n'
    register_source("hostile", lambda graph, outputs: hostile)
    try:
        texts = sources(g)
        page = code_html(g, "lenet5", words("en").UI, texts)
    finally:
        _EMITTERS.pop("hostile")
    assert page.count("</script>") == 1                      # only the copy script's own
    assert "<img" not in page and "<b>" not in page
    for backend, text in texts.items():
        assert plain_text(listings(page)[f"code-{backend}"]) == text


def test_the_section_is_the_same_bytes_twice():
    g = build("lenet5")
    ui = words("zh").UI
    assert code_html(g, "lenet5", ui) == code_html(build("lenet5"), "lenet5", ui)


def test_an_emitter_refusing_the_graph_is_said_on_the_page():
    def refuse(graph, outputs):
        raise NetIRError("no lowering for this op", "'relu'", node="r", op="to_source")

    register_source("refuser", refuse)
    try:
        page = code_html(build("lenet5"), "lenet5", words("en").UI)
    finally:
        _EMITTERS.pop("refuser")
    assert "code-refuser" not in listings(page)
    assert "Generated refuser source: r (to_source): no lowering for this op" in page


@pytest.fixture
def keras_source():
    """The Keras source emitter: the registered one, else a stand-in registered for the test."""
    if "keras" in list_sources():
        yield
        return
    register_source("keras", lambda g, outputs: f"import keras\n# {g.name} </script>\n")
    yield
    _EMITTERS.pop("keras")


def test_tutorial_page_sets_the_tutorials_code_beside_netirs_keras_source(keras_source):
    import inspect

    from tests.architectures import tutorial_keras

    page = tutorial_body()
    found = listings(page)
    for variant in list_architectures(tutorial=True):
        ours = plain_text(found[f"netir-{variant}"])
        assert ours == to_source(build(variant), "keras")
        theirs = plain_text(found[f"tutorial-{variant}"])
        called = {"alexnet": "create_alexnet", "vgg19": "create_vgg19", "resnet": "ResNet",
                  "densenet": "create_densenet"}
        entry = next(f for k, f in called.items() if variant.startswith(k))
        assert inspect.getsource(getattr(tutorial_keras, entry)) in theirs
        if entry == "ResNet":
            for block in (tutorial_keras.identity_block, tutorial_keras.convolutional_block):
                assert inspect.getsource(block) in theirs
        assert "create_densenet" not in theirs or entry == "create_densenet"
    assert page.count("</script>") == 1
    assert tutorial_body() == page


def test_tutorial_page_says_so_when_the_tutorials_code_is_absent(tmp_path):
    assert tutorial_code("resnet50_tutorial", tmp_path / "missing.py") is None
    assert tutorial_code("no_such_variant") is None
