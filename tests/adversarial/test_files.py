"""Reading untrusted files and writing outputs: bounded, non-blocking, atomic, and
honouring the umask."""

from __future__ import annotations

import json
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netir
from netir.ir.errors import FileError, NetIRError, SerializationError
from netir.ir.files import read_bytes, write_atomic, write_tree
from netir.ir.graph import Graph
from tests.adversarial.guards import no_partial_files, outcome, time_limit

CATALOG = {name: json.loads(netir.build(name, **kw).to_json()) for name, kw in
           (("lenet5", {}), ("resnet18", {"input_size": 32}), ("alexnet", {"input_size": 64}))}


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("kind", ["fifo", "dev_zero_link", "directory", "missing", "dangling"])
def test_graph_load_refuses_what_is_not_a_regular_file_without_blocking(tmp_path, kind):
    path = tmp_path / "g.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero_link":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(tmp_path / "nowhere")
    with time_limit(10), pytest.raises(FileError) as err:
        Graph.load(path)
    assert str(path) in str(err.value)


def test_reads_stop_at_the_cap_whatever_the_size_claims(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 1000)
    assert read_bytes(path, 1000) == b"x" * 1000
    with pytest.raises(FileError, match="larger than the limit of 999 bytes"):
        read_bytes(path, 999)


def test_new_files_honour_the_umask_and_replaced_files_keep_their_mode(tmp_path, umask_022):
    path = tmp_path / "a.json"
    write_atomic(path, "one")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    os.chmod(path, 0o600)
    write_atomic(path, "two")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "two"
    os.umask(0o077)
    write_atomic(tmp_path / "b.json", "three")
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600


