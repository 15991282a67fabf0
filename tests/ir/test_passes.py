"""The inference passes, framework-free: what each rewrites, what it must leave alone,
the weights it carries along, and a fixed point on random graphs.

That rewritten graphs compute the same numbers in every backend is proven in
tests/emitters/test_optimize.py.
"""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

import netir
from netir.emitters.weights import random_weights
from netir.ir.errors import GraphError
from netir.ir.passes import PASSES, optimize, run_pass
from netir.testing.motifs import optimizable_graphs

PASS = {p.name: p for p in PASSES}


def ops(graph):
    return [n.op for n in graph.nodes]


def conv_bn(bn_readers=1):
    g = netir.Graph("t")
    x = g.input((3, 8, 8))
    y = g.conv2d(x, 4, 3, bias=False, name="conv")
    z = g.batch_norm(y, eps=1e-3, name="bn")
    if bn_readers == 2:
        z = g.add(z, g.relu(y))
    g.relu(z, name="out")
    return g


def test_resnet50_folds_every_batch_norm_into_its_conv():
    g = netir.build("resnet50")
    new, _ = optimize(g)
    assert "batch_norm" not in ops(new)
    assert ops(new).count("conv2d") == ops(g).count("conv2d") == 53
    assert len(new) == len(g) - 53
    assert all(n.attrs["bias"] for n in new.nodes if n.op == "conv2d")
    assert new.count_params()[1] == 0
    assert new.count_macs() == g.count_macs()
    assert [n.name for n in new.outputs] == ["fc"]


def test_folded_weights_cover_exactly_the_new_graph():
    g = netir.build("resnet18", input_size=(32, 32))
    new, new_weights = optimize(g, random_weights(g))
    assert {n: {p: a.shape for p, a in ps.items()} for n, ps in new_weights.items()} == {
        n.name: new.param_shapes(n)[0] for n in new.nodes if n.op in ("conv2d", "dense")}


def test_densenet_folds_only_batch_norms_that_follow_a_conv():
    g = netir.build("densenet121")
    new, _ = optimize(g)
    after_conv = [n.name for n in g.nodes if n.op == "batch_norm" and
                  g[n.inputs[0]].op == "conv2d"]
    assert len(after_conv) == 1 + 58  # norm0 and each dense layer's norm2
    assert ops(new).count("batch_norm") == ops(g).count("batch_norm") - len(after_conv)
    assert "features.denseblock1.denselayer1.norm1" in new  # pre-activation: reads a concat


def test_fold_matches_batch_norm_arithmetic_on_a_dense_layer():
    g = netir.Graph("t")
    x = g.dense(g.input((5,)), 3, name="fc")
    g.tanh(g.batch_norm(x, eps=0.1, name="bn"), name="out")
    w = random_weights(g, seed=2)
    new, nw = optimize(g, w)
    assert ops(new) == ["input", "dense", "tanh"] and new["out"].inputs == ("fc",)
    v = np.random.default_rng(0).standard_normal((4, 5))
    fc = v @ w["fc"]["weight"].T.astype(np.float64) + w["fc"]["bias"]
    bn = w["bn"]
    want = (fc - bn["running_mean"]) / np.sqrt(bn["running_var"] + 0.1) * bn["weight"] + \
        bn["bias"]
    got = v @ nw["fc"]["weight"].T.astype(np.float64) + nw["fc"]["bias"]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert nw["fc"]["weight"].dtype == np.float32 and set(nw) == {"fc"}


def test_an_output_batch_norm_is_not_folded():
    g = netir.Graph("t")
    g.batch_norm(g.dense(g.input((5,)), 3, name="fc"), name="bn")
    new, _ = optimize(g)
    assert ops(new) == ["input", "dense", "batch_norm"]


def test_batch_norm_stays_where_the_conv_is_read_twice_or_kept():
    assert "batch_norm" in ops(optimize(conv_bn(bn_readers=2))[0])
    assert "batch_norm" in ops(optimize(conv_bn(), keep=["conv"])[0])
    assert "batch_norm" in ops(optimize(conv_bn(), keep=["bn"])[0])
    assert ops(optimize(conv_bn())[0]) == ["input", "conv2d", "relu"]


def test_fold_into_a_conv_without_bias_gives_it_one():
    g = conv_bn()
    w = random_weights(g)
    new, nw = optimize(g, w)
    assert new["conv"].attrs["bias"] is True and nw["conv"]["bias"].shape == (4,)
    assert nw["conv"]["weight"] is not w["conv"]["weight"]
    assert "bias" not in w["conv"]  # the given weights are not modified


def test_zero_pad_folds_into_a_conv_not_into_a_max_pool_or_a_shared_pad():
    g = netir.Graph("t")
    x = g.input((2, 6, 6))
    p = g.zero_pad2d(x, ((1, 0), (2, 1)), name="pad")
    y = g.conv2d(p, 3, 3, padding=((0, 1), (0, 0)), name="conv")
    q = g.zero_pad2d(y, 1, name="pad2")
    z = g.max_pool2d(q, 2, name="pool")
    r = g.zero_pad2d(z, 1, name="pad3")
    g.concat(g.conv2d(r, 2, 1, name="c1"), r)
    new, _ = optimize(g)
    assert "pad" not in new and {"pad2", "pad3"} <= set(n.name for n in new.nodes)
    assert new["conv"].attrs["padding"] == ((1, 1), (2, 1))
    assert new["conv"].inputs == ("input",) and new["conv"].shape == g["conv"].shape


