"""torchvision's ways of writing a network import to the IR ops the catalog uses and
compute their own forward on every backend (the patterns the conformance sweep,
scripts/conformance.py, found the importer lacking)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from netir import from_torch
from netir.emitters.registry import get_backend, list_backends
from tests.importers.library_patterns import PATTERNS


def _imported(name):
    factory, shape = PATTERNS[name]
    torch.manual_seed(0)
    module = factory().eval()
    x = torch.randn(shape)
    graph, weights = from_torch(module, x, name=name)
    return module, x, graph, weights


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_imported_pattern_computes_its_forward(name, backend):
    module, x, graph, weights = _imported(name)
    with torch.no_grad():
        want = module(x)
    want = (want["out"] if isinstance(want, dict) else want).numpy()
    b = get_backend(backend)
    got, = b.run(b.emit_loaded(graph, None, weights), [x.numpy()])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _nodes(graph):
    return [(n.name, n.op) for n in graph.nodes]


def test_chunk_is_one_slice_per_piece():
    graph = _imported("chunk_split")[2]
    slices = [n for n in graph.nodes if n.op == "slice"]
    assert [(n.name, n.attrs["axis"], n.attrs["start"], n.attrs["stop"]) for n in slices] == \
        [("chunk0", 0, 0, 4), ("chunk1", 0, 4, None)]


def test_a_growing_list_extends_its_last_concat():
    graph = _imported("growing_concat")[2]
    concats = [n for n in graph.nodes if n.op == "concat"]
    # cat([x]) is x; cat([x, a]), cat([x, a, b]), cat([x, a, b, c]) one concat each,
    # each of the previous one and the new feature
    assert len(concats) == 3
    assert all(len(n.inputs) == 2 for n in concats)
    assert graph[concats[0].inputs[0]].op == "input"
    assert [n.inputs[0] for n in concats[1:]] == [n.name for n in concats[:-1]]
    assert graph["convs.0"].inputs == ("x",)


def test_reshaped_patches_and_the_class_token_beside_them():
    graph = _imported("reshaped_patches")[2]
    assert [op for _, op in _nodes(graph)][:5] == ["input", "conv2d", "to_tokens",
                                                   "parameter", "concat"]
    token = graph["class_token"]
    assert graph[token.inputs[0]].op == "to_tokens"  # the partner, not the image
    assert token.layout == graph[token.inputs[0]].layout == "TC"


def test_library_types_known_by_their_qualified_names():
    graph = _imported("convnext_stem")[2]
    assert ("norm", "layer_norm") in _nodes(graph)
    assert graph["norm"].layout == "CHW"
    depth = graph["stochastic_depth"]
    assert (depth.op, depth.attrs["p"], depth.attrs["mode"]) == ("stochastic_depth", 0.1, "row")


def test_a_dict_of_outputs_gives_its_values_as_the_outputs():
    graph = _imported("dict_output")[2]
    assert [n.name for n in graph.outputs] == ["classifier"]
