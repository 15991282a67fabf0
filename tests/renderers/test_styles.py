"""The renderer's style table covers every op category, so no op falls back."""

import pytest

from netir.ir.errors import NetIRError, RenderError
from netir.ir.registry import CATEGORIES
from netir.renderers.styles import STYLES, node_style


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_a_style(category):
    assert category in STYLES
    assert node_style(category)["fillcolor"].startswith("#")


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
