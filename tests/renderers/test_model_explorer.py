"""The Model Explorer export: one Model Explorer node per netir node, namespaces from the
scopes, edges from the inputs, node data keyed by node id; deterministic bytes; and the
real Model Explorer server and web app, in headless Chromium, showing it."""

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import netir
from netir.emitters.compare import compare, list_backends
from netir.ir.errors import GraphError
from netir.renderers.model_explorer import (
    GRAPH_FILE,
    namespace,
    node_data_files,
    to_model_explorer,
    write_model_explorer,
)
from netir.renderers.styles import ERROR_BANDS


def tiny() -> netir.Graph:
    """input 3×8×8 -> block.{conv 3×3 to 4 with bias, bn, relu} -> add(relu, relu)
    -> flatten (256) -> fc (5)."""
    g = netir.Graph("tiny")
    x = g.input((3, 8, 8))
    with g.scope("block"):
        y = g.conv2d(x, 4, 3, padding=1, name="conv")
        y = g.relu(g.batch_norm(y, name="bn"), name="relu")
    z = g.add(y, y, name="add")
    g.dense(g.flatten(z, name="flat"), 5, name="fc")
    return g


@pytest.fixture(scope="module")
def report():
    return compare(tiny(), backends=list_backends())


def _attrs(node: dict) -> dict[str, str]:
    return {a["key"]: a["value"] for a in node["attrs"]}


def test_structure_follows_the_graph():
    g = netir.build("resnet18", input_size=32)
    doc, _ = to_model_explorer(g)
    [graph] = doc["graphs"]
    nodes = graph["nodes"]
    assert doc["label"] == graph["id"] == "resnet18"
    assert [n["id"] for n in nodes] == [n.name for n in g.nodes]
    assert {n["id"]: n["namespace"] for n in nodes} == {
        n.name: n.scope.replace(".", "/") for n in g.nodes}
    assert {n["id"]: n["label"] for n in nodes}["layer1.0.conv1"] == "conv1"
    edges = sorted((e["sourceNodeId"], n["id"], int(e["targetNodeInputId"]))
                   for n in nodes for e in n["incomingEdges"])
    expected = sorted((src, dst, port) for src, dst, ports in g.nx.edges(data="ports")
                      for port in ports)
    assert edges == expected
    shapes = {n["id"]: _attrs(n["outputsMetadata"][0])["shape"] for n in nodes}
    assert shapes["layer1.0.conv1"] == "64×8×8" and shapes["fc"] == "1000"
    groups = graph["groupNodeAttributes"]
    assert set(groups) == {""} | {namespace(n.scope) for n in g.nodes} | {
        "layer1", "layer2", "layer3", "layer4", "layer2/0"}
    # the whole graph: resnet18's 11,689,512 parameters (torchvision's count)
    assert groups[""]["params"].startswith("11689512 ")


def test_values_by_hand_on_a_tiny_graph():
    g = tiny()
    doc, series = to_model_explorer(g)
    nodes = {n["id"]: n for n in doc["graphs"][0]["nodes"]}
    conv = _attrs(nodes["block.conv"])
    # 4 filters of 3×3×3 plus 4 biases; 4×8×8 outputs each 3·3·3 multiply-adds
    assert (conv["params"], conv["macs"], conv["buffers"]) == ("112", "6912", "0")
    assert conv["param.weight"] == "4×3×3×3" and conv["param.bias"] == "4"
    assert conv["attr.padding"] == "[[1, 1], [1, 1]]" and conv["attr.groups"] == "1"
    assert conv["op"] == "conv2d"
    bn = _attrs(nodes["block.bn"])
    assert (bn["params"], bn["buffers"]) == ("8", "8")  # weight, bias; mean, var
    # add reads block.relu twice: two edges, ports 0 and 1
    assert nodes["add"]["incomingEdges"] == [
        {"sourceNodeId": "block.relu", "sourceNodeOutputId": "0", "targetNodeInputId": "0"},
        {"sourceNodeId": "block.relu", "sourceNodeOutputId": "0", "targetNodeInputId": "1"}]
    assert nodes["block.conv"]["namespace"] == "block" and nodes["fc"]["namespace"] == ""
    params = series["params"]["tiny"]["results"]
    macs = series["macs"]["tiny"]["results"]
    assert set(params) == set(macs) == {n.name for n in g.nodes}
    assert {k: v["value"] for k, v in params.items()} == {
        "input": 0, "block.conv": 112, "block.bn": 8, "block.relu": 0, "add": 0, "flat": 0,
        "fc": 256 * 5 + 5}
    assert macs["fc"]["value"] == 1280 and macs["block.conv"]["value"] == 6912
    assert sum(v["value"] for v in macs.values()) == 8192
    groups = doc["graphs"][0]["groupNodeAttributes"]
    assert groups["block"]["params"] == "120 (120)" and groups[""]["macs"] == "8192 (8.2k)"


