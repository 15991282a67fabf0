"""Charts: labels that never overlap, every point named on hover, log axes with the
magnitude on their ticks, legible fonts in both languages, same bytes twice."""

import re

import pytest

from netir.architectures import get_architecture, list_architectures
from netir.renderers.charts import (
    ChartPoint,
    bubble_chart,
    bubble_figure,
    chart_style,
    family_colors,
    text_extent,
    year_chart,
    year_figure,
)
from netir.renderers.lang import words

pytest.importorskip("matplotlib")

POINTS = [ChartPoint(n, i.family, i.year, i.params, i.macs, i.accuracy and i.accuracy.top1)
          for n, i in ((n, get_architecture(n)) for n in list_architectures())]


@pytest.fixture(scope="module")
def bubble_en():
    return bubble_chart(POINTS, words("en").UI)


@pytest.fixture(scope="module")
def params_en():
    return year_chart(POINTS, "params", words("en").UI)


def _texts(svg: bytes) -> list[str]:
    """matplotlib writes each text (drawn as glyph paths) after a comment with its string."""
    return re.findall(r"<!-- (.*?) -->", svg.decode())


def _titles(svg: bytes) -> list[str]:
    return re.findall(r"<title>(.*?)</title>", svg.decode())


def test_bubble_chart_names_every_point_with_an_accuracy_on_hover(bubble_en):
    texts, titles = _texts(bubble_en), _titles(bubble_en)
    with_top1 = [p for p in POINTS if p.top1 is not None]
    assert len(titles) == len(with_top1)
    assert {t.split(" (")[0] for t in titles} == {p.name for p in with_top1}
    resnet50 = next(t for t in titles if t.startswith("resnet50 ("))
    assert resnet50 == "resnet50 (2015) · 25.6M params · 4.1 G MACs · top-1 76.1%"
    named = set(texts) & {p.name for p in POINTS}
    assert named and len(named) >= len(with_top1) // 3  # a readable subset is named
    assert "lenet5" not in texts  # no published ImageNet top-1
    assert "MACs per image (log scale)" in texts
    assert {"100 M", "1 G", "2 G", "5 G", "10 G"} <= set(texts)  # log x, magnitude on ticks


def test_year_charts_are_logarithmic_and_labelled(params_en):
    macs = year_chart(POINTS, "macs", words("en").UI)
    for svg, decades in ((params_en, {"100k", "1M", "10M", "100M"}),
                         (macs, {"0.1 M", "1 M", "10 M", "100 M", "1 G", "10 G"})):
        texts = _texts(svg)
        assert {t.split(" (")[0] for t in _titles(svg)} == {p.name for p in POINTS}
        assert decades <= set(texts)
        assert {str(p.year) for p in POINTS} <= set(texts)
    lenet5 = next(t for t in _titles(macs) if t.startswith("lenet5 ("))
    assert lenet5 == "lenet5 (1998) · 61.7k params · 0.42 M MACs"  # 416,520 MACs


def _figure(chart: str, ui: dict):
    return bubble_figure(POINTS, ui) if chart == "top1" else year_figure(POINTS, chart, ui)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("chart", ["top1", "params", "macs"])
def test_no_two_labels_overlap_and_each_stays_in_the_plot(chart, lang):
    with chart_style():
        fig, shown = _figure(chart, words(lang).UI)
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label")]
        assert len(labels) >= len(shown) // 3  # a readable subset is named
        boxes = [text_extent(t, renderer) for t in labels]
        frame, legend = ax.get_window_extent(renderer), ax.get_legend().get_window_extent(renderer)
        for i, a in enumerate(boxes):
            assert a.width > 0 and a.height > 0
            assert (frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0
                    and a.y1 <= frame.y1), labels[i].get_text()
            assert not a.overlaps(legend), labels[i].get_text()
            for j in range(i):
                assert not a.overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
        for i, label in enumerate(labels):  # a leader line crosses no other label
            if label.arrow_patch is not None:
                line = label.arrow_patch.get_window_extent(renderer)
                for j, b in enumerate(boxes):
                    assert j == i or not line.overlaps(b), (label.get_text(),
                                                            labels[j].get_text())


def test_charts_are_byte_identical_run_to_run(bubble_en, params_en):
    ui = words("en").UI
    assert bubble_chart(POINTS, ui) == bubble_en
    assert year_chart(POINTS, "params", ui) == params_en
    assert b"<dc:date>" not in params_en


def test_chinese_chart_draws_cjk_glyphs_from_a_cjk_font():
    ui = words("zh").UI
    svg = bubble_chart(POINTS, ui)
    assert ui["chart_bubble"] in _texts(svg)
    glyph_fonts = set(re.findall(r'<path id="([A-Za-z-]+)-[0-9a-f]+"', svg.decode()))
    assert any("CJK" in f for f in glyph_fonts), glyph_fonts


def test_families_keep_their_colour_across_charts():
    colors = family_colors(POINTS)
    assert len(set(colors.values())) == len(colors) == len({p.family for p in POINTS})
    assert list(colors)[0] == POINTS[0].family
