"""The generated stub types what works: mypy over the Python of the README, docs/ and the
examples finds no error in their use of the Graph API (``multi_head_attention(y, heads)``,
``div(x, scalar=2.0)``, ``with g.scope(...)``), and does find one in a call the builder
refuses."""

import re
import sys
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="mypy is in the dev extra")

ROOT = Path(__file__).resolve().parents[2]
# A README fragment that goes on building a graph it does not start runs against these.
PRELUDE = 'import netir\ng = netir.Graph("readme")\nx = g.input((3, 8, 8))\n'


def _readme_blocks() -> list[str]:
    blocks = [b for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
              for b in re.findall(r"```python\n(.*?)```", page.read_text(), re.S)
              if "g." in b or "netir." in b]
    assert len(blocks) >= 5  # the pages' examples are found at all
    return [b if re.search(r"^g = ", b, re.M) or "g." not in b else PRELUDE + b
            for b in blocks]


def _mypy(files: list[Path], cache: Path) -> tuple[str, int]:
    out, err, status = api.run([
        "--ignore-missing-imports",            # torch, keras, onnx... untyped or absent
        "--follow-imports", "silent",          # netir's own modules are not the subject
        "--disable-error-code", "name-defined",  # README fragments name what they elide
        "--no-error-summary", "--cache-dir", str(cache),
        "--python-executable", sys.executable, *map(str, files)])
    return out + err, status


@pytest.fixture(scope="module")
def cache() -> Path:
    return ROOT / ".mypy_cache"  # ignored by git; a warm cache keeps the test to seconds


def test_readme_and_examples_type_check(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    files = []
    for i, block in enumerate(_readme_blocks()):
        files.append(tmp_path / f"readme_{i}.py")
        files[-1].write_text(block)
    files += sorted((ROOT / "examples").glob("*.py"))
    out, status = _mypy(files, cache)
    assert status == 0 and not out.strip(), out


def test_a_call_the_builder_refuses_is_flagged(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    bad = tmp_path / "bad.py"
    bad.write_text('import netir\ng = netir.Graph("bad")\nx = g.input((3, 8, 8))\n'
                   'g.div(x, x, x)\n'                      # at most two inputs
                   'g.multi_head_attention(x, "4")\n'      # num_heads is an int
                   'g.relu("x")\n')                        # a positional input is a Tensor
    out, status = _mypy([bad], cache)
    assert status == 1
    assert [int(n) for n in re.findall(r"bad\.py:(\d+): error", out)] == [4, 5, 6], out