def test_node_data_holds_each_backends_local_error(report):
    g = tiny()
    _, series = to_model_explorer(g, report)
    backends = [r.backend for r in report.results]
    assert set(series) == {"params", "macs", *(f"local_error.{b}" for b in backends)}
    for b in backends:
        data = series[f"local_error.{b}"]["tiny"]
        assert set(data["results"]) == {n.name for n in g.nodes}
        by_node = {n.name: n for n in report.nodes}
        for name, result in data["results"].items():
            assert result["value"] == by_node[name].relative(b)
            assert 0 <= result["value"] <= report.tolerance
        assert [t["bgColor"] for t in data["thresholds"]] == [c for _, c in ERROR_BANDS]


def test_a_report_of_another_graph_is_refused(report):
    other = netir.Graph("other")
    other.input((3, 8, 8))
    with pytest.raises(GraphError, match="block.conv"):
        to_model_explorer(other, report)


def test_bytes_are_deterministic(tmp_path, report):
    one = write_model_explorer(tiny(), tmp_path / "a", report)
    two = write_model_explorer(tiny(), tmp_path / "b", report)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert GRAPH_FILE in names and "params.json" in names and "macs.json" in names
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes()
    text = (one / GRAPH_FILE).read_text()
    assert text.endswith("\n") and json.loads(text) == to_model_explorer(tiny())[0]
    assert [p.name for p in node_data_files(one)] == [n for n in names if n != GRAPH_FILE]


