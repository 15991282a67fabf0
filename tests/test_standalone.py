"""The repository stands alone: no tracked file reaches outside it, and the reference data
the tests read is in it, reproducible by its script."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, load_torchvision_reference

ROOT = Path(__file__).resolve().parent.parent
# absolute locations that only exist on some machine; spelled in pieces so this file passes
ABSOLUTE = re.compile("|".join(re.escape("/" + d + "/") for d in
                               ("work", "home", "root", "Users", "mnt", "shared")))
CLIMB = re.compile(r"(?<![\w.])((?:\.\./)+\.{0,2}|\.\.(?=[\s\"'`)]|$))")
PARENTS = re.compile(r"\.parents\[(\d+)\]|\.parent\b(?!s)|dirname\(")
IMPORT = re.compile(r"^\s*from\s+\.")


def tracked_files() -> list[Path]:
    """Every file git tracks (the tree minus build outputs when there is no git)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode()
        return [ROOT / p for p in out.split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "gallery", "__pycache__", ".pytest_cache", ".hypothesis",
                ".ruff_cache", "build", "dist"}
        return [p for p in ROOT.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def climbs_out(text: str, depth: int) -> bool:
    """Whether ``text`` (a relative path) climbs above the root from a file ``depth`` deep."""
    return text.count("..") > depth


def path_escapes(relative: Path, lines: list[str]) -> list[str]:
    """The lines of a file that refer to a location outside the repository."""
    depth = len(relative.parts) - 1           # directories between the root and the file
    found = []
    for number, line in enumerate(lines, 1):
        where = f"{relative}:{number}: {line.strip()}"
        relative_climb = not IMPORT.match(line) and any(climbs_out(m.group(1), depth)
                                                        for m in CLIMB.finditer(line))
        if ABSOLUTE.search(line) or relative_climb:
            found.append(where)
        elif "__file__" in line:
            # Path(__file__).parent is the file's directory; depth + 1 climbs reach the root
            climbs = sum(int(m.group(1)) + 1 if m.group(1) else 1
                         for m in PARENTS.finditer(line))
            if climbs > depth + 1:
                found.append(where)
    return found


def test_no_tracked_file_refers_outside_the_repository():
    escapes = []
    for path in tracked_files():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, FileNotFoundError):
            continue                           # binary (gzip, PNG) or deleted in the worktree
        escapes += path_escapes(path.relative_to(ROOT), lines)
    assert escapes == []


UP, FILE = ".." + "/", "__" + "file__"     # spelled in pieces so that this file passes


@pytest.mark.parametrize("line, depth, escapes", [
    (f"See `{UP}shared/DESIGN.md`.", 0, True),
    (f"[semantics]({UP}README.md)", 1, False),
    (f"[x]({UP}{UP}README.md)", 1, True),
    ('cd "$(dirname "$0")/.."', 1, False),
    (f'ROOT = Path({FILE}).resolve().parents[1]' + '.parent / "shared"', 1, True),
    (f"ROOT = Path({FILE}).resolve().parent.parent", 1, False),
    (f"ROOT = Path({FILE}).resolve().parents[2]", 1, True),
    ("from ..ir import Graph", 0, False),
    ("the range 1..10 and an ellipsis...", 0, False),
    ("open('/" + "work/main/x.json')", 2, True),
])
def test_escape_detector(line, depth, escapes):
    relative = Path(*(["d"] * depth), "f.py")
    assert bool(path_escapes(relative, [line])) is escapes


def test_reference_covers_every_torchvision_catalog_network(torchvision_reference):
    from netir.architectures import get_architecture, list_architectures

    wanted = {n for n in list_architectures() if get_architecture(n).torchvision}
    assert wanted <= set(torchvision_reference)
    assert len(torchvision_reference) == 80
    resnet50 = torchvision_reference["resnet50"]
    assert (resnet50["trainable_params"], resnet50["float_buffers"]) == (25_557_032, 53_120)
    assert len(resnet50["state_dict"]) == 320


def test_committed_reference_is_what_its_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_torchvision_reference", ROOT / "scripts" / "make_torchvision_reference.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    models = load_torchvision_reference()
    header = {k: v for k, v in json.loads((DATA / script.SUMMARY).read_text()).items()
              if k != "models"}
    script.write_reference({**header, "models": models}, tmp_path)
    for name in (script.SUMMARY, script.STATE_DICTS):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    assert "torchvision 0.29.1" in header["source"]


def test_every_test_the_docs_name_exists():
    named = set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)", (ROOT / "docs" / "semantics.md")
                           .read_text()))
    assert len(named) > 20
    missing = [f"{path}::{name}" for path, name in sorted(named)
               if not (ROOT / path).is_file()
               or not re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M)]
    assert missing == []
    cases = (ROOT / "tests" / "emitters" / "test_ops_numeric.py").read_text()
    for group in re.findall(r"\(cases? (`[^)]*)\)", (ROOT / "docs" / "semantics.md").read_text()):
        for case in re.findall(r"`([^`]+)`", group):
            assert f'"{case}"' in cases, case
