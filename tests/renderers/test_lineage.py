"""The lineage tables (the full one in docs/catalog.md, the compact one in the README) are
generated from the catalog and cannot fall behind it."""

import re
from pathlib import Path

import pytest

from netir import RenderError
from netir.architectures import get_architecture, list_architectures
from netir.renderers.lang import words
from netir.renderers.lineage import (
    COMPACT_END,
    COMPACT_START,
    END,
    START,
    compact_lineage_markdown,
    lineage_markdown,
    with_lineage_table,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page, marker", [("README.md", COMPACT_START),
                                          ("docs/catalog.md", START)])
def test_the_docs_hold_the_current_lineage_tables(page, marker):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert marker in text
    assert text == with_lineage_table(text), \
        f"{page}'s lineage table is stale: run python -m netir.renderers.lineage " \
        "README.md docs/catalog.md"


def test_the_compact_table_names_every_network_once_in_its_family_row():
    rows = [line.strip("| ").split(" | ") for line in
            compact_lineage_markdown().splitlines()[2:]]
    full = [line.split(" | ") for line in lineage_markdown().splitlines()[2:]]
    assert [r[:2] for r in rows] == [[f[0].lstrip("| "), f[1]] for f in full]
    members = [n for r in rows if "**not yet**" not in r[2]
               for n in re.findall(r"`([^`]+)`", r[2])]
    assert sorted(members) == sorted(list_architectures())
    for family, _, names in rows:
        if "**not yet**" not in names:
            assert {get_architecture(n).family for n in re.findall(r"`([^`]+)`", names)} \
                == {family}


def test_every_network_sits_in_its_family_row_once():
    rows = [line.split(" | ") for line in lineage_markdown().splitlines()[2:]
            if "**not yet**" not in line]
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
    with pytest.raises(RenderError, match="markers are missing"):
        with_lineage_table("no table here\n")


def test_a_page_may_hold_both_tables_each_between_its_own_markers():
    text = f"{COMPACT_START}\nold\n{COMPACT_END}\nmiddle\n{START}\nold\n{END}\n"
    new = with_lineage_table(text)
    assert new == (f"{COMPACT_START}\n{compact_lineage_markdown()}{COMPACT_END}\nmiddle\n"
                   f"{START}\n{lineage_markdown()}{END}\n")
    with pytest.raises(RenderError, match="markers"):
        with_lineage_table(f"{COMPACT_START}\nrows without an end\n")


def test_families_not_yet_expressible_keep_a_row_naming_what_is_missing():
    from netir.architectures.lineage import NOT_YET
    from netir.ir.registry import list_ops

    rows = [line for line in lineage_markdown().splitlines() if "**not yet**" in line]
    assert len(rows) == len(NOT_YET) >= 1
    swin = next(r for r in rows if r.startswith("| Swin Transformer | 2021 |"))
    assert "`swin_t`" in swin and "`swin_v2_b`" in swin and "`roll`" in swin
    assert not set(NOT_YET[0].names) & set(list_architectures())  # not in the catalog
    assert "roll" not in list_ops()  # the row goes when the op arrives
