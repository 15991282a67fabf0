"""The gallery: well-formed pages in both languages, links that resolve, the readable
picture first, the check's numbers shown, incremental and parallel builds."""

import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from netir.architectures import build, get_architecture, list_architectures
from netir.cli import main
from netir.ir.errors import ResourceError
from netir.renderers import gallery as gallery_module
from netir.renderers.gallery import build_gallery
from netir.renderers.lang import LANGUAGES, words
from netir.renderers.styles import ERROR_BANDS
from tests.renderers.conftest import GALLERY_NAMES as NAMES


class _Page(HTMLParser):
    """Collects references, ids and the order of headings and inline SVGs."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids, self.stack, self.order = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "xlink:href"):
            if key in a:
                self.refs.append(a[key])
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("h2", "svg", "img"):
            self.order.append(tag)
        if tag not in ("meta", "link", "img", "br"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in ("svg", "img"):
            self.order.append(tag)
        for key in ("href", "src", "xlink:href"):
            if key in dict(attrs):
                self.refs.append(dict(attrs)[key])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def _parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text())
    return page


def test_every_page_is_well_formed_in_both_languages_and_links_resolve(site):
    pages = sorted(p.name for p in site.glob("*.html"))
    expected = [f"{stem}.html" for stem in ["index", "tutorial", "diff", *NAMES]]
    expected += [f"{stem}.zh.html" for stem in ["index", *NAMES]]
    assert pages == sorted(expected)
    for name in pages:
        page = _parse(site / name)
        assert page.stack == []
        for ref in page.refs:
            target, _, fragment = ref.partition("#")
            assert (site / (target or name)).is_file(), f"{name} -> {ref}"
            if fragment:
                assert fragment in _parse(site / (target or name)).ids, f"{name} -> {ref}"


def test_index_shows_counts_charts_and_the_error_per_backend_pair(site):
    index = (site / "index.html").read_text()
    assert "11,689,512" in index and "7,978,856" in index and "FLOPs = 2 × MACs" in index
    pairs = re.findall(r">(\w+/reference)</th>", index)   # each backend against the reference
    assert {"torch/reference", "keras/reference"} <= set(pairs)
    cells = re.findall(r'<td class="num">(\d\.\de[-+]\d\d) <span class="pass">PASS</span>', index)
    assert len(cells) == len(NAMES) * len(pairs) and all(float(c) < 1e-4 for c in cells)
    charts = re.findall(r'<img src="(chart_\w+\.svg)"', index)
    assert charts == ["chart_top1.svg", "chart_params.svg", "chart_macs.svg"]
    assert 'href="index.zh.html"' in index and 'href="tutorial.html"' in index \
        and 'href="diff.html"' in index


def test_network_page_leads_with_the_block_anatomy(site):
    page = (site / "resnet18.html").read_text()
    parsed = _parse(site / "resnet18.html")
    assert parsed.order[:3] == ["h2", "svg", "svg"]  # anatomy heading, then types A and B
    anatomy = page[page.index("<h2>Block anatomy"):page.index("<h2>Overview")]
    assert "×5" in anatomy and "×3" in anatomy and "downsample.0" in anatomy
    overview = page[page.index("<h2>Overview"):page.index("<h2>Cross-backend")]
    assert 'xlink:href="#anatomy-A"' in overview and 'xlink:href="#anatomy-B"' in overview
    assert "Deep residual learning" in page


def test_plain_stack_says_it_has_no_blocks(site):
    assert words("en").UI["no_blocks"] in (site / "lenet5.html").read_text()


def test_page_shows_the_check_and_colours_nodes_by_error(site):
    page = (site / "densenet121.html").read_text()
    check = page[page.index("<h2>Cross-backend"):page.index("<h2>Summary")]
    assert re.search(r"<td>torch/reference</td><td class=\"num\">\d\.\d\de-\d\d</td>"
                     r'<td><span class="pass">PASS</span>', check)
    fills = set(re.findall(r'<path fill="(#[0-9a-f]{6})"', check))
    assert fills & {color for _, color in ERROR_BANDS}
    assert "input 3×64×64, batch 2" in check  # the checked input is stated


def test_network_page_links_to_its_tutorial_variant(site):
    for page in ("densenet121.html", "densenet121.zh.html"):
        assert 'href="tutorial.html#densenet121_tutorial"' in (site / page).read_text()
    assert "tutorial.html#" not in (site / "resnet18.html").read_text()  # has no variant


def test_chinese_pages_are_chinese(site):
    page = (site / "resnet18.zh.html").read_text()
    assert '<html lang="zh-CN">' in page
    assert "残差连接" in page and "模块结构" in page and "输入" in page
    summary = page[page.index("<h2>汇总"):]
    assert "<th>参数量</th><th>缓冲区</th>" in summary and "<td>合计</td>" in summary
    assert "buffers" not in summary and "multiply-accumulates" not in summary
    overview = page[page.index("<h2>按阶段总览"):page.index("<h2>跨后端")]
    assert "个模块：" in overview and " 参数" in overview
    assert "blocks:" not in overview and " params" not in overview
    english = (site / "resnet18.html").read_text()
    assert "<th>params</th><th>buffers</th>" in english and "blocks:" in english
    assert 'href="resnet18.html"' in page  # the switch back to English
    index = (site / "index.zh.html").read_text()
    assert "卷积神经网络的演进" in index and 'src="chart_top1.zh.svg"' in index


def test_every_network_has_notes_in_every_language():
    for lang in LANGUAGES:
        data = words(lang)
        assert set(data.UI) == set(words("en").UI)
        for name in list_architectures():
            assert name in data.VARIANT, (lang, name)
            assert get_architecture(name).family in data.FAMILY, (lang, name)


def test_unchanged_networks_are_not_rebuilt(site, monkeypatch):
    before = {p.name: p.read_bytes() for p in site.glob("*.*") if p.is_file()}

    def fail(name, *args, **kwargs):
        raise AssertionError(f"{name} was rebuilt")

    monkeypatch.setattr(gallery_module, "build_network", fail)
    build_gallery(site, NAMES, check=True, jobs=1)
    assert {p.name: p.read_bytes() for p in site.glob("*.*") if p.is_file()} == before
    with pytest.raises(AssertionError, match="lenet5 was rebuilt"):
        build_gallery(site, NAMES, check=False, jobs=1)  # another key


def test_parallel_build_writes_the_same_site_as_a_serial_one(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build_gallery(serial, ["lenet5", "alexnet"], check=False, jobs=1)
    build_gallery(parallel, ["lenet5", "alexnet"], check=False, jobs=2)
    files = sorted(p.name for p in serial.iterdir() if p.is_file())
    assert files == sorted(p.name for p in parallel.iterdir() if p.is_file())
    for name in files:
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_cli_lang_chooses_the_index_language(tmp_path):
    result = CliRunner().invoke(main, ["gallery", "-o", str(tmp_path), "--no-check",
                                       "--lang", "zh", "--jobs", "1", "lenet5"])
    assert result.exit_code == 0, result.output
    assert '<html lang="zh-CN">' in (tmp_path / "index.html").read_text()
    assert '<html lang="en">' in (tmp_path / "index.en.html").read_text()
    bad = CliRunner().invoke(main, ["gallery", "-o", str(tmp_path), "--lang", "fr"])
    assert bad.exit_code == 2


def test_a_network_too_large_to_check_says_so_on_its_page(tmp_path):
    from netir.renderers.network_page import build_network

    record = build_network("lenet5", tmp_path, ("en", "zh"), "en", check=True, memory=10**5)
    unchecked = record["unchecked"]
    assert record["agreement"] is None and "copies of its parameters" in unchecked["reason"]
    assert unchecked["need"] > unchecked["available"] == 10**5
    page = (tmp_path / "lenet5.html").read_text()
    assert "Not checked on this machine: comparing it needs about" in page
    assert "PASS" not in page
    zh = (tmp_path / "lenet5.zh.html").read_text()
    # the Chinese page says it in Chinese: no English error text
    assert "本机未检查：比较它约需" in zh and "copies" not in zh and "available" not in zh


def test_a_network_too_large_for_the_machine_is_checked_narrower_and_says_so(tmp_path):
    from netir.renderers.network_page import build_network

    # regnet_x_400mf needs about 0.2 GB to compare at full width, 0.06 GB at half
    record = build_network("regnet_x_400mf", tmp_path, ("en", "zh"), "en", check=True,
                           memory=100_000_000)
    agreement = record["agreement"]
    assert agreement["reduced"] == 0.5 and agreement["passed"]
    assert agreement["params"] == build("regnet_x_400mf", width_mult=0.5).count_params()[0]
    assert agreement["params"] < record["params"] / 3
    page = (tmp_path / "regnet_x_400mf.html").read_text()
    assert f"Checked at 1/2 of the catalog&#x27;s width ({agreement['params']:,} parameters " \
           f"instead of {record['params']:,})" in page
    assert "按目录宽度的 1/2 检查" in (tmp_path / "regnet_x_400mf.zh.html").read_text()
    # sharing the machine it is not narrowed: the error goes up, to be run alone
    with pytest.raises(ResourceError):
        build_network("regnet_x_400mf", tmp_path, ("en",), "en", check=True,
                      memory=100_000_000, alone=False)


def test_the_gallerys_parameter_budget_narrows_only_networks_with_a_width_knob(tmp_path):
    from netir.catalog_checks import check, compare_size
    from netir.emitters.compare_memory import compare_bytes
    from netir.renderers.network_page import build_network

    half = sum(build("regnet_x_400mf", width_mult=0.5).count_params())
    full = sum(build("regnet_x_400mf").count_params())
    budget = (half + full) // 2
    # the width is the first reduced one within the budget, and the size estimate agrees
    assert compare_size("regnet_x_400mf", 4, max_params=budget) == compare_bytes(half, 0, 4)
    assert compare_size("regnet_x_400mf", 4) > 2 * compare_bytes(half, 0, 4)
    record = build_network("regnet_x_400mf", tmp_path, ("en", "zh"), "en", check=True,
                           max_params=budget)
    assert record["agreement"]["reduced"] == 0.5 and record["agreement"]["passed"]
    page = (tmp_path / "regnet_x_400mf.html").read_text()
    assert "The gallery checks a network of more than 200M parameters so" in page
    assert "netir check regnet_x_400mf" in page
    assert "画廊对参数超过 200M 的网络这样检查" in (tmp_path / "regnet_x_400mf.zh.html").read_text()
    # a network with no width knob is checked whole, whatever the budget
    (lenet,) = check(["lenet5"], max_params=1000)
    assert lenet.reduced is None and lenet.passed
