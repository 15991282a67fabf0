"""The gallery in headless Chromium: every page loads without console errors or broken
images, screenshots have content, and Chinese text renders as glyphs, not tofu."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netir.renderers.lang import words

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="Debian's chromium is not installed "
                                       "(scripts/setup.sh chromium)")
PIL = pytest.importorskip("PIL.Image")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
    return subprocess.run([*flags, *args], capture_output=True, text=True, timeout=120)


def test_every_page_loads_clean(site, tmp_path):
    pages = sorted(site.glob("*.html"))
    # index, tutorial, diff and 3 networks; index and networks in zh as well
    assert len(pages) == 10
    for page in pages:
        out = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
        body = re.search(r"<body([^>]*)>", out.stdout)
        assert body is not None, out.stderr[-2000:]
        images = re.search(r'data-images="(\w+):(\d+)"', body.group(1))
        assert images is not None and images.group(1) == "ok", (page.name, body.group(1))
        if page.name.startswith("index"):
            assert int(images.group(2)) == 3  # the charts
        console = [line for line in out.stderr.splitlines() if "CONSOLE" in line]
        assert console == [], (page.name, console)
        if ".zh." in page.name:
            assert 'data-cjk="glyphs"' in body.group(1), (page.name, body.group(1))


def _ink(png: Path) -> tuple[float, int]:
    """Share of non-white pixels and the number of distinct colours."""
    img = PIL.open(png).convert("RGB")
    small = img.resize((img.width // 4, img.height // 4))
    pixels = list(small.get_flattened_data())
    inked = sum(1 for p in pixels if min(p) < 235)
    return inked / len(pixels), len(set(pixels))


@pytest.mark.parametrize("page", ["index.html", "index.zh.html", "lenet5.html",
                                  "resnet18.html", "densenet121.zh.html"])
def test_screenshots_have_content(site, tmp_path, page):
    shot = tmp_path / "shot.png"
    out = _chromium(tmp_path / "profile", "--window-size=1200,1600", f"--screenshot={shot}",
                    (site / page).as_uri())
    assert shot.is_file(), out.stderr[-2000:]
    share, colours = _ink(shot)
    assert share > 0.03 and colours > 20, (page, share, colours)


def _strings(value) -> list[str]:
    """Every string in ``value``, through lists and dicts (label words, table headers)."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    return [s for v in items for s in _strings(v)]


def _cjk_chars() -> set[str]:
    data = words("zh")
    text = "".join(_strings([data.UI, data.FAMILY, data.VARIANT]))
    return {c for c in text if ord(c) >= 0x2E80}


def test_the_diagram_font_covers_every_chinese_character_we_write():
    """Graphviz (through fontconfig) and matplotlib draw a missing glyph as a box; the
    named font must hold every character of the Chinese words and notes."""
    font = words("zh").UI["diagram_font"]
    charset = " ".join(f"{ord(c):x}" for c in sorted(_cjk_chars()))
    found = subprocess.run(["fc-list", f"{font}:charset={charset}", "family"],
                           capture_output=True, text=True).stdout
    assert font in found, f"{font} missing or incomplete: run scripts/setup.sh"


def test_chinese_anatomy_png_differs_from_the_english_one_only_in_words(site):
    zh = PIL.open(site / "resnet18.anatomy-A.zh.png")
    en = PIL.open(site / "resnet18.anatomy-A.en.png")
    assert zh.size[1] > 300 and en.size[1] > 300
    assert zh.tobytes() != en.tobytes()


LAYOUT = """<script>
window.addEventListener('load', function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.lineage tr'));
  var heights = rows.map(function (r) { return r.offsetHeight; });
  var tallest = Math.max.apply(null, [0].concat(heights.slice(1)));
  var head = heights.length ? heights[0] : 0;
  var wide = Array.prototype.slice.call(document.querySelectorAll('img, svg, table'))
    .filter(function (e) {
      var box = e.closest('.scroll') || e;
      return box.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
    }).length;
  document.body.setAttribute('data-layout', tallest + ':' + head + ':' + wide);
});
</script>"""


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("page", ["index.html", "index.zh.html", "resnet18.html"])
def test_rows_stay_short_and_nothing_overflows_the_screen(site, tmp_path, page, width):
    """Every table row of the index is at most two lines tall (a one-line header row
    times two), and no picture or table reaches past the screen's edge, on a desktop
    and on a phone: a wide table scrolls inside its own box."""
    shutil.copy(site / "style.css", tmp_path / "style.css")
    copy = tmp_path / page
    copy.write_text((site / page).read_text().replace("</body>", LAYOUT + "</body>"))
    out = _chromium(tmp_path / "profile", f"--window-size={width},1200", "--dump-dom",
                    copy.as_uri())
    found = re.search(r'data-layout="(\d+):(\d+):(\d+)"', out.stdout)
    assert found is not None, out.stderr[-2000:]
    tallest, head, wide = map(int, found.groups())
    if page.startswith("index"):  # a network page has no lineage table
        assert 0 < tallest <= 2 * head, (tallest, head)
    assert wide == 0


CODE_LAYOUT = """<script>
window.addEventListener('load', function () {
  Array.prototype.forEach.call(document.querySelectorAll('details.code'),
                               function (d) { d.open = true; });
  var view = document.documentElement.clientWidth;
  var blocks = Array.prototype.slice.call(document.querySelectorAll('details.code .hl'));
  var past = blocks.filter(function (b) { return b.getBoundingClientRect().right > view + 1; });
  var scrolling = blocks.filter(function (b) { return b.scrollWidth > b.clientWidth; });
  document.body.setAttribute('data-code', blocks.length + ':' + past.length + ':' +
    scrolling.length + ':' + (document.documentElement.scrollWidth > view + 1 ? 1 : 0));
});
</script>"""


@pytest.mark.parametrize("page", ["resnet18.html", "resnet18.zh.html"])
def test_code_blocks_scroll_inside_their_box_on_a_phone(site, tmp_path, page):
    """At 390 px, with every listing open, a code block scrolls sideways inside its own
    box (its lines are longer than the screen) and the page itself does not widen."""
    shutil.copy(site / "style.css", tmp_path / "style.css")
    copy = tmp_path / page
    copy.write_text((site / page).read_text().replace("</body>", CODE_LAYOUT + "</body>"))
    out = _chromium(tmp_path / "profile", "--window-size=390,1200", "--dump-dom",
                    copy.as_uri())
    found = re.search(r'data-code="(\d+):(\d+):(\d+):(\d+)"', out.stdout)
    assert found is not None, out.stderr[-2000:]
    blocks, past, scrolling, page_wide = map(int, found.groups())
    assert blocks >= 2 and past == 0 and page_wide == 0
    assert scrolling >= 1
