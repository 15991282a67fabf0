"""The gallery page on the tutorial's code: every variant beside its reference, in both
languages, with figures counted from the graphs, and the LeNet-5 error with its fix."""

import re

from netir.architectures import build, list_architectures
from netir.renderers.tutorial_page import DIFFERENCES, tutorial_body, tutorial_link, write_page
from netir.renderers.units import format_macs

CJK = re.compile(r"[\u4e00-\u9fff]")


def _rows(body: str) -> dict[str, list[str]]:
    rows = re.findall(r'<tr id="(\w+)">(.*?)</tr>', body)
    return {name: re.findall(r"<td[^>]*>(.*?)</td>", cells) for name, cells in rows}


def test_every_variant_sits_beside_its_reference_in_both_languages():
    rows = _rows(tutorial_body())
    assert list(rows) == list_architectures(tutorial=True)
    for name, (network, tutorial, reference, t_macs, r_macs, en, zh) in rows.items():
        assert name in network and "vs " in network
        t, r = build(name), build(name.removesuffix("_tutorial"))
        assert tutorial.startswith(f"{t.count_params()[0]:,}<br>+ {t.count_params()[1]:,}")
        assert reference.startswith(f"{r.count_params()[0]:,}<br>")
        assert (t_macs, r_macs) == (format_macs(t.count_macs()), format_macs(r.count_macs()))
        assert not CJK.search(en) and len(CJK.findall(zh)) > 30
        assert "{" not in en + zh                        # every figure was filled in


def test_the_page_names_each_difference_the_tutorial_has():
    body = tutorial_body()
    rows = _rows(body)
    assert "VGG-16" in rows["vgg19_tutorial"][5] and "2-2-3-3-3" in rows["vgg19_tutorial"][5]
    assert "138,357,544" in rows["vgg19_tutorial"][1]
    resnet = rows["resnet50_tutorial"][5]
    assert "1×1" in resnet and "bias" in resnet and "55×55" in resnet and "+26,560" in resnet
    dense = rows["densenet121_tutorial"][5]
    assert "128" in dense and "3.34 M" in dense and "7.98 M" in dense and "biases" in dense
    alex = rows["alexnet_tutorial"][5]
    assert "unpadded" in alex and "local response normalisation" in alex and "96" in alex
    assert set(DIFFERENCES) == {"AlexNet", "VGG", "ResNet", "DenseNet"}


def test_lenet5_error_and_fix_are_shown():
    body = tutorial_body()
    error = re.search(r"<pre>(.*?)</pre>", body).group(1)
    assert error.startswith("c5 (conv2d): kernel 5×5 is larger than the padded input 4×4.")
    assert "32×32" in body and "61,706" in body and "120×1×1" in body


def test_links_only_to_pages_that_exist():
    assert 'href="resnet50.html"' not in tutorial_body({"lenet5"})
    assert 'href="lenet5.html"' in tutorial_body({"lenet5"})
    assert 'href="tutorial.html#resnet50_tutorial"' in tutorial_link("resnet50")
    assert tutorial_link("lenet5") == "" and tutorial_link("vgg16") == ""


def test_write_page_links_the_network_pages_already_written(tmp_path):
    (tmp_path / "resnet50.html").write_text("<html></html>")
    assert write_page(tmp_path, lang="zh", primary="en")[0] == "tutorial.html"
    page = (tmp_path / "tutorial.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert 'href="resnet50.html"' in page and 'href="resnet101.html"' not in page
    assert write_page(tmp_path) == write_page(tmp_path)
    assert page == (tmp_path / "tutorial.html").read_text()        # deterministic
