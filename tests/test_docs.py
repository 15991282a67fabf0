"""The README is short and leads into docs/; every relative link in them resolves; the
benchmark tables in docs/benchmarks.md are the committed results files' numbers."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
BENCHMARKS = ROOT / "benchmarks"
GALLERY_COMMAND = "scripts/setup.sh && .venv/bin/netir gallery -o gallery"
TEST_COMMAND = "scripts/setup.sh chromium && .venv/bin/python -m pytest -n 2"
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def prose(text: str) -> str:
    """``text`` without its fenced code blocks (a ``#`` there is a comment, not a heading)."""
    return FENCE.sub("", text)


def anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, a
    repeated heading numbered -1, -2, ..."""
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", prose(text), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page.read_text(encoding="utf-8")))
            if not re.match(r"[a-z]+:", t)]


def test_the_readme_is_short():
    assert README.stat().st_size < 15_000


def test_the_readme_keeps_the_two_commands_that_ci_runs():
    text = README.read_text(encoding="utf-8")
    assert GALLERY_COMMAND in text and TEST_COMMAND in text
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_links_every_page_in_docs():
    linked = {(README.parent / t.split("#")[0]).resolve() for t in relative_links(README)}
    assert [p.name for p in DOCS if p.resolve() not in linked] == []


def test_the_anchor_rule_follows_github():
    text = "# The gallery\n## Build times\n```sh\n# not a heading\n```\n## Build times\n" \
           "## Two backends, one network\n### Optimise for inference (`optimize=True`)\n"
    assert anchors(text) == {"the-gallery", "build-times", "build-times-1",
                             "two-backends-one-network", "optimise-for-inference-optimizetrue"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        missing_anchor = anchor and file.exists() and (
            file.suffix != ".md" or anchor not in anchors(file.read_text(encoding="utf-8")))
        if not file.exists() or missing_anchor:
            broken.append(target)
    assert broken == []


def test_the_readme_tour_runs_and_its_comments_hold():
    """The README's first code block (the LeNet-5 builder) runs as printed, and the
    counts its comments state are the graph's."""
    import netir

    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[1]
    assert "g.count_params()     # (61706, 0)" in block
    assert "g.count_macs()       # 416520" in block
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    g = scope["g"]
    assert isinstance(g, netir.Graph)
    assert g.count_params() == (61706, 0) and g.count_macs() == 416520


@pytest.mark.parametrize("page", sorted(_module("docs_tables").PAGES))
def test_each_page_holds_its_results_files_tables(page):
    """Every figure block a page shows is what its results file prints today, and the
    page shows exactly the blocks it is listed with."""
    docs_tables = _module("docs_tables")
    text = (ROOT / page).read_text(encoding="utf-8")
    assert text == docs_tables.with_tables(text), \
        f"{page} is stale: run python benchmarks/docs_tables.py {page}"
    shown = re.findall(r"<!-- benchmark table ([\w.-]+):", text)
    assert sorted(shown) == sorted(docs_tables.PAGES[page])


def test_every_table_is_shown_on_a_page():
    docs_tables = _module("docs_tables")
    assert sorted(t for ts in docs_tables.PAGES.values() for t in ts) == \
        sorted(docs_tables.TABLES)


def test_the_readme_costs_are_read_from_the_results_file(tmp_path):
    """Change the suite's time in a copy of the costs file: the README's block shows it."""
    docs_tables = _module("docs_tables")
    result = json.loads((BENCHMARKS / "results-costs.json").read_text())
    result["sections"]["tests"]["wall_s"] = 4321.0
    (tmp_path / "results-costs.json").write_text(json.dumps(result))
    assert "- the tests: 72 min 1 s for the suite (" in docs_tables.table("costs", tmp_path)


def test_benchmark_tables_are_read_from_the_results_file(tmp_path):
    """Change one ratio in a copy of a results file: its table shows the new number."""
    docs_tables = _module("docs_tables")
    result = json.loads((BENCHMARKS / "results-2026-11-28-torch.json").read_text())
    before = docs_tables.torch_variants(result)
    row = result["torch_vs_reference"][0]
    row["ratios"]["netir_optimized_channels_last"] = 0.4321
    (tmp_path / "results-2026-11-28-torch.json").write_text(json.dumps(result))
    after = docs_tables.table("torch-2026-11-28", tmp_path)
    assert "0.432" not in before and "| ResNet-50 | 1 | 101.8 ms |" in after
    assert [line for line in after.splitlines() if "0.432" in line] == \
        [line for line in after.splitlines() if line.startswith("| ResNet-50 | 1 |")]
    with pytest.raises(ValueError, match="unknown benchmark table"):
        docs_tables.with_tables("<!-- benchmark table nope: x -->\n<!-- end of benchmark "
                                "table nope -->")


@pytest.mark.parametrize("log, section, results", [
    ("2026-11-28-cpu.log", "torch_vs_reference", "results-2026-11-28-torch.json"),
    ("2026-11-28-scaling.log", "scaling", "results-2026-11-28-scaling.json"),
])
def test_results_recovered_from_a_log_are_what_the_log_printed(log, section, results):
    from_log = _module("from_log")
    text = (BENCHMARKS / "logs" / log).read_text(encoding="utf-8")
    want = json.loads((BENCHMARKS / results).read_text(encoding="utf-8"))
    assert from_log.from_log(text, section) == want
    rows = want[section]
    assert len(rows) == 6 and len(rows) == sum(" nodes: " in line or " batch " in line
                                               for line in text.split(f"{section}:\n")[1]
                                               .split("\n\n")[0].splitlines())
    with pytest.raises(ValueError, match="no scaling lines"):
        from_log.from_log("torch_vs_reference:\n", "scaling")
