"""Block anatomy: block types by wiring, badges, bypass and shortcut edges, from the IR."""

import re

import pytest

import netir
from netir.renderers.anatomy import anatomy_dot, block_types, bypass_edges, shortcut_edges, where
from netir.renderers.lang import words
from netir.renderers.styles import BYPASS_EDGE_ATTRS

UI = words("en").UI


def _bold_edges(dot: str) -> set[tuple[str, str]]:
    color = BYPASS_EDGE_ATTRS["color"]
    return {(a, b) for a, b in re.findall(rf'^\s*(\w+) -> (\w+) \[[^\]]*color="{color}"', dot,
                                          flags=re.M)}


def _names(dot: str) -> dict[str, str]:
    """DOT node id -> first line of its label."""
    return {i: label.splitlines()[0]
            for i, label in re.findall(r'^\s*(\w+) \[label="([^"]*)"', dot, flags=re.M)}


@pytest.mark.parametrize(("name", "expected"), [
    ("resnet18", [("layer1.0", 5), ("layer2.0", 3)]),
    ("resnet50", [("layer1.0", 4), ("layer1.1", 12)]),
    ("resnet152", [("layer1.0", 4), ("layer1.1", 46)]),
    ("densenet121", [("features.denseblock1.denselayer1", 58), ("features.transition1", 3)]),
    ("vgg16", []),
])
def test_block_types_group_by_wiring_not_width(name, expected):
    types = block_types(netir.build(name))
    assert [(t.representative, t.count) for t in types] == expected
    assert [t.letter for t in types] == ["A", "B"][:len(types)]


def test_identity_block_draws_its_skip_edge_bold_and_badged():
    g = netir.build("resnet50")
    dot = anatomy_dot(g, block_types(g)[1], UI)
    names = _names(dot)
    assert "×12" in dot and "layer1.1–2, layer2.1–3, layer3.1–5, layer4.1–2" in dot
    assert {(names[a], names[b]) for a, b in _bold_edges(dot)} == {("input", "add")}


def test_projection_block_draws_the_whole_shortcut_branch():
    g = netir.build("resnet50")
    dot = anatomy_dot(g, block_types(g)[0], UI)
    names = _names(dot)
    assert {(names[a], names[b]) for a, b in _bold_edges(dot)} == {
        ("input", "downsample.0"), ("downsample.0", "downsample.1"), ("downsample.1", "add")}
    assert "×4" in dot


def test_dense_layer_draws_the_carried_input_into_concat():
    g = netir.build("densenet121")
    dense, transition = block_types(g)
    dot = anatomy_dot(g, dense, UI)
    names = _names(dot)
    assert {(names[a], names[b]) for a, b in _bold_edges(dot)} == {("input", "concat")}
    assert "×58" in dot and "denseblock3.denselayer1–24" in dot
    assert _bold_edges(anatomy_dot(g, transition, UI)) == set()


def test_chinese_words_and_font_reach_the_diagram():
    g = netir.build("resnet18")
    ui = words("zh").UI
    dot = anatomy_dot(g, block_types(g)[0], ui, ui["diagram_font"])
    assert "输入" in dot and "输出" in dot and "实例" in dot
    assert 'fontname="Noto Sans CJK SC"' in dot


def test_edge_rules_on_plain_graphs():
    chain = [("x", "a"), ("a", "b"), ("b", "m"), ("x", "m")]
    assert bypass_edges(chain) == {("x", "m")}
    branches = [("x", "a"), ("a", "b"), ("b", "m"), ("x", "p"), ("p", "m")]
    assert bypass_edges(branches) == set()
    assert shortcut_edges(branches, {"m"}) == {("x", "p"), ("p", "m")}


def test_where_groups_runs():
    assert where(["a.b1.c1", "a.b1.c2", "a.b2.c1"]) == "b1.c1–2, b2.c1"
    assert where(["layer1.0"]) == "layer1.0"