def test_write_atomic_under_a_file_or_in_proc_is_a_file_error(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(FileError):
        write_atomic(tmp_path / "f" / "g.json", "{}")
    with pytest.raises(FileError):
        write_atomic("/proc/netir-test/g.json", "{}")


def test_write_tree_is_all_or_nothing(tmp_path, umask_022):
    out = tmp_path / "out"

    def fail(path):
        path.write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_tree(out, {"graph.json": "{}", "model.bin": fail})
    assert not out.exists() and list(tmp_path.iterdir()) == []
    write_tree(out, {"graph.json": "new", "weights.safetensors": b"w"})
    assert sorted(p.name for p in out.iterdir()) == ["graph.json", "weights.safetensors"]
    assert stat.S_IMODE((out / "graph.json").stat().st_mode) == 0o644
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    os.chmod(out, 0o750)
    with pytest.raises(RuntimeError):
        write_tree(out, {"graph.json": "newer", "weights.safetensors": fail})
    assert (out / "graph.json").read_text() == "new"  # the old set stays whole
    write_tree(out, {"graph.json": "newer", "model.pt": b"m"},
               replaceable=lambda name: name == "weights.safetensors")
    assert sorted(p.name for p in out.iterdir()) == ["graph.json", "model.pt"]  # replaced
    assert (out / "graph.json").read_text() == "newer"
    assert stat.S_IMODE(out.stat().st_mode) == 0o750  # the folder keeps its mode
    assert no_partial_files(tmp_path) == [] and sorted(os.listdir(tmp_path)) == ["out"]


def test_a_folder_with_files_netir_did_not_write_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    netir.save(out, netir.build("lenet5"), netir.to_torch(netir.build("lenet5")))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "notes.txt").write_text("mine")
    (out / "runs").mkdir()
    g = netir.build("lenet5", num_classes=3)
    with pytest.raises(FileError, match=r"did not write \(notes.txt, runs\)") as err:
        netir.save(out, g, netir.to_torch(g))
    assert str(out) in str(err.value)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == {
        **before, "notes.txt": b"mine"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_the_current_folder_is_refused_and_a_link_is_followed(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_tree(out, {"graph.json": "old"})
    monkeypatch.chdir(out)
    for target in (".", str(out), str(tmp_path)):
        with pytest.raises(FileError, match="current folder"):
            write_tree(target, {"graph.json": "new"})
    assert (out / "graph.json").read_text() == "old"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link").symlink_to(out)
    write_tree(tmp_path / "link", {"graph.json": "new"})
    assert (tmp_path / "link").is_symlink() and (out / "graph.json").read_text() == "new"


_KILLED_WRITERS = """
import os, shutil, signal, sys
import netir.ir.files as files
from netir.cli import main

old, runs = sys.argv[1], sys.argv[2]
for stop in range(1, 200):  # one forked writer per step, killed before its stop-th call
    out = os.path.join(runs, str(stop))
    shutil.copytree(old, out)
    pid = os.fork()
    if pid == 0:
        calls = [0]

        def checkpoint(function):
            def wrapped(*args, **kwargs):
                calls[0] += 1
                if calls[0] == stop:
                    os.kill(os.getpid(), signal.SIGKILL)
                return function(*args, **kwargs)
            return wrapped

        for name in ("rename", "replace", "chmod", "fchmod", "mkdir", "rmdir", "unlink"):
            setattr(os, name, checkpoint(getattr(os, name)))
        shutil.rmtree = checkpoint(shutil.rmtree)
        files._exchange = checkpoint(files._exchange)
        files.open = checkpoint(open)
        try:
            main(["emit", "lenet5", "--backend", "reference", "--num-classes", "7", "-o",
                  out], standalone_mode=False)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    print("step", stop, "killed" if killed else "finished", flush=True)
    if not killed:
        break
"""


def test_a_writer_killed_at_any_step_leaves_the_old_set_or_the_new_one(tmp_path):
    """``kill -9`` before each file-system call of a re-emit (the CLI's write path): the
    folder then holds the whole old set (torch) or the whole new one (reference, 7
    classes), byte for byte, never a mix."""
    import subprocess
    import sys

    from click.testing import CliRunner

    from netir.cli import main

    def emit(out, *args):
        r = CliRunner().invoke(main, ["emit", "lenet5", "-o", str(out), *args])
        assert r.exit_code == 0, r.output

    def snapshot(folder):
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    emit(tmp_path / "old", "--backend", "torch")
    emit(tmp_path / "new", "--backend", "reference", "--num-classes", "7")
    old, new = snapshot(tmp_path / "old"), snapshot(tmp_path / "new")
    assert "model.pt" in old and "model.pt" not in new and old["graph.json"] != new[
        "graph.json"]
    (tmp_path / "runs").mkdir()
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITERS, str(tmp_path / "old"),
                           str(tmp_path / "runs")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = [line.split()[1:] for line in done.stdout.splitlines()
                if line.startswith("step ")]
    assert outcomes[-1][1] == "finished" and all(o == "killed" for _, o in outcomes[:-1])
    seen = []
    for stop, _ in outcomes:
        got = snapshot(tmp_path / "runs" / stop)
        assert got in (old, new), (stop, sorted(got))
        seen.append("old" if got == old else "new")
    assert seen[-1] == "new" and "old" in seen and seen.count("new") > 1  # both sides
    assert len(seen) > 5



def test_saved_form_loads_without_pickle(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    import pickle

    g = netir.build("lenet5")
    model = netir.to_torch(g)
    netir.save(tmp_path / "m", g, model)
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["graph.json",
                                                                  "weights.safetensors"]

    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    back = netir.load(tmp_path / "m", backend="torch")
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(back.eval()(x), model.eval()(x), rtol=0, atol=0)


@pytest.mark.parametrize("content", [b"", b"abc", b"\x08\x00\x00\x00\x00\x00\x00\x00{}",
                                     b"\xff" * 16, b"\x10\x00\x00\x00\x00\x00\x00\x00" +
                                     b'{"a.b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'],
                         ids=["empty", "text", "short header", "ff", "offsets past the end"])
def test_load_weights_refuses_malformed_files(tmp_path, content):
    from netir.emitters.weights import load_weights

    path = tmp_path / "w.safetensors"
    path.write_bytes(content)
    with time_limit(10), pytest.raises(NetIRError):
        load_weights(path)


@pytest.mark.parametrize("dtype, ok", [("F16", True), ("BF16", True), ("F64", True),
                                       ("I64", False), ("U8", False), ("BOOL", False)])
def test_load_weights_applies_the_dtype_policy(tmp_path, dtype, ok):
    import numpy as np

    from netir.emitters.weights import load_weights

    size = {"F16": 2, "BF16": 2, "F64": 8, "I64": 8, "U8": 1, "BOOL": 1}[dtype]
    header = json.dumps({"n.weight": {"dtype": dtype, "shape": [2],
                                      "data_offsets": [0, 2 * size]}}).encode()
    data = {"F16": np.array([1.5, -2], "<f2").tobytes(), "F64": np.array([1.5, -2]).tobytes(),
            "BF16": np.array([0x3FC0, 0xC000], "<u2").tobytes()}.get(dtype, bytes(2 * size))
    path = tmp_path / "w.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + data)
    if ok:
        w = load_weights(path)["n"]["weight"]
        assert w.dtype == np.float32 and w.tolist() == [1.5, -2.0]
    else:
        with pytest.raises(NetIRError, match=dtype):
            load_weights(path)


# -- JSON documents mutated from catalog graphs -------------------------------------------
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-2, 10**6), st.integers(10**30, 10**60),
                  st.floats(allow_nan=False), st.text(max_size=6),
                  st.lists(st.integers(0, 9), max_size=4),
                  st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2))


