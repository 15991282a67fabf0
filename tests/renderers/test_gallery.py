"""The gallery: well-formed pages, links and images that resolve, and a real browser."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from netir.renderers.gallery import build_gallery

NAMES = ["lenet5", "resnet18", "densenet121"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if key in a:
                self.refs.append(a[key])
        if tag not in ("meta", "link", "img", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    build_gallery(out, NAMES, check=True)
    return out


def test_pages_are_well_formed_and_links_resolve(site):
    pages = sorted(site.glob("*.html"))
    assert [p.stem for p in pages] == sorted(["index", "tutorial", *NAMES])
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text())
        assert parser.stack == []
        for ref in parser.refs:
            target, _, fragment = ref.partition("#")
            assert (site / target).is_file(), f"{page.name} -> {ref}"
            if fragment:
                assert f'id="{fragment}"' in (site / target).read_text(), f"{page.name} -> {ref}"


def test_pages_show_counts_and_check(site):
    index = (site / "index.html").read_text()
    assert "11,689,512" in index and "7,978,856" in index and "FLOPs = 2 × MACs" in index
    page = (site / "resnet18.html").read_text()
    assert "Deep residual learning" in page and "PASS" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed")
def test_index_in_headless_chromium(site, tmp_path):
    args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom"]
    for page in ("index.html", "densenet121.html"):
        out = subprocess.run([*args, Path(site / page).as_uri()], capture_output=True,
                             text=True, timeout=120)
        m = re.search(r'data-images="([^"]*)"', out.stdout)
        assert m is not None, out.stderr[-2000:]
        kind, count = m.group(1).split(":")
        assert kind == "ok" and int(count) >= 2
        console = [line for line in out.stderr.splitlines() if "CONSOLE" in line]
        assert console == []
