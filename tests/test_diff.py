"""netir diff: the structural diff (nodes matched by name, then by structure), its report,
JSON, diagram and Model Explorer series, the numeric diff on shared weights, and the
command line. Expected values come from the papers and torchvision (ResNeXt-50 32×4d's
width doubles ResNet-50's bottleneck and groups its 3×3 convolution in 32), and from
what the seed tutorial's code is documented to do differently."""

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.diff import diff
from netir.divergence import first_divergence
from netir.emitters.registry import list_backends
from netir.emitters.weights import random_weights
from netir.ir.errors import NetIRError
from netir.renderers.diff import STATUS_STYLES, diff_node_data, to_diff_dot

BLOCKS50 = [(1, 3, 64), (2, 4, 128), (3, 6, 256), (4, 3, 512)]  # stage, blocks, width


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _save(graph: netir.Graph, path) -> str:
    graph.save(path)
    return str(path)


def _edited(graph: netir.Graph, tmp_path, edit, name="edited.json") -> str:
    """``graph`` saved as JSON, its document passed through ``edit``."""
    doc = json.loads(graph.to_json())
    edit(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_resnet50_against_resnext50_differs_in_the_bottleneck_convolutions():
    d = diff(netir.build("resnet50"), netir.build("resnext50_32x4d"))
    assert (d.added, d.removed, d.renamed) == ([], [], [])
    blocks = [(f"layer{s}.{i}", w) for s, n, w in BLOCKS50 for i in range(n)]
    expected = {f"{block}.{part}" for block, _ in blocks
                for part in ("conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3")}
    assert {c.b for c in d.changed} == expected
    for block, w in blocks:
        conv1, conv2, conv3 = (d.change(f"{block}.conv{i}") for i in (1, 2, 3))
        assert conv2.attrs == {"groups": (1, 32), "out_channels": (w, 2 * w)}
        assert conv1.attrs == {"out_channels": (w, 2 * w)}
        # the 3×3 weight: w filters over w inputs -> 2w filters over 2w/32 inputs each
        assert conv2.params == {"weight": ((w, w, 3, 3), (2 * w, 2 * w // 32, 3, 3))}
        assert conv3.params == {"weight": ((4 * w, w, 1, 1), (4 * w, 2 * w, 1, 1))}
        assert conv3.attrs == {} and conv3.shape is None
        # 56×56 in layer1, halved by the first 3×3 of each later stage
        side = 56 // 2 ** (int(block[5]) - 1)
        assert conv2.shape == ((w, side, side), (2 * w, side, side))
    # torchvision's counts
    assert d.totals["params"] == (25_557_032, 25_028_904)
    groups = {(op, k): (x, y, len(names)) for op, k, x, y, names in d.attribute_changes()}
    assert groups[("conv2d", "groups")] == (1, 32, 16)
    text = d.text()
    assert "conv2d.groups 1 → 32: 16 nodes" in text
    assert "layer3.0.conv2: groups 1 → 32; out_channels 256 → 512" in text


def test_a_network_against_itself_is_no_difference():
    d = diff(netir.build("resnet18"), netir.build("resnet18"))
    assert d.identical and len(d.matched) == len(netir.build("resnet18"))
    assert all(k == v for k, v in d.matched.items())
    record = json.loads(d.to_json())
    assert record["added"] == record["removed"] == record["renamed"] == record["changed"] == []
    assert record["totals"]["params"] == [11_689_512, 11_689_512]
    assert "no differences" in d.text()


def test_a_renamed_copy_is_matched_by_structure(tmp_path):
    g = netir.build("resnet18", input_size=32)

    def rename(doc):
        new = {n["name"]: "net." + n["name"] for n in doc["nodes"]}
        for n in doc["nodes"]:
            n["name"] = new[n["name"]]
            n["inputs"] = [new[i] for i in n["inputs"]]
        if doc.get("outputs"):
            doc["outputs"] = [new[o] for o in doc["outputs"]]

    renamed = netir.Graph.load(_edited(g, tmp_path, rename))
    d = diff(g, renamed)
    assert d.renamed == [(n.name, "net." + n.name) for n in g.nodes]
    assert (d.added, d.removed, d.changed) == ([], [], [])
    # only part renamed, and a pass-through layer gone: the rest still lines up
    def partly(doc):
        drop = "layer2.0.relu1"
        by_name = {n["name"]: n for n in doc["nodes"]}
        feed = by_name[drop]["inputs"][0]
        doc["nodes"] = [n for n in doc["nodes"] if n["name"] != drop]
        for n in doc["nodes"]:
            n["inputs"] = [feed if i == drop else i for i in n["inputs"]]
        new = {n["name"]: n["name"].replace("layer3.", "stage3.") for n in doc["nodes"]}
        for n in doc["nodes"]:
            n["name"], n["inputs"] = new[n["name"]], [new[i] for i in n["inputs"]]

    d = diff(g, netir.Graph.load(_edited(g, tmp_path, partly, "partly.json")))
    assert d.removed == ["layer2.0.relu1"] and d.added == []
    layer3 = [n.name for n in g.nodes if n.name.startswith("layer3.")]
    assert d.renamed == [(n, n.replace("layer3.", "stage3.")) for n in layer3]
    assert [(c.b, c.inputs) for c in d.changed] == [
        ("layer2.0.conv2", (("layer2.0.relu1",), ("layer2.0.bn1",)))]


def _eps_changed(tmp_path, node="layer3.0.bn2", eps=0.1) -> tuple[netir.Graph, str]:
    g = netir.build("resnet18", input_size=32)

    def edit(doc):
        [n] = [n for n in doc["nodes"] if n["name"] == node]
        n["attrs"]["eps"] = eps

    return g, _edited(g, tmp_path, edit)


def test_one_changed_attribute_is_the_whole_diff_and_where_values_part(tmp_path):
    g, path = _eps_changed(tmp_path)
    other = netir.Graph.load(path)
    d = diff(g, other)
    assert [c.as_dict() for c in d.changed] == [
        {"a": "layer3.0.bn2", "b": "layer3.0.bn2", "kind": "batch_norm",
         "attrs": {"eps": [1e-5, 0.1]}}]
    found = first_divergence(g, other, d)
    assert (found.node, found.a_node, found.reason) == ("layer3.0.bn2",) * 2 + ("values",)
    order = [n.name for n in other.nodes]
    assert found.compared == order.index("layer3.0.bn2") + 1  # every node before agreed
    assert found.rel > found.tolerance == 1e-5
    # every parameter is shared, the input included in nothing
    assert found.shared == sum(len(v) for v in random_weights(g).values())
    same = first_divergence(g, g, diff(g, g))
    assert same.node is None and same.compared == len(g)


@pytest.mark.parametrize("backend", list_backends())
def test_the_numeric_diff_finds_the_node_in_every_backend(tmp_path, backend):
    g, path = _eps_changed(tmp_path, "layer2.1.bn1")
    other = netir.Graph.load(path)
    found = first_divergence(g, other, diff(g, other), backend=backend)
    assert (found.node, found.reason, found.backend) == ("layer2.1.bn1", "values", backend)
    assert found.rel > found.tolerance


def test_the_numeric_diff_stops_where_shapes_part():
    a, b = netir.build("resnet50", input_size=64), netir.build("resnext50_32x4d", input_size=64)
    found = first_divergence(a, b, diff(a, b))
    # the input, stem conv, bn, relu and max pool agree; the first bottleneck's 1×1 is
    # twice as wide, the sixth node compared
    assert (found.node, found.reason) == ("layer1.0.conv1", "shape")
    assert found.compared == 6
    assert "first divergent node layer1.0.conv1: shapes differ" in found.text()


def test_the_tutorials_resnet50_shows_its_biases_and_where_its_stride_sits():
    d = diff(netir.build("resnet50"), netir.build("resnet50_tutorial"))
    groups = {(op, k, json.dumps(x), json.dumps(y)): names
              for op, k, x, y, names in d.attribute_changes()}
    convs = [n.name for n in netir.build("resnet50").nodes if n.op == "conv2d"]
    assert len(convs) == 53
    assert groups[("conv2d", "bias", "false", "true")] == convs  # every convolution
    # torchvision's v1.5 strides the 3×3; the tutorial (v1) the first 1×1
    firsts = [f"layer{s}.0" for s in (2, 3, 4)]
    assert groups[("conv2d", "stride", "[1, 1]", "[2, 2]")] == [f"{b}.conv1" for b in firsts]
    assert groups[("conv2d", "stride", "[2, 2]", "[1, 1]")] == [f"{b}.conv2" for b in firsts]
    # the stem pads by 3 explicitly and its max pool not at all; a softmax closes it
    assert groups[("conv2d", "padding", "[[3, 3], [3, 3]]", "[[0, 0], [0, 0]]")] == ["conv1"]
    assert groups[("max_pool2d", "padding", "[[1, 1], [1, 1]]", "[[0, 0], [0, 0]]")] == [
        "maxpool"]
    assert {d.ops[n] for n in d.added} == {"zero_pad2d", "softmax"}
    # Keras's batch-norm defaults: eps 1e-3, momentum 0.99 (PyTorch's 0.01)
    assert len(groups[("batch_norm", "eps", "1e-05", "0.001")]) == 53


def test_the_tutorials_vgg19_is_vgg16():
    a, b = netir.build("vgg16"), netir.build("vgg19_tutorial")
    d = diff(a, b)
    convs = [n.name for n in b.nodes if n.op == "conv2d"]
    assert len(convs) == 13  # VGG-16's thirteen, not VGG-19's sixteen
    pairs = dict((y, x) for x, y in d.renamed)
    assert [pairs[c] for c in convs] == [n.name for n in a.nodes if n.op == "conv2d"]
    # nothing but wiring differs: only dropout and the 7×7 adaptive pool are gone
    assert all(c.op is None and not c.attrs and c.shape is None and not c.params
               for c in d.changed)
    assert sorted(d.ops[n] for n in d.removed) == ["adaptive_avg_pool2d", "dropout", "dropout"]
    assert [d.ops[n] for n in d.added] == ["softmax"]
    assert d.totals["params"] == (138_357_544, 138_357_544)


def test_the_diagram_and_node_data_colour_each_node_by_what_happened():
    a, b = netir.build("vgg16"), netir.build("vgg19_tutorial")
    d = diff(a, b)
    source = to_diff_dot(a, b, d)
    assert source == to_diff_dot(a, b, d)
    nodes = dict(re.findall(r"\t(\w+) \[(.*?)\]\n", source, re.S))
    removed = {k: v for k, v in nodes.items() if k.startswith("removed")}
    assert len(removed) == 3 and all("dashed" in v for v in removed.values())
    assert {re.search(r'label="(\S+)', v).group(1) for v in removed.values()} == {
        "avgpool", "classifier.2", "classifier.5"}
    fill = {k: re.search(r'fillcolor="([^"]+)"', v).group(1) for k, v in nodes.items()
            if "fillcolor" in v}
    # 36 renamed, of which fc2 and fc3 (which lost the dropout before them) also changed,
    # as did flatten
    assert list(fill.values()).count(STATUS_STYLES["renamed"]["fillcolor"]) == 34
    assert list(fill.values()).count(STATUS_STYLES["changed"]["fillcolor"]) == 3
    assert list(fill.values()).count(STATUS_STYLES["added"]["fillcolor"]) == 1
    assert len(re.findall(r"removed\d+ -> n\d+|n\d+ -> removed\d+|removed\d+ -> removed\d+",
                          source)) == 6  # each removed node wired in and out
    series = diff_node_data(b, d)["vgg19_tutorial"]["results"]
    assert series["softmax"]["value"] == 3 and series["conv1"]["value"] == 1
    assert series["fc2"]["value"] == 2 and series["input"]["value"] == 0
    assert set(series) == {n.name for n in b.nodes}


def test_output_is_byte_identical_across_processes(tmp_path):
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append([subprocess.run(
            [sys.executable, "-m", "netir", "diff", "resnet50", "resnet50_tutorial",
             "--format", fmt], capture_output=True, check=True, env=env).stdout
            for fmt in ("json", "dot", "text")])
    assert outs[0] == outs[1]
    assert json.loads(outs[0][0])["totals"]["nodes"] == [176, 177]


def test_command_line_formats(tmp_path):
    g, path = _eps_changed(tmp_path)
    a = _save(g, tmp_path / "a.json")
    result = run("diff", a, path, "--numeric")
    assert result.exit_code == 0, result.output
    assert "changed (1):\n  layer3.0.bn2: eps 1e-05 → 0.1" in result.output
    assert "first divergent node layer3.0.bn2" in result.output
    result = run("diff", a, path, "--format", "json", "--numeric")
    record = json.loads(result.output)
    assert record["numeric"]["node"] == "layer3.0.bn2" and len(record["changed"]) == 1
    out = tmp_path / "d.svg"
    result = run("diff", "vgg11", "vgg13", "--format", "svg", "-o", str(out))
    assert result.exit_code == 0 and out.read_bytes().lstrip().startswith(b"<?xml")
    me = tmp_path / "me"
    assert run("diff", a, path, "--format", "model-explorer", "-o", str(me)).exit_code == 0
    assert sorted(p.name for p in me.iterdir()) == ["diff.json", "graph.json", "macs.json",
                                                    "params.json"]
    series = json.loads((me / "diff.json").read_text())["resnet18"]["results"]
    assert {k for k, v in series.items() if v["value"]} == {"layer3.0.bn2"}


def test_hostile_input_and_bad_usage(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"layers": [1, 2]}')
    with pytest.raises(NetIRError):
        netir.Graph.load(bad)
    result = run("diff", str(bad), "resnet18")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    (tmp_path / "notjson.json").write_bytes(b"\x00\xff not json")
    result = run("diff", "resnet18", str(tmp_path / "notjson.json"))
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert run("diff", "resnet18", "no_such_network").exit_code == 1
    for args in (["diff", "resnet18"],
                 ["diff", "resnet18", "resnet18", "--format", "svg"],
                 ["diff", "resnet18", "resnet18", "--format", "bogus"],
                 ["diff", str(bad), str(bad), "--input", "3x32x32"],  # no taker
                 ["diff", "resnet18", "resnet18", "--backend", "bogus"]):
        assert run(*args).exit_code == 2, args
    # the numeric diff needs a common input
    result = run("diff", "lenet5", "resnet18", "--numeric")
    assert result.exit_code == 1 and "input" in result.output


def test_the_diff_command_is_defined_without_importing_the_group():
    code = ("import sys, netir.commands_diff; "
            "print('netir.cli' in sys.modules, 'netir.diff' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_examples_in_the_docs_are_what_the_command_prints():
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "diff.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n\$ netir (.*?)\n(.*?)```", page, re.S)
    assert len(blocks) == 3
    for command, shown in blocks:
        result = run(*command.split())
        assert result.exit_code == 0, result.output
        printed = result.output.splitlines()
        lines = [line for line in shown.splitlines() if line.strip() != "..."]
        assert all(line in printed for line in lines), command
        # in the order printed
        assert [printed.index(line) for line in lines] == sorted(
            printed.index(line) for line in lines), command
