"""The key proof of the ONNX importer: ``from_onnx(to_onnx(g, weights=w))`` gives back
``g`` (byte-identical JSON: ops, attributes, names, layouts) and ``w`` bit for bit, for
a catalog network of every IR family at a small input, and op by op for the ONNX
emitter's own cases where the ONNX form says enough (the rest are listed: what the
ONNX form cannot tell apart)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")

import netir  # noqa: E402
from netir import build, from_onnx  # noqa: E402
from netir.emitters.onnx import to_onnx  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402

#: (network, input size): every IR family of the catalog at least once
NETWORKS = [("lenet5", 32), ("resnet18", 64), ("mobilenet_v3_small", 64),
            ("vit_b_16", 32), ("densenet121", 64), ("shufflenet_v2_x0_5", 64),
            ("efficientnet_b0", 64), ("convnext_tiny", 64), ("squeezenet1_0", 64),
            ("googlenet", 64), ("inception_v3", 96)]


def assert_round_trip(graph, weights):
    imported, got = from_onnx(to_onnx(graph, weights=weights))
    assert imported.to_json() == graph.to_json()
    held = {n: p for n, p in weights.items() if p}
    assert sorted(got) == sorted(held)
    for node, params in held.items():
        assert sorted(got[node]) == sorted(params), node
        for p, value in params.items():
            mine = got[node][p]
            assert (mine.dtype, mine.shape) == (value.dtype, value.shape), (node, p)
            assert mine.tobytes() == value.tobytes(), (node, p)
            assert mine.flags.writeable, (node, p)  # the user's own arrays


@pytest.mark.parametrize("name,size", NETWORKS, ids=[n for n, _ in NETWORKS])
def test_catalog_network_round_trips(name, size):
    graph = build(name, input_size=size)
    assert_round_trip(graph, random_weights(graph, seed=1))


def test_the_sample_holds_every_op_family_of_the_catalog():
    """The sample is representative: every op its networks use is covered by it."""
    from netir import list_architectures

    ops = {n.op for name, size in NETWORKS for n in build(name, input_size=size).nodes}
    catalog = set()
    for name in list_architectures():
        catalog |= {n.op for n in build(name).nodes}
    assert catalog - ops <= {"local_response_norm", "relu6"}  # alexnet_2012, mobilenet_v2


def test_a_weight_changed_in_the_file_comes_back_changed():
    graph = build("lenet5")
    weights = random_weights(graph)
    model = to_onnx(graph, weights=weights)
    tensor = next(t for t in model.graph.initializer if t.name == "c1.weight")
    value = np.frombuffer(tensor.raw_data, dtype="<f4").copy()
    value[0] += 1.0
    tensor.raw_data = value.tobytes()
    _, got = from_onnx(model)
    assert got["c1"]["weight"].reshape(-1)[0] == np.float32(weights["c1"]["weight"]
                                                            .reshape(-1)[0] + 1.0)


#: Emitter cases whose ONNX form is another IR graph's too: what the importer gives
#: back instead (computing the same function, which the test checks).
AMBIGUOUS = {
    "clip both": "hardtanh: the same Clip",
    "clip tokens": "hardtanh: the same Clip",
    "slice features": "stop None: ends at the axis' size",
    "slice token features": "stop None: ends at the axis' size",
    "group norm no affine": "instance_norm: a group per channel",
    "mean over tokens": "global_avg_pool: ReduceMean over the positions",
    "parameter tokens": "layout CL: ONNX has no layout for a computed tensor",
}


def _cases():
    from tests.emitters.test_onnx_ops import ONNX_CASES

    return ONNX_CASES


@pytest.mark.parametrize("case", sorted(_cases()))
def test_emitter_case_round_trips(case):
    graph = _cases()[case]
    weights = random_weights(graph, seed=2)
    if case not in AMBIGUOUS:
        assert_round_trip(graph, weights)
        return
    from netir.emitters.registry import get_backend

    imported, got = from_onnx(to_onnx(graph, weights=weights))
    assert imported.to_json() != graph.to_json()
    backend = get_backend("reference")
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]
    want = backend.run(backend.emit_loaded(graph, None, weights), xs)
    mine = backend.run(backend.emit_loaded(imported, None, got), xs)
    for a, b in zip(want, mine):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_a_flatten_of_a_vector_keeps_its_node():
    """flatten of (C,) computes nothing, but it is the user's node: it comes back."""
    g = netir.Graph("vector")
    g.dense(g.flatten(g.input((4,), name="x"), name="f"), 3, name="fc")
    assert_round_trip(g, random_weights(g, seed=2))
