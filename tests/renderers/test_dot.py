"""DOT structure per level, folding, labels, determinism; real `dot` renders."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import netir
from netir import RenderError
from netir.architectures import list_architectures
from netir.renderers import diagram
from netir.renderers.diagram import render
from netir.renderers.dot import to_dot
from netir.renderers.levels import group_items


def _nodes(dot: str) -> list[str]:
    return re.findall(r"^\s*(n\d+) \[", dot, flags=re.M)


@pytest.mark.parametrize(("name", "layer", "block", "folds"), [
    ("resnet50", 176, 12, [3, 4, 6, 3]),
    ("densenet121", 428, 17, [6, 12, 24, 16]),
])
def test_node_counts_and_folds(name, layer, block, folds):
    g = netir.build(name)
    assert len(_nodes(to_dot(g, "layer"))) == layer == len(g)
    assert len(_nodes(to_dot(g, "block"))) == block
    items = group_items(g, "block")
    assert [i.count for i in items if i.count > 1] == folds
    assert sum(len(i.nodes) for i in items) == len(g)


def test_block_labels_carry_shapes_params_and_fold_count():
    g = netir.build("resnet50")
    dot = to_dot(g, "block")
    assert "layer3.0..5  × 6" in dot
    assert "512×28×28 → 1024×14×14" in dot
    layer3 = sum(g.node_params(n)[0] for n in g.nodes if n.name.startswith("layer3."))
    assert f"{layer3 / 1e6:.1f}M params" in dot


def test_layer_labels_and_clusters():
    g = netir.build("resnet18")
    dot = to_dot(g, "layer", edge_shapes=True)
    assert "conv 3×3 /2, 128" in dot and "128×28×28" in dot
    assert "subgraph cluster_layer2.0" in dot.replace('"', "")
    assert 'label="64×56×56"' in dot  # an edge labelled with its tensor shape
    assert "rankdir=LR" in to_dot(g, "block", direction="LR")


def test_dot_is_identical_across_processes_and_hash_seeds():
    code = "import netir; print(netir.to_dot(netir.build('densenet121'), 'layer'), end='')"
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
            for seed in ("1", "2")]
    assert outs[0] == outs[1] and len(outs[0]) > 10000


@pytest.mark.parametrize("name", list_architectures())
def test_every_network_renders_to_well_formed_svg(name, tmp_path):
    g = netir.build(name)
    for level in ("block", "layer", "stage"):
        path = render(g, tmp_path / f"{name}.{level}.svg", level)
        root = ET.parse(path).getroot()
        assert root.tag.endswith("svg")
        texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        assert g.outputs[0].name in texts


def test_png_is_drawn_at_full_size_or_refused(tmp_path):
    g = netir.build("resnet152")
    png = render(g, tmp_path / "r.png", "block")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(RenderError, match="unreadable"):
        render(g, tmp_path / "big.png", "layer")
    assert not (tmp_path / "big.png").exists()


def test_missing_dot_writes_dot_and_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(diagram, "dot_program", lambda: None)
    (tmp_path / "lenet.dot").write_text("an unrelated file\n")
    with pytest.raises(RenderError, match="apt-get install graphviz"):
        render(netir.build("lenet5"), tmp_path / "lenet.svg")
    assert not (tmp_path / "lenet.svg").exists()
    assert (tmp_path / "lenet.svg.dot").read_text().startswith("digraph lenet5")
    assert (tmp_path / "lenet.dot").read_text() == "an unrelated file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet.dot", "lenet.svg.dot"]


def test_notebook_display():
    bundle = netir.build("lenet5")._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_tables_per_block_with_totals():
    from netir.renderers.tables import summary_table

    g = netir.build("resnet50")
    text = summary_table(g, "block")
    assert "layer4.0..2" in text and "25,557,032" in text and "FLOPs = 2 × MACs" in text
    md = summary_table(g, "block", markdown=True)
    assert md.splitlines()[0].startswith("| name |")
