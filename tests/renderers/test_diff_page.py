"""The gallery's diff page: ``netir diff`` on the three teaching pairs, each report as
the diff finds it, with its diagram, in English and Chinese."""

from __future__ import annotations

import html
import re

import pytest

from netir.renderers.diff_page import EXAMPLES, diagram_file, write_page


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    name, title = write_page(out)
    return out, (out / name).read_text(encoding="utf-8"), title


def _section(text: str, a: str, b: str) -> str:
    start = text.index(f'<h2 id="{a}-{b}">')
    end = text.find("<h2 ", start + 1)
    return html.unescape(text[start:end if end > 0 else None])


def test_each_pair_shows_what_distinguishes_it(page):
    _, text, title = page
    assert "逐节点对比网络" in title
    resnext = _section(text, "resnet50", "resnext50_32x4d")
    # ResNeXt-50 (32x4d) is ResNet-50 with 32-group 3x3 convolutions in its 16 bottlenecks
    assert "0 added, 0 removed, 0 renamed" in resnext
    assert "conv2d.groups 1 → 32: 16 nodes" in resnext
    tutorial = _section(text, "resnet50", "resnet50_tutorial")
    # all 53 convolutions of ResNet-50 gain a bias; the stride moves onto the 1x1 of the
    # first block of stages 2-4
    assert "conv2d.bias false → true: 53 nodes" in tutorial
    assert "conv2d.stride [1, 1] → [2, 2]: 3 nodes (layer2.0.conv1, layer3.0.conv1, " \
           "layer4.0.conv1)" in tutorial
    vgg = _section(text, "vgg16", "vgg19_tutorial")
    # VGG-16's 138,357,544 parameters (torchvision's count) on both sides
    assert "parameters 138,357,544 → 138,357,544 (+0)" in vgg
    assert len(re.findall(r"features\.\d+ → conv\d+", vgg)) == 13


def test_diagrams_are_written_and_linked(page):
    out, text, _ = page
    for a, b, *_ in EXAMPLES:
        svg = (out / diagram_file(a, b)).read_text(encoding="utf-8")
        assert svg.lstrip().startswith(("<?xml", "<svg")) and f"{a} → {b}" in svg
        assert f'href="{diagram_file(a, b)}"' in text


def test_the_page_is_the_same_bytes_every_time(page, tmp_path):
    _, text, _ = page
    write_page(tmp_path, lang="zh", primary="en")  # another language: the same page
    assert (tmp_path / "diff.html").read_text(encoding="utf-8") == text
    assert not list(tmp_path.glob("*.svg"))  # diagrams once, with the primary language


def test_the_gallery_links_the_page():
    from netir.renderers.gallery import SITE_PAGES

    assert "netir.renderers.diff_page:write_page" in SITE_PAGES
