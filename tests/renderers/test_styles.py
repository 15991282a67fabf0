"""Every op category is drawn in its own style, and none falls back to a default look."""

import re

import pytest

from netir.ir.errors import NetIRError, RenderError
from netir.ir.graph import Graph
from netir.ir.registry import get_op, list_ops
from netir.renderers.styles import STYLES, node_style

pytest.importorskip("graphviz")


def _one_of_each_category() -> Graph:
    g = Graph("categories")
    x = g.input((3, 8, 8), name="x")
    x = g.conv2d(g.zero_pad2d(x, 1, name="pad"), 4, 3, name="conv")
    x = g.batch_norm(x, name="bn")
    x = g.add(g.relu(x, name="act"), x, name="sum")
    x = g.dropout(g.max_pool2d(x, 2, name="pool"), 0.1, name="drop")
    g.dense(g.flatten(x, name="flat"), 2, name="fc")
    return g


def _drawn(dot: str) -> dict[str, dict[str, str]]:
    """Node name (a label's first line) -> its Graphviz attributes, from DOT source."""
    drawn = {}
    for label, attrs in re.findall(r'\bn\d+ \[label="([^"]*)"([^\]]*)\]', dot):
        drawn[label.splitlines()[0]] = dict(re.findall(r'(\w+)="?([^"\s]+)"?', attrs))
    return drawn


def test_every_category_a_registered_op_declares_is_drawn_in_its_style():
    from netir.renderers.dot import to_dot

    g = _one_of_each_category()
    declared = {get_op(op).category for op in list_ops()}
    assert {n.spec.category for n in g.nodes} == declared  # the graph covers them all
    drawn = _drawn(to_dot(g, level="layer"))
    assert sorted(drawn) == sorted(n.name for n in g.nodes)
    for n in g.nodes:
        want = node_style(n.spec.category, n.name)
        assert drawn[n.name]["fillcolor"] == want["fillcolor"], n.name
        assert drawn[n.name]["shape"] == want["shape"], n.name


def test_the_categories_a_reader_tells_apart_look_different():
    """Convolutions, dense layers, norms, activations, pools, merges and the inputs each
    have a fill colour of their own (padding and regularization may share a quiet one)."""
    apart = ["io", "conv", "dense", "norm", "activation", "pool", "merge"]
    looks = {c: node_style(c)["fillcolor"] for c in apart}
    assert len(set(looks.values())) == len(apart), looks
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in looks.values())


def test_unknown_category_is_an_error_not_a_fallback():
    with pytest.raises(RenderError) as caught:
        node_style("no-such-category", "stem.conv")
    assert isinstance(caught.value, NetIRError)
    message = str(caught.value)
    assert message.startswith("stem.conv (render): ")
    assert "'no-such-category'" in message


def test_a_diagram_of_a_node_without_a_style_names_the_node(monkeypatch):
    import netir
    from netir.renderers import styles
    from netir.renderers.dot import to_dot

    g = netir.Graph("tiny")
    g.relu(g.conv2d(g.input((3, 8, 8)), 4, kernel=3, name="conv"), name="act")
    monkeypatch.setattr(styles, "STYLES", {k: v for k, v in STYLES.items() if k != "activation"})
    with pytest.raises(RenderError, match=r"^act \(render\): .*'activation'"):
        to_dot(g, level="layer")
