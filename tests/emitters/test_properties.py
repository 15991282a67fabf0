"""Cross-backend properties over random valid graphs (netir.testing.strategies).

The ``ci`` profile (default) is derandomized; NETIR_HYPOTHESIS_PROFILE=deep runs
thousands of examples. A failure prints the graph as a runnable netir JSON document
and the first node where the backends part.
"""

import numpy as np
from hypothesis import given, note, settings

import netir
from netir.emitters.compare import OP_TOLERANCE, compare, run_both
from netir.emitters.keras3 import export_weights as keras_export
from netir.emitters.pytorch import export_weights as torch_export
from netir.emitters.weights import random_weights, transfer_weights
from netir.testing.strategies import graphs

EXAMPLES = settings().max_examples if settings().max_examples > 200 else 200


def _report_failure(graph, report=None):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    if report is not None:
        note(str(report))


@settings(max_examples=EXAMPLES)
@given(graphs())
def test_shapes_counts_and_outputs_agree(graph):
    report = compare(graph, per_node=True, tolerance=OP_TOLERANCE, batch=2)
    _report_failure(graph, report)
    # (a) every node's output shape is the IR's in both backends
    t_np, k_np, tm, km = run_both(graph, np.zeros((1, *graph.inputs[0].shape), np.float32),
                                  random_weights(graph), [n.name for n in graph.nodes])
    for node, t, k in zip(graph.nodes, t_np, k_np):
        assert tuple(t.shape[1:]) == node.shape == tuple(k.shape[1:]), node.name
    # (b) trainable parameters and buffers reconcile
    assert report.ir_params == report.torch_params == report.keras_params
    # (c) outputs agree to 1e-5 relative, node by node
    assert report.first_divergent is None
    assert report.passed


@settings(max_examples=EXAMPLES)
@given(graphs())
def test_json_and_weight_round_trips(graph):
    _report_failure(graph)
    x = np.random.default_rng(0).standard_normal((2, *graph.inputs[0].shape)).astype(np.float32)
    weights = random_weights(graph, seed=1)
    out = graph.outputs[0].name
    t1, k1, tm, km = run_both(graph, x, weights, [out])
    # (d) a graph rebuilt from its JSON emits models that compute the same numbers
    back = netir.Graph.from_json(graph.to_json())
    t2, k2, tm2, km2 = run_both(back, x, weights, [out])
    np.testing.assert_array_equal(t1[0], t2[0])
    np.testing.assert_array_equal(k1[0], k2[0])
    # (e) torch -> neutral -> keras -> neutral -> torch is bit-exact
    transfer_weights(tm, km2)
    transfer_weights(km2, tm2)
    start, end = torch_export(tm), torch_export(tm2)
    middle = keras_export(km2)
    for node in start:
        for p in start[node]:
            np.testing.assert_array_equal(start[node][p], middle[node][p])
            np.testing.assert_array_equal(start[node][p], end[node][p])
