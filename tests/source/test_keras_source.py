"""``netir.to_source(g, "keras")``: a functional-API script that runs with Keras alone and
computes what ``netir.to_keras(g)`` computes, its layers named as netir's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import netir
from netir.emitters.calibration import make_weights
from netir.testing.strategies import graphs
from tests.source.test_torch_source import imported_modules

pytest.importorskip("keras")

from netir.emitters.keras3.emit import to_keras  # noqa: E402
from netir.emitters.keras3.layouts import to_keras as keras_order  # noqa: E402
from netir.source.keras.weights import save_weights  # noqa: E402

RUNNER = Path(__file__).parent / "keras_runner.py"

#: (case, catalog name, overrides): with :func:`rest_graph` and the random graphs, every
#: op family at least once.
NETWORKS = [
    ("resnet18", "resnet18", {"input_size": 32}),  # padded max pool, add, dense
    ("mobilenet_v3", "mobilenet_v3_small", {"input_size": 32}),  # depthwise, hardsigmoid
    ("efficientnet_b0", "efficientnet_b0", {"input_size": 32}),  # silu, stochastic depth
    ("shufflenet", "shufflenet_v2_x0_5", {"input_size": 32}),  # channel shuffle, slice
    ("googlenet", "googlenet", {"input_size": 64}),  # ceil_mode pools, concat
    ("vit", "vit_b_32", {"input_size": 64, "width_mult": 0.125}),  # attention, GELU
    ("convnext", "convnext_tiny", {"input_size": 32}),  # layer scale, permutes, layer norm
]


def rest_graph() -> netir.Graph:
    """The ops neither the networks above nor the random graphs hold: asymmetric zero
    padding, both resizes, tanh, mish, elu, a scalar sub, tokens both ways, attention, a
    matmul of sequences (permutes around it), a strided asymmetric conv1d; three outputs."""
    g = netir.Graph("rest")
    y = g.zero_pad2d(g.input((4, 6, 6), name="x"), ((1, 0), (0, 2)), name="pad")
    y = g.upsample(y, size=(9, 11), mode="bilinear", name="up")
    y = g.sub(g.elu(g.mish(g.tanh(y)), 0.7), scalar=0.5)
    t = g.to_tokens(y)
    a = g.scaled_dot_product_attention(t, t, t)
    m = g.matmul(g.transpose(a, 0, 1), a)
    u = g.upsample(g.from_tokens(a, 9, 11), scale_factor=2, mode="nearest")
    c = g.conv1d(g.input((3, 10), name="seq"), 5, 3, stride=2, padding=(2, 1))
    g.output(m, u, c)
    return g


def run_isolated(cases: dict[str, tuple[netir.Graph, str]], tmp_path: Path, seed: int = 0,
                 kind: str = "random"):
    """Each case's source run by :mod:`keras_runner` (netir blocked) on netir's Keras
    model's weights (``make_weights`` of ``kind``); returns ``{case: (outputs, layer
    names, reference outputs, graph)}``."""
    expected = {}
    for case, (graph, source) in cases.items():
        weights = make_weights(graph, kind, seed=seed)
        reference = to_keras(graph, weights=weights)
        rng = np.random.default_rng(seed)
        inputs = [keras_order(rng.standard_normal((2, *n.shape)).astype(np.float32), n.layout)
                  for n in graph.inputs]
        out = reference(inputs[0] if len(inputs) == 1 else inputs, training=False)
        out = out if isinstance(out, (list, tuple)) else [out]
        expected[case] = [np.asarray(o) for o in out]
        (tmp_path / f"{case}.py").write_text(source)
        save_weights(graph, weights, tmp_path / f"{case}.weights.h5", source)
        np.savez(tmp_path / f"{case}.npz", **{f"input.{k}": x for k, x in enumerate(inputs)})
    done = subprocess.run([sys.executable, str(RUNNER), str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("netir blocked")
    result = {}
    for case, (graph, _) in cases.items():
        data = np.load(tmp_path / f"{case}.out.npz")
        outputs = [data[f"output.{k}"] for k in range(len(data.files))]
        names = (tmp_path / f"{case}.layers.txt").read_text().split("\n")
        result[case] = (outputs, names, expected[case], graph)
    return result


def assert_same(result, tolerance: float = 1e-6) -> None:
    for case, (outputs, names, ref_outputs, graph) in result.items():
        nodes = {n.name for n in graph.nodes}
        assert {n for n in names if ">" not in n} <= nodes, case  # helpers are <node>>role
        assert len(outputs) == len(ref_outputs), case
        for got, want in zip(outputs, ref_outputs):
            assert got.shape == want.shape, case
            finite = np.abs(want[np.isfinite(want)])
            scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
            np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance * scale,
                                       err_msg=case)


@pytest.fixture(scope="module")
def catalog_sources():
    graphs = {case: netir.build(name, num_classes=10, **kw) for case, name, kw in NETWORKS}
    graphs["rest"] = rest_graph()
    return {case: (g, netir.to_source(g, "keras")) for case, g in graphs.items()}


def test_catalog_sources_run_without_netir_and_match_to_keras(catalog_sources, tmp_path):
    for case, (_, source) in catalog_sources.items():
        assert imported_modules(source) <= {"keras", "numpy"}, case
        assert "netir" not in source.split('"""', 2)[2], case
    assert_same(run_isolated(catalog_sources, tmp_path))


def drawn_graphs(count: int) -> list[netir.Graph]:
    """``count`` graphs of the property tests' strategy, the same on every run."""
    drawn: list[netir.Graph] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(graphs())
    def draw(graph):
        drawn.append(graph)

    draw()
    return drawn


def test_random_graphs_run_without_netir_and_match_to_keras(tmp_path):
    """The property tests' random graphs, run in one isolated process."""
    cases = {}
    for k, graph in enumerate(drawn_graphs(40)):
        source = netir.to_source(graph, "keras")
        assert imported_modules(source) <= {"keras", "numpy"}, graph.to_json()
        cases[f"g{k:02d}"] = (graph, source)
    assert_same(run_isolated(cases, tmp_path, seed=1, kind="calibrated"))
