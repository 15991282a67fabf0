"""Cross-backend properties over random valid graphs (netir.testing.strategies).

Every registered backend (PyTorch, Keras, ONNX, the NumPy reference in float32, a
plugin's) is judged node by node against the reference in float64, on calibrated
weights. The ``ci`` profile (default) is derandomized; NETIR_HYPOTHESIS_PROFILE=deep
runs thousands of examples.
A failure prints the graph as a runnable netir JSON document and the report.
"""

import numpy as np
from hypothesis import given, note, settings

import netir
from netir.emitters.calibration import make_weights
from netir.emitters.compare import OP_TOLERANCE, compare, run_backend
from netir.emitters.weights import export_weights, import_weights, transfer_weights
from netir.testing.strategies import graphs
from tests.backends import usable_backends

EXAMPLES = settings().max_examples if settings().max_examples > 200 else 200
BACKENDS = usable_backends()


def _report_failure(graph, report=None):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    if report is not None:
        note(str(report))


def _inputs(graph, batch=2):
    rng = np.random.default_rng(0)
    return [rng.standard_normal((batch, *n.shape)).astype(np.float32) for n in graph.inputs]


@settings(max_examples=EXAMPLES)
@given(graphs())
def test_shapes_counts_and_outputs_agree(graph):
    report = compare(graph, tolerance=OP_TOLERANCE, batch=2, backends=BACKENDS)
    _report_failure(graph, report)
    # (a) every node's output shape is the IR's (the other backends are held to the
    # reference's shapes node by node inside compare: a different shape is an infinite error)
    names = [n.name for n in graph.nodes]
    values, _ = run_backend("reference", graph, make_weights(graph, "random"),
                            _inputs(graph, 1), names)
    for node, value in zip(graph.nodes, values):
        assert tuple(value.shape[1:]) == node.shape, node.name
    for r in report.results:
        # (b) trainable parameters and buffers reconcile with the IR
        assert r.params == report.ir_params, r.backend
        assert r.shapes == report.outputs, r.backend
        # (c) every node within 1e-5 of its own scale
        assert r.first_divergent is None, (r.backend, r.first_divergent)
    assert report.passed


@settings(max_examples=EXAMPLES)
@given(graphs())
def test_json_and_weight_round_trips(graph):
    _report_failure(graph)
    x = _inputs(graph)
    weights = make_weights(graph, "calibrated", seed=1)
    out = [graph.outputs[0].name]
    back = netir.Graph.from_json(graph.to_json())
    for b in BACKENDS:
        # (d) a graph rebuilt from its JSON emits models that compute the same numbers
        first, _ = run_backend(b, graph, weights, x, out)
        again, _ = run_backend(b, back, weights, x, out)
        np.testing.assert_array_equal(first[0], again[0])
    # (e) torch -> neutral -> every other backend in turn -> neutral -> torch is bit-exact
    from netir.emitters.registry import emit

    chain = [emit(graph, b) for b in ["torch", *(b for b in BACKENDS if b != "torch")]]
    chain.append(emit(back, "torch"))
    import_weights(chain[0], weights)
    for src, dst in zip(chain, chain[1:]):
        transfer_weights(src, dst)
    start = export_weights(chain[0])
    for model in chain[1:]:
        got = export_weights(model)
        for node in start:
            for p in start[node]:
                np.testing.assert_array_equal(start[node][p], got[node][p])
