"""The README's lineage table is generated from the catalog and cannot fall behind it."""

import re
from pathlib import Path

import pytest

from netir import RenderError
from netir.architectures import get_architecture, list_architectures
from netir.renderers.lang import words
from netir.renderers.lineage import END, START, lineage_markdown, with_lineage_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_holds_the_current_lineage_table():
    text = README.read_text(encoding="utf-8")
    assert text == with_lineage_table(text), \
        "README.md's lineage table is stale: run python -m netir.renderers.lineage README.md"


def test_every_network_sits_in_its_family_row_once():
    rows = [line.split(" | ") for line in lineage_markdown().splitlines()[2:]]
    seen = []
    for family, years, introduced, names in rows:
        family = family.lstrip("| ")
        members = re.findall(r"`([^`]+)`", names)
        assert {get_architecture(n).family for n in members} == {family}
        assert years == ", ".join(sorted({str(get_architecture(n).year) for n in members}))
        assert introduced == words("en").FAMILY[family]
        seen += members
    assert sorted(seen) == sorted(list_architectures())
    assert len(rows) == len({get_architecture(n).family for n in seen})


def test_the_table_is_replaced_between_its_markers_only():
    text = f"before\n{START}\nold rows\n{END}\nafter\n"
    new = with_lineage_table(text)
    assert new.startswith(f"before\n{START}\n| family |") and new.endswith(f"{END}\nafter\n")
    assert "old rows" not in new and with_lineage_table(new) == new
    with pytest.raises(RenderError, match="markers"):
        with_lineage_table(f"{END}\n{START}\n")
