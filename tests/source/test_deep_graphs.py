"""A graph deeper than Python's recursion limit: both source emitters write it without
recursing over its depth, and each file runs without netir and computes the emitted model
(Keras' own recursive walk of the layer graph is given room by the file itself)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import netir
from netir.source import list_sources

DEPTH = 3000


def deep_graph() -> netir.Graph:
    """``DEPTH`` nodes in one chain: tanh and relu in turn, a dense layer every 500."""
    g = netir.Graph("deep")
    y = g.input((6,), name="x")
    for k in range(DEPTH - 1):
        y = g.dense(y, 6, name=f"fc{k}") if k % 500 == 0 else (g.tanh(y) if k % 2 else g.relu(y))
    g.output(y)
    return g


def test_the_graph_is_deeper_than_the_default_recursion_limit():
    g = deep_graph()
    assert len(g) == DEPTH
    assert all(len(n.inputs) <= 1 for n in g.nodes)
    assert DEPTH > 1000  # Python's default limit


@pytest.mark.parametrize("backend", list_sources())
def test_source_emitters_do_not_recurse_over_depth(backend):
    """Emitting under a recursion limit far below the depth succeeds: no walk of the
    graph's paths recurses."""
    g = deep_graph()
    expected = netir.to_source(g, backend)  # warm: imports done at the normal limit
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        text = netir.to_source(g, backend)
    finally:
        sys.setrecursionlimit(limit)
    assert text == expected
    assert len(text.splitlines()) > DEPTH


def test_deep_torch_source_equals_to_torch_bit_for_bit(tmp_path):
    pytest.importorskip("torch")
    from tests.source.test_torch_source import assert_same, run_isolated

    g = deep_graph()
    result = run_isolated({"deep": (g, netir.to_source(g, "torch"))}, tmp_path)
    assert_same(result)
    outputs, _, ref_outputs, _ = result["deep"]
    assert all(np.array_equal(a, b) for a, b in zip(outputs, ref_outputs))


def test_deep_keras_source_runs_without_netir_and_matches_to_keras(tmp_path):
    pytest.importorskip("keras")
    from tests.source.test_keras_source import assert_same, run_isolated

    g = deep_graph()
    source = netir.to_source(g, "keras")
    assert "sys.setrecursionlimit(" in source
    assert_same(run_isolated({"deep": (g, source)}, tmp_path), tolerance=1e-6)
