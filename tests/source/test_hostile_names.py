"""No name becomes code: every hostile-but-valid name the builder accepts, as a graph's
name, as a node that feeds another and as a scope (of a block and of a container), gives
files of both source emitters that pass ``ruff check``, run without netir and compute
the emitted model; the same graph gives the same bytes in another process."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import netir
from netir.ir.errors import GraphError
from netir.source import list_sources

RUFF = Path(sys.executable).with_name("ruff")

#: Keywords, builtins, the files' own names (modules, variables, parameters, helpers,
#: functions), digits, dashes and dunders.
HOSTILE = ["class", "None", "True", "lambda", "return", "import", "def", "forward", "self",
           "super", "print", "0", "1-1", "block1-0", "-", "_", "__init__", "__class__",
           "_modules", "keras", "torch", "nn", "F", "np", "ops", "layers", "x", "t", "out",
           "name", "Model", "BatchNorm", "PaddedConv2d", "layer_a", "Layer", "state_dict",
           "training", "filters", "build"]


def hostile_graphs(h: str) -> list[netir.Graph]:
    """Two graphs named ``h``: ``h`` an input that feeds a conv and a node in a block
    (``blk.0.h``), then ``h`` a scope of blocks ``h.0`` ``h.1`` holding a node ``h`` and
    a container ``h.top`` holding ``h``."""
    flat = netir.Graph(h)
    y = flat.conv2d(flat.input((3, 6, 6), name=h), 4, 3, padding=(1, 0), name="conv")
    y = flat.relu(flat.relu(y, name=f"blk.0.{h}"), name=f"blk.1.{h}")
    flat.dense(flat.flatten(y, name="flat"), 2, name=f"{h}-fc")
    scoped = netir.Graph(h)
    y = scoped.input((3, 6, 6), name=f"{h}-in")
    for i in range(2):
        a = scoped.conv2d(y, 3, 3, padding=1, stride=1 + i, name=f"{h}.{i}.{h}")
        b = scoped.conv2d(y, 3, 1, stride=1 + i, name=f"{h}.{i}.skip")
        y = scoped.add(scoped.relu(a, name=f"{h}.{i}.relu"), b, name=f"{h}.{i}.add")
    y = scoped.batch_norm(y, name=f"{h}.top.{h}")
    scoped.dense(scoped.flatten(y, name=f"{h}.top.flat"), 2, name="fc")
    return [flat, scoped]


@pytest.fixture(scope="module")
def cases():
    return {f"h{k:02d}{j}": g for k, h in enumerate(HOSTILE)
            for j, g in enumerate(hostile_graphs(h))}


def test_names_the_builder_refuses_never_reach_an_emitter():
    """Quotes, backslashes, newlines, spaces and non-ASCII are no node or graph names."""
    for bad in ['a"b', "a'b", "a\\b", "a\nb", "a b", "é", "", "a..b", "a.", "{x}"]:
        with pytest.raises(GraphError):
            netir.Graph("g").input((3,), name=bad)
        with pytest.raises(GraphError):
            netir.Graph(bad)


@pytest.mark.parametrize("backend", list_sources())
def test_hostile_sources_pass_ruff(cases, backend, tmp_path):
    for case, g in cases.items():
        (tmp_path / f"{case}.py").write_text(netir.to_source(g, backend))
    done = subprocess.run([str(RUFF), "check", "--isolated", "--no-cache", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_hostile_torch_sources_run_and_match(cases, tmp_path):
    pytest.importorskip("torch")
    from tests.source.test_torch_source import assert_same, run_isolated

    sources = {case: (g, netir.to_source(g, "torch")) for case, g in cases.items()}
    assert_same(run_isolated(sources, tmp_path))


def test_hostile_keras_sources_run_and_match(cases, tmp_path):
    pytest.importorskip("keras")
    from tests.source.test_keras_source import assert_same, run_isolated

    sources = {case: (g, netir.to_source(g, "keras")) for case, g in cases.items()}
    result = run_isolated(sources, tmp_path)
    assert_same(result)
    for case, (_, names, _, graph) in result.items():  # every node's own layer, by name
        assert {n.name for n in graph.nodes} <= set(names), case


_DIGESTS = """
import hashlib, json, sys
sys.path.insert(0, {root!r})
import netir
from tests.source.test_hostile_names import HOSTILE, hostile_graphs
graphs = [g for h in HOSTILE[:8] for g in hostile_graphs(h)]
graphs += [netir.build("resnet18"), netir.build("vit_b_16", width_mult=0.125)]
print(json.dumps([hashlib.sha256(netir.to_source(g, b).encode()).hexdigest()
                  for g in graphs for b in ("torch", "keras")]))
"""


def test_the_same_graph_gives_the_same_bytes_in_another_process():
    root = str(Path(__file__).parents[2])
    digests = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _DIGESTS.format(root=root)],
                              capture_output=True, text=True, timeout=300,
                              env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-2000:]
        digests.append(json.loads(done.stdout.strip().splitlines()[-1]))
    graphs = [g for h in HOSTILE[:8] for g in hostile_graphs(h)]
    graphs += [netir.build("resnet18"), netir.build("vit_b_16", width_mult=0.125)]
    here = [hashlib.sha256(netir.to_source(g, b).encode()).hexdigest()
            for g in graphs for b in ("torch", "keras")]
    assert digests[0] == digests[1] == here
