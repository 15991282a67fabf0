"""The renderer's style table covers every op category, so no op falls back."""

import pytest

from netir.ir.registry import CATEGORIES
from netir.renderers.styles import STYLES, node_style


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_a_style(category):
    assert category in STYLES
    assert node_style(category)["fillcolor"].startswith("#")


def test_unknown_category_is_an_error_not_a_fallback():
    with pytest.raises(KeyError):
        node_style("no-such-category")
