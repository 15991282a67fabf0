"""Charts: every point named, log axes, legible fonts in both languages, same bytes twice."""

import re

import pytest

from netir.architectures import get_architecture, list_architectures
from netir.renderers.charts import ChartPoint, bubble_chart, family_colors, year_chart
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


def test_bubble_chart_names_every_point_with_an_accuracy(bubble_en):
    texts = _texts(bubble_en)
    named = {p.name for p in POINTS if p.top1 is not None}
    assert named and named <= set(texts)
    assert "lenet5" not in texts  # no published ImageNet top-1
    assert "GMACs per image (log scale)" in texts
    assert {"1", "2", "5", "10"} <= set(texts)  # a logarithmic x axis, plain tick labels


def test_year_charts_are_logarithmic_and_labelled(params_en):
    macs = year_chart(POINTS, "macs", words("en").UI)
    for svg, decades in ((params_en, {"100k", "1M", "10M", "100M"}),
                         (macs, {"0.001", "0.01", "0.1", "1", "10"})):
        texts = _texts(svg)
        assert {p.name for p in POINTS} <= set(texts)
        assert decades <= set(texts)
        assert {str(p.year) for p in POINTS} <= set(texts)


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
