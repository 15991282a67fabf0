"""The command line on careless and hostile input: one line ``error: ...``, exit
status 2 for usage and 1 for failure, no traceback without --debug, no partial
files, and output paths checked before any work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.ir.errors import FileError
from tests.adversarial.guards import no_partial_files, time_limit


def _prepare(tmp: Path) -> None:
    (tmp / "dir.json").mkdir()
    (tmp / "file").write_text("x")
    os.mkfifo(tmp / "fifo.json")
    (tmp / "zero.json").symlink_to("/dev/zero")
    doc = json.loads(netir.build("lenet5").to_json())
    (tmp / "injected.json").write_text(json.dumps(
        doc | {"name": '<a> { injected [label="X" image="/etc/hostname"] } digraph <b>'}))
    (tmp / "digits.json").write_text(json.dumps(doc | {"version": int("9" * 50)}))
    (tmp / "empty.json").write_text(json.dumps(doc | {"nodes": [], "outputs": []}))


# (arguments with {tmp}, exit status, words the message must contain)
CORPUS = [
    (["summary", "{tmp}/missing.json"], 1, "No such file"),
    (["summary", "{tmp}/dir.json"], 1, "directory"),
    (["summary", "{tmp}/fifo.json"], 1, "FIFO"),
    (["summary", "{tmp}/zero.json"], 1, "device"),
    (["summary", "{tmp}/digits.json"], 1, "digits"),
    (["summary", "no-such-net"], 1, "unknown architecture"),
    (["summary", "lenet5", "--num-classes", "0"], 2, "num-classes"),
    (["summary", "lenet5", "--num-classes", "-3"], 2, "num-classes"),
    (["summary", "lenet5", "--input", "abc"], 2, "CxHxW"),
    (["summary", "lenet5", "--input", "0x32x32"], 2, "sizes"),
    (["summary", "lenet5", "--input", "3x32"], 2, "CxHxW"),
    (["summary", "lenet5", "--input", "3x99999999999x3"], 2, "CxHxW"),
    (["summary", "lenet5", "--input", "1x4x4"], 1, "larger than the padded input"),
    (["emit", "lenet5", "--backend", "torch", "-o", "/proc/x"], 2, "cannot write"),
    (["emit", "lenet5", "--backend", "torch", "-o", "{tmp}/file/sub"], 2, "under a file"),
    (["emit", "lenet5", "--backend", "torch", "-o", "{tmp}/file"], 2, "is a file"),
    (["emit", "{tmp}/empty.json", "--backend", "torch", "-o", "{tmp}/e"], 1, "output"),
    (["render", "lenet5", "-o", "/proc/x.svg"], 2, "cannot write"),
    (["render", "lenet5", "-o", "{tmp}/dir.json"], 2, "exists as a folder"),
    (["render", "{tmp}/injected.json", "-o", "{tmp}/i.svg"], 1, "graph names"),
    (["check", "lenet5", "--json", "/proc/x/r.json"], 2, "cannot write"),
    (["check", "lenet5", "--json", "{tmp}/file/r.json"], 2, "under a file"),
    (["compare", "lenet5", "--batch", "0"], 2, "batch"),
    (["compare", "lenet5", "--batch", "-1"], 2, "batch"),
    (["compare", "lenet5", "--seed", "-1"], 2, "seed"),
    (["compare", "lenet5", "--input", "3x1000000x1000000"], 1, "GiB"),
    (["gallery", "-o", "{tmp}/file"], 2, "is a file"),
]


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    _prepare(path)
    return path


@pytest.mark.parametrize("args, status, words", CORPUS, ids=[" ".join(c[0]) for c in CORPUS])
def test_each_mistake_is_one_line_with_the_right_status(tmp, args, status, words):
    args = [a.format(tmp=tmp) for a in args]
    with time_limit(120):
        r = CliRunner().invoke(main, args)
    assert r.exit_code == status, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert "Traceback" not in r.output and "internal error" not in r.output
    if status == 1:
        assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    else:
        assert lines[-1].startswith("Error: ") and len(lines) <= 3, r.output
    assert words in r.output, r.output
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit)
    assert no_partial_files(tmp) == [] and not (tmp / "e").exists()


def test_debug_shows_the_traceback(tmp):
    r = CliRunner().invoke(main, ["--debug", "summary", str(tmp / "missing.json")])
    assert isinstance(r.exception, FileError)


def test_a_subprocess_reports_one_line_and_never_blocks_on_a_fifo(tmp):
    env = {**os.environ, "PYTHONPATH": str(Path(netir.__file__).parents[1])}
    proc = subprocess.run([sys.executable, "-m", "netir", "summary", str(tmp / "fifo.json")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("error: ") and "FIFO" in proc.stderr


def test_render_never_overwrites_a_sibling_and_leaves_no_partial_file(tmp, monkeypatch):
    from netir.renderers import diagram

    monkeypatch.setattr(diagram, "dot_program", lambda: None)
    (tmp / "net.dot").write_text("mine\n")
    r = CliRunner().invoke(main, ["render", "lenet5", "-o", str(tmp / "net.svg")])
    assert r.exit_code == 1 and r.output.startswith("error: ")
    assert (tmp / "net.dot").read_text() == "mine\n"
    assert (tmp / "net.svg.dot").read_text().startswith("digraph lenet5")
    assert not (tmp / "net.svg").exists() and no_partial_files(tmp) == []
