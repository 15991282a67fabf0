"""Repeated blocks are built in loops: a concatenation chain (each layer reads all the
features before it, as DenseNet's dense layers), a numbered stage of one block and drop
rates growing block by block; both files run without netir and equal the emitted models,
with torch's parameter names those of ``to_torch``."""

from __future__ import annotations

import numpy as np
import pytest

import netir
from netir.source import list_sources
from netir.source.loops import affine, find_runs, progressions, split_name

GROWTH, LAYERS = 4, 5


def looped_graph() -> netir.Graph:
    g = netir.Graph("looped")
    x = g.conv2d(g.input((3, 8, 8), name="x"), 6, 3, padding=1, name="stem")
    for k in range(1, LAYERS + 1):  # a dense block: x grows by GROWTH channels a layer
        scope = f"dense.layer{k}"
        y = g.relu(g.batch_norm(x, name=f"{scope}.norm"), name=f"{scope}.relu")
        y = g.conv2d(y, GROWTH, 3, padding=1, bias=False, name=f"{scope}.conv")
        x = g.concat(x, y, name=f"{scope}.cat")
    for k in range(4):  # a numbered stage of residual blocks, drop rates 0.1 * k / 7
        scope = f"stage.{k}"
        y = g.conv2d(x, 6 + GROWTH * LAYERS, 1, name=f"{scope}.conv")
        y = g.stochastic_depth(y, 0.1 * (k + 2) / 7, "row", name=f"{scope}.drop")
        x = g.add(x, y, name=f"{scope}.add")
    g.dense(g.flatten(g.global_avg_pool(x, name="pool"), name="flat"), 3, name="fc")
    return g


def test_progressions_and_their_code():
    assert progressions([[64 + 32 * k, 5, 0.5] for k in range(4)]) == [
        ("step", 64, 32), ("same", 5), ("same", 0.5)]
    (form,) = progressions([[0.1 * (k + 2) / 7] for k in range(4)])
    assert form[0] == "ratio"
    code = affine(form)
    assert [eval(code, {"i": i}) for i in range(4)] == [0.1 * (k + 2) / 7 for k in range(4)]
    assert progressions([[1], [2], [4]]) is None  # no progression
    assert progressions([[True], [False], [True]]) is None  # booleans are no integers
    assert affine(("step", 0, 1)) == "i" and affine(("step", 10, -2)) == "10 - 2 * i"


def test_runs_need_consecutive_numbered_names_of_one_type():
    items = [(f"layer{k}", "T", [k]) for k in range(1, 5)] + [("other", "T", [9])]
    assert find_runs(items) == [(0, 4)]
    assert find_runs([("a1", "T", []), ("a3", "T", []), ("a4", "T", [])]) == []
    assert find_runs([(str(k), "T", []) for k in range(2)]) == []  # shorter than MIN_RUN
    assert split_name("denselayer12") == ("denselayer", 12)
    assert split_name("block1-0") == ("block1-", 0)
    assert split_name("layer01") is None and split_name("conv") is None


@pytest.mark.parametrize("backend", list_sources())
def test_the_repeats_are_loops(backend):
    text = netir.to_source(looped_graph(), backend)
    assert text.count("for i in range(") == 2 or "in range(4))" in text, text
    assert f"range({LAYERS})" in text
    assert "0.1 * (i + 2) / 7" in text
    assert "layer1" not in text.replace("layer{i + 1}", "")  # no layer spelled out


def test_looped_torch_source_equals_to_torch_bit_for_bit(tmp_path):
    pytest.importorskip("torch")
    from tests.source.test_torch_source import assert_same, run_isolated

    g = looped_graph()
    result = run_isolated({"looped": (g, netir.to_source(g, "torch"))}, tmp_path)
    assert_same(result)  # the same parameter names too
    outputs, _, ref_outputs, _ = result["looped"]
    assert all(np.array_equal(a, b) for a, b in zip(outputs, ref_outputs))


def test_looped_keras_source_matches_to_keras(tmp_path):
    pytest.importorskip("keras")
    from tests.source.test_keras_source import assert_same, run_isolated

    g = looped_graph()
    result = run_isolated({"looped": (g, netir.to_source(g, "keras"))}, tmp_path)
    assert_same(result, tolerance=1e-6)
    _, names, _, graph = result["looped"]
    assert {n.name for n in graph.nodes} <= set(names)  # every node's layer, by name