# -- the real thing ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(files: Path, port: int, log: Path) -> subprocess.Popen:
    series = ",".join(str(p) for p in node_data_files(files))
    exe = Path(sys.executable).with_name("model-explorer")
    return subprocess.Popen(
        [str(exe), str(files / GRAPH_FILE), f"--node_data_paths={series}",
         "--host=127.0.0.1", f"--port={port}", "--no_open_in_browser"],
        stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_for_url(log: Path, proc: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"(http://127\.0\.0\.1:\d+/\?data=\S+)", log.read_text())
        if found:
            with urllib.request.urlopen(found.group(1).split("?")[0] + "check_health",
                                        timeout=10) as r:
                assert r.read() == b"model_explorer_ok"
            return found.group(1)
        assert proc.poll() is None, log.read_text()
        time.sleep(0.5)
    raise TimeoutError(log.read_text())


def _section(text: str, start: str, end: str) -> list[str]:
    body = text.split(start, 1)[1].split(end, 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip()]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is missing")
def test_model_explorer_shows_the_graph_and_its_node_data(tmp_path, report):
    pytest.importorskip("model_explorer", reason="pip install netir[model-explorer]")
    from tests.renderers.devtools import Browser

    g = tiny()
    files = write_model_explorer(g, tmp_path / "me", report)
    server = _serve(files, _free_port(), tmp_path / "server.log")
    try:
        url = _wait_for_url(tmp_path / "server.log", server)
        with Browser(tmp_path / "profile") as browser:
            page = browser.open(url)
            text = browser.wait_for_text(page, "Root-level nodes stats")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"{len(g)} nodes" in text
    assert re.search(r"op node count\s+(\d+)", text).group(1) == str(len(g))
    assert re.search(r"layer count\s+(\d+)", text).group(1) == "1"  # the scope "block"
    # collapsed: at the root, "block" stands for its three nodes, which are not listed
    roots = _section(text, "Root-level nodes stats", "Node data")
    names = [line.split("\t")[1] for line in roots if re.match(r"\d+\t", line)]
    assert names == ["input", "block", "add", "flat", "fc"]
    # every series is loaded; the node table lists each node with its parameters
    loaded = _section(text, "NODE DATA PROVIDERS", "Aggregated stats")
    shown = [loaded[i + 1] for i, line in enumerate(loaded[:-1]) if line.isdigit()]
    assert sorted(shown) == sorted(["parameters", "MACs", *(
        f"{r.backend} local error (relative)" for r in report.results)])
    table = _section(text, "\nNode data\n", "chevron_right")
    rows = {cells[1]: cells[2:] for cells in (line.split("\t") for line in table)
            if len(cells) > 2 and cells[0].isdigit()}
    assert set(rows) == {"input", "conv", "bn", "relu", "add", "flat", "fc"}
    assert "112" in rows["conv"] and "6912" in rows["conv"] and "1285" in rows["fc"], rows


# -- the command line ----------------------------------------------------------------

def _render(*args: str):
    from click.testing import CliRunner

    from netir.cli import main

    return CliRunner().invoke(main, ["render", *args])


def test_render_writes_model_explorer_files_for_a_name_or_a_file(tmp_path):
    out = tmp_path / "lenet"
    result = _render("lenet5", "--format", "model-explorer", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [GRAPH_FILE, "macs.json", "params.json"]
    doc = json.loads((out / GRAPH_FILE).read_text())
    assert [n["id"] for n in doc["graphs"][0]["nodes"]] == [
        n.name for n in netir.build("lenet5").nodes]
    saved = tmp_path / "tiny.json"
    tiny().save(saved)
    again = tmp_path / "tiny"
    result = _render(str(saved), "--format", "model-explorer", "-o", str(again), "--check")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in again.iterdir())
    assert names == sorted([GRAPH_FILE, "macs.json", "params.json",
                            *(f"local_error.{b}.json" for b in list_backends())])
    first = {p.name: p.read_bytes() for p in again.iterdir()}
    # a second export replaces the first, series and all, byte for byte the same
    assert _render(str(saved), "--format", "model-explorer", "-o", str(again)).exit_code == 0
    assert sorted(p.name for p in again.iterdir()) == [GRAPH_FILE, "macs.json", "params.json"]
    assert all((again / n).read_bytes() == first[n] for n in ("graph.json", "params.json"))


def test_render_refuses_bad_model_explorer_usage(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "notes.txt").write_text("mine")
    assert _render("lenet5", "--format", "model-explorer", "-o",
                   str(tmp_path / "file")).exit_code == 2
    assert _render("lenet5", "-o", str(tmp_path / "x.svg"), "--check").exit_code == 2
    # a folder holding other files is not replaced
    result = _render("lenet5", "--format", "model-explorer", "-o", str(tmp_path / "dir"))
    assert result.exit_code == 1 and (tmp_path / "dir" / "notes.txt").read_text() == "mine"


# -- the gallery -----------------------------------------------------------------------

def test_the_gallery_page_links_the_networks_model_explorer_files(tmp_path):
    from netir.renderers.agreement import run_agreement
    from netir.renderers.network_page import build_network

    record = build_network("lenet5", tmp_path, ("en",), "en", check=True)
    folder = tmp_path / "lenet5.model-explorer"
    backends = [p["pair"].split("/")[0] for p in record["agreement"]["pairs"]]
    expected = [GRAPH_FILE, *sorted(["macs.json", "params.json",
                                     *(f"local_error.{b}.json" for b in backends)])]
    assert [f"lenet5.model-explorer/{n}" for n in expected] == [
        f for f in record["files"] if f.startswith("lenet5.model-explorer/")]
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    page = (tmp_path / "lenet5.html").read_text()
    for name in expected:
        assert f'href="lenet5.model-explorer/{name}"' in page
    assert "--node_data_paths=lenet5.model-explorer/" in page
    # the page's check, node by node, at the input it ran at
    agreement = run_agreement("lenet5")
    torch_series = json.loads((folder / "local_error.torch.json").read_text())["lenet5"]
    assert "checked at 1×32×32" in torch_series["name"]
    assert {k: v["value"] for k, v in torch_series["results"].items()} == {
        k: v["torch/reference"] for k, v in agreement.nodes.items()}