def test_stochastic_depth_goes_for_inference_only_as_dropout():
    g = netir.Graph("t")
    x = g.conv2d(g.input((3, 4, 4)), 3, 1, name="conv")
    g.add(x, g.stochastic_depth(g.relu(x, name="act"), 0.2, name="drop"), name="sum")
    inference, _ = optimize(g)
    assert "drop" not in inference and inference["sum"].inputs == ("conv", "act")
    training, _ = optimize(g, for_inference=False)
    assert training == g


def test_dropout_goes_for_inference_only():
    g = netir.Graph("t")
    x = g.dropout(g.relu(g.input((4,))), 0.5, name="drop")
    g.dropout(g.dense(x, 2, name="fc"), 0.2, name="last")
    inference, _ = optimize(g)
    assert ops(inference) == ["input", "relu", "dense", "dropout"]  # an output stays
    assert inference["fc"].inputs == ("relu",)
    training, _ = optimize(g, for_inference=False)
    assert training == g


def test_reshape_of_a_reshape_and_dead_nodes():
    g = netir.Graph("t")
    x = g.input((2, 3, 3))
    a = g.flatten(x, name="f1")
    b = g.flatten(a, name="f2")
    g.relu(g.conv2d(x, 2, 1), name="unused")
    g.output(g.dense(b, 3, name="fc"))
    once, _ = run_pass(g, None, PASS["merge_reshapes"])
    assert once["f2"].inputs == ("input",)
    assert [n.name for n in once.outputs] == ["fc"]
    new, _ = optimize(g)
    assert [n.name for n in new.nodes] == ["input", "f1", "fc"]  # f2 flattened a vector
    assert [n.name for n in new.outputs] == ["fc"]


def test_inputs_stay_and_keep_names_are_checked():
    g = netir.Graph("t")
    g.input((3,), name="unused_input")
    g.output(g.relu(g.input((3,), name="x"), name="y"))
    new, _ = optimize(g)
    assert [n.name for n in new.nodes] == ["unused_input", "x", "y"]
    with pytest.raises(GraphError, match="nope"):
        optimize(g, keep=["nope"])


def test_missing_weights_name_the_node():
    g = conv_bn()
    w = random_weights(g)
    del w["bn"]
    with pytest.raises(GraphError, match=r"bn \(batch_norm\)"):
        optimize(g, w)


def test_optimize_leaves_its_inputs_alone_and_is_idempotent():
    g = netir.build("vgg11_bn", input_size=(32, 32))
    before = g.to_json()
    new, _ = optimize(g)
    assert g.to_json() == before
    assert optimize(new)[0] is new
    assert netir.Graph.from_json(new.to_json()) == new
    assert netir.optimize(g)[0] == new


@settings(max_examples=150)
@given(optimizable_graphs(max_motifs=7))
def test_nothing_left_to_rewrite_after_optimize(graph):
    new, _ = optimize(graph)
    keep = {n.name for n in new.outputs}
    assert keep == {n.name for n in graph.outputs}
    assert [n.name for n in new.inputs] == [n.name for n in graph.inputs]
    for node in new.nodes:
        if node.name in keep:
            continue
        readers = list(new.nx.successors(node.name))
        assert readers or node.op == "input", f"dead {node.name}"
        assert node.op != "dropout"
        if node.op == "zero_pad2d":
            assert not (len(readers) == 1 and new[readers[0]].op == "conv2d"), node.name
        if node.op in ("conv2d", "dense") and len(readers) == 1:
            assert new[readers[0]].op != "batch_norm" or readers[0] in keep, node.name
        if node.op == "flatten":
            assert len(new[node.inputs[0]].shape) == 3
    assert nx.is_directed_acyclic_graph(new.nx)
    assert len(new) <= len(graph)


def _conv_then_batch_norm(build, shape):
    g = netir.Graph("t")
    y = build(g, g.input(shape))
    g.tanh(g.batch_norm(y, eps=0.1, name="bn"), name="out")
    return g


@pytest.mark.parametrize("op, shape, build", [
    ("conv1d", (4, 9), lambda g, x: g.conv1d(x, 6, 3, padding=1, groups=2, name="conv")),
    ("conv2d", (4, 7, 7), lambda g, x: g.conv2d(x, 6, 3, stride=2, groups=2, name="conv")),
    ("conv3d", (4, 3, 5, 5), lambda g, x: g.conv3d(x, 6, (1, 3, 3), padding=(0, 1, 1),
                                                   stride=(1, 2, 2), groups=2, name="conv")),
    ("conv_transpose2d", (4, 5, 5),
     lambda g, x: g.conv_transpose2d(x, 6, 3, stride=2, groups=2, bias=False, name="conv")),
])
def test_batch_norm_folds_after_every_convolution_and_computes_the_same(op, shape, build):
    from netir.emitters.reference import execute, to_reference

    g = _conv_then_batch_norm(build, shape)
    w = random_weights(g, seed=3)
    new, nw = optimize(g, w)
    assert ops(new) == ["input", op, "tanh"] and new["out"].inputs == ("conv",)
    x = [np.random.default_rng(1).standard_normal((2, *shape))]
    want = execute(to_reference(g, ["out"], np.float64, w), x)[0]
    got = execute(to_reference(new, ["out"], np.float64, nw), x)[0]
    assert np.abs(want).max() > 0.1  # not a vanishing output
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