def _paths(doc, prefix=()):
    """Every path to a value in a parsed document."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated_documents(draw):
    """A catalog graph's document with 1-3 structural mutations (a value replaced by
    junk, a key deleted, a node duplicated or moved, an op swapped for another
    registered op), then maybe truncated or with a hostile literal spliced in."""
    name = draw(st.sampled_from(sorted(CATALOG)))
    doc = json.loads(json.dumps(CATALOG[name]))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "delete", "duplicate", "swap", "op"]))
        nodes = doc.get("nodes") if isinstance(doc, dict) else None
        if kind in ("op", "duplicate", "swap") and isinstance(nodes, list) and len(nodes) > 1:
            i, j = draw(st.integers(0, len(nodes) - 1)), draw(st.integers(0, len(nodes) - 1))
            if kind == "op" and isinstance(nodes[i], dict):
                nodes[i]["op"] = draw(st.sampled_from(netir.list_ops()))
            elif kind == "duplicate":
                nodes.insert(j, json.loads(json.dumps(nodes[i])))
            elif kind == "swap":
                nodes[i], nodes[j] = nodes[j], nodes[i]
            continue
        paths = [p for p in _paths(doc) if p]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_JUNK)
    text = json.dumps(doc)
    cut = draw(st.sampled_from([None, None, None, "truncate", "splice"]))
    if cut == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    elif cut == "splice":
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(st.sampled_from(['"', "{", "]", "\\", "\x00", "9" * 5000,
                                                "1e999", "NaN", "é"])) + text[i + 1:]
    return text


@settings(max_examples=120)
@given(mutated_documents())
def test_mutated_documents_load_as_valid_graphs_or_are_refused(text):
    result = outcome(lambda: Graph.from_json(text), seconds=20)
    if isinstance(result, NetIRError):
        return
    again = Graph.from_json(result.to_json())
    assert again == result and again.to_json() == result.to_json()


@settings(max_examples=40)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_refused_cleanly(data):
    result = outcome(lambda: Graph.from_json(data), seconds=10)
    assert isinstance(result, (NetIRError, Graph))


def test_documents_nested_or_named_for_injection_are_refused():
    with pytest.raises(SerializationError, match="nests deeper"):
        Graph.from_json("[" * 100_000 + "]" * 100_000)
    doc = CATALOG["lenet5"] | {"name": '<a> { injected [label="X" image="/etc/hostname"] } <b>'}
    with pytest.raises(NetIRError, match="graph names"):
        Graph.from_json(json.dumps(doc))


def test_writes_never_replace_a_device_fifo_or_folder(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    for name in ("fifo", "folder"):
        with time_limit(10), pytest.raises(FileError, match="not a regular file"):
            write_atomic(tmp_path / name, "x")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode) and (tmp_path / "folder").is_dir()
    with pytest.raises(FileError, match="not a regular file"):
        write_atomic("/dev/null", "x")
    with pytest.raises(FileError, match=r"did not write \(fifo, folder\)"):
        write_tree(tmp_path, {"graph.json": "{}", "fifo": "x"})
    assert not (tmp_path / "graph.json").exists()


def test_without_an_exchange_the_old_folder_is_renamed_aside(tmp_path, monkeypatch):
    import netir.ir.files as files

    out = tmp_path / "out"
    write_tree(out, {"graph.json": "old", "model.pt": b"m"})
    monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    write_tree(out, {"graph.json": "new"}, replaceable=lambda name: name == "model.pt")
    assert sorted(os.listdir(out)) == ["graph.json"] and (out / "graph.json").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["out"]
