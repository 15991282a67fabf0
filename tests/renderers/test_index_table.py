"""The index's lineage table reads at a glance: one line per row but for the idea, which
shows its first words and opens on demand; compute with its magnitude."""

import re
from html.parser import HTMLParser

import pytest

from netir.renderers.gallery import PREVIEW_COLUMNS, idea_preview, lineage_table
from netir.renderers.lang import note
from netir.renderers.network_page import network_record
from netir.renderers.site import CSS

NAMES = ["lenet5", "resnet50", "densenet121", "vit_b_16"]


@pytest.fixture(scope="module")
def records():
    return [{**network_record(n), "agreement": None} for n in NAMES]


class _Rows(HTMLParser):
    """Each body row as a list of cells; a cell is (its tags, its text by tag)."""

    def __init__(self):
        super().__init__()
        self.rows, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr" and "tbody" in self.tags:
            self.rows.append([])
        elif tag == "td" and "tbody" in self.tags:
            self.rows[-1].append({"tags": [], "text": {}})
        elif "td" in self.tags and "tbody" in self.tags:
            self.rows[-1][-1]["tags"].append(tag)

    def handle_endtag(self, tag):
        assert self.tags.pop() == tag

    def handle_data(self, data):
        if "td" in self.tags and "tbody" in self.tags:
            text = self.rows[-1][-1]["text"]
            text[self.tags[-1]] = text.get(self.tags[-1], "") + data


def _columns(text: str) -> int:
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rows_stay_one_line_and_the_idea_opens_on_demand(records, lang):
    table = lineage_table(records, lang, "en")
    assert table.startswith('<div class="scroll"><table class="lineage">')  # scrolls sideways
    parsed = _Rows()
    parsed.feed(table)
    assert len(parsed.rows) == len(NAMES)
    for name, row in zip(NAMES, parsed.rows):
        *fixed, idea = row
        for cell in fixed:  # short values, no line break, nothing to unfold
            assert not {"br", "details", "p", "div"} & set(cell["tags"]), (name, cell)
            assert all(len(t) <= 24 for t in cell["text"].values()), (name, cell)
        assert idea["tags"] == ["details", "summary", "div"], (name, idea)
        summary, whole = idea["text"]["summary"], idea["text"]["div"]
        assert _columns(summary) <= PREVIEW_COLUMNS
        assert whole == note(lang, name, records[NAMES.index(name)]["family"])
        assert len(summary) < len(whole) and whole.startswith(summary.rstrip("…"))
    # the fixed columns are kept on one line; the opened idea wraps under its preview
    assert re.search(r"table\.lineage td,table\.lineage th[^{]*\{white-space:nowrap\}", CSS)
    assert re.search(r"table\.lineage details>div\{white-space:normal", CSS)


def test_the_macs_column_shows_the_magnitude(records):
    table = lineage_table(records, "en", "en")
    cells = dict(re.findall(r'>(\w+)</a></td>.*?<td class="num">[\d,]+</td>'
                            r'<td class="num">([^<]+)</td>', table))
    assert cells["lenet5"] == "0.42 M"   # 416,520 MACs
    assert cells["resnet50"] == "4.1 G"  # 4,089,184,256 MACs
    assert "0.000" not in table


def test_the_preview_cuts_at_a_word_or_by_display_width():
    text = "The first convolutional network trained end to end"
    assert idea_preview(text, 30) == "The first convolutional…"   # 29 columns, back to a space
    assert idea_preview(text, 60) == text                         # fits: shown whole
    assert idea_preview("残差学习：一个模块学习输入的修正", 10) == "残差学习…"  # 2 columns each
