"""The inference passes keep what a network computes, on every backend.

Each pass alone, and ``optimize`` as a whole, on random graphs made of the passes'
motifs and near misses (netir.testing.motifs): every output of the rewritten graph,
run in every registered backend, equals the original graph's PyTorch output within 1e-5
relative (float32). Then catalog networks (tests.catalog.catalog_sample) at a reduced
input (in PyTorch), and the ``optimize=True`` entry points of the three emitters and of
the command line.
"""

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, note, settings

import netir
from netir.architectures import build
from netir.catalog_checks import check_input
from netir.cli import main
from netir.emitters.compare import CATALOG_TOLERANCE, OP_TOLERANCE, run_backend
from netir.emitters.local_errors import magnitude, max_abs
from netir.emitters.weights import load_weights, random_weights
from netir.ir.passes import PASSES, optimize, run_pass
from netir.testing.motifs import optimizable_graphs
from tests.backends import usable_backends
from tests.catalog import catalog_sample

EXAMPLES = 15


def _run(graph, weights, x, backend):
    """Every output of ``graph`` in ``backend`` (channels first), as a check runs it
    (:func:`~netir.emitters.compare.run_backend`: the backend's own emit and run)."""
    return run_backend(backend, graph, weights, [x], [n.name for n in graph.outputs])[0]


def _assert_same_outputs(graph, new, new_weights, weights, tolerance, batch=2,
                         backends=None):
    """Every output of ``graph`` (original, PyTorch) against ``new`` in ``backends``
    (default: every registered backend that can run here)."""
    x = np.random.default_rng(7).standard_normal(
        (batch, *graph.inputs[0].shape)).astype(np.float32)
    names = [n.name for n in graph.outputs]
    assert [n.name for n in new.outputs] == names
    reference = _run(graph, weights, x, "torch")
    for backend in usable_backends() if backends is None else backends:
        for name, want, got in zip(names, reference, _run(new, new_weights, x, backend)):
            scale = max(1.0, magnitude(want))
            err = max_abs(got, want)  # NaN where both are NaN agrees
            assert err <= tolerance * scale, f"{name} on {backend}: {err:.3e} (scale {scale})"


@pytest.mark.parametrize("pass_", PASSES, ids=lambda p: p.name)
@settings(max_examples=EXAMPLES)
@given(graph=optimizable_graphs())
def test_each_pass_keeps_the_outputs(pass_, graph):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    weights = random_weights(graph, seed=3)
    new, new_weights = run_pass(graph, weights, pass_)
    _assert_same_outputs(graph, new, new_weights, weights, OP_TOLERANCE)


@settings(max_examples=2 * EXAMPLES)
@given(graph=optimizable_graphs(max_motifs=7))
def test_optimize_keeps_the_outputs(graph):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    weights = random_weights(graph, seed=4)
    new, new_weights = optimize(graph, weights)
    _assert_same_outputs(graph, new, new_weights, weights, OP_TOLERANCE)


@pytest.mark.parametrize("name", catalog_sample())
def test_optimized_catalog_network_computes_the_same(name):
    graph = build(name, input_size=check_input(name))
    weights = random_weights(graph)
    new, new_weights = optimize(graph, weights)
    bn_after_layer = sum(1 for n in graph.nodes if n.op == "batch_norm"
                         and graph[n.inputs[0]].op == "conv2d")
    # identities at inference (dropout, stochastic depth, a flatten of a vector), as each
    # op declares
    identities = sum(1 for n in graph.nodes if n.spec.rewrites.identity
                     and n.spec.rewrites.identity(n.attrs, graph.input_shapes(n)))
    assert len(new) == len(graph) - bn_after_layer - identities
    # PyTorch only, to keep the suite fast: the optimised graphs hold no op the random
    # graphs above do not run in every backend, and resnet18 runs in Keras below.
    _assert_same_outputs(graph, new, new_weights, weights, CATALOG_TOLERANCE, batch=1,
                         backends=("torch",))


def test_emitters_optimize_and_load_weights():
    import keras
    import torch

    graph = build("resnet18", input_size=(32, 32))
    weights = random_weights(graph)
    x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)
    (want,), _ = run_backend("torch", graph, weights, [x], [graph.outputs[0].name])
    tm = netir.to_torch(graph, optimize=True, weights=weights)
    km = netir.to_keras(graph, optimize=True, weights=weights)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in tm.modules())
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in km.layers)
    with torch.no_grad():
        got_torch = tm.eval()(torch.from_numpy(x)).numpy()
    got_keras = keras.ops.convert_to_numpy(km(np.transpose(x, (0, 2, 3, 1))))
    from netir.emitters.onnx import runtime, to_onnx

    onnx_model = to_onnx(graph, optimize=True, weights=weights)
    assert "BatchNormalization" not in {n.op_type for n in onnx_model.graph.node}
    (got_onnx,) = runtime.run(onnx_model, [x])
    for got in (got_torch, got_keras, got_onnx):
        assert np.max(np.abs(got - want)) <= CATALOG_TOLERANCE * max(1.0,
                                                                     np.max(np.abs(want)))


def test_inference_model_stores_maps_channels_last():
    """``optimize=True`` (the inference model) defaults to channels_last weights, so
    convolutions return channels_last maps even from a contiguous input; the training
    model stays contiguous; both compute the same values, and either can be asked for."""
    import torch

    graph = build("resnet18", input_size=(32, 32))
    weights = random_weights(graph)
    x = torch.from_numpy(
        np.random.default_rng(1).standard_normal((2, 3, 32, 32)).astype(np.float32))
    fast = netir.to_torch(graph, optimize=True, weights=weights)
    plain = netir.to_torch(graph, optimize=True, weights=weights, memory_format="contiguous")
    train = netir.to_torch(graph, weights=weights)
    last = torch.channels_last
    assert fast.conv1.weight.is_contiguous(memory_format=last)
    assert not plain.conv1.weight.is_contiguous(memory_format=last)
    assert not train.conv1.weight.is_contiguous(memory_format=last)
    assert fast.state_dict().keys() == plain.state_dict().keys()
    with torch.no_grad():
        assert fast.conv1(x).is_contiguous(memory_format=last)
        want, got = plain(x).numpy(), fast(x).numpy()
    assert np.max(np.abs(got - want)) <= OP_TOLERANCE * max(1.0, np.max(np.abs(want)))
    with pytest.raises(netir.NetIRError, match="memory_format"):
        netir.to_torch(graph, memory_format="nhwc")


def test_emit_requested_inner_output_survives_optimize():
    graph = build("resnet18", input_size=(32, 32))
    model = netir.to_torch(graph, ["bn1", "fc"], optimize=True)
    kept = {n.name: n.op for n in model.netir_graph}
    assert kept["bn1"] == "batch_norm" and kept["conv1"] == "conv2d"
    assert "layer1.0.bn1" not in kept


def test_cli_emit_and_render_optimize(tmp_path):
    r = CliRunner().invoke(main, ["emit", "resnet18", "--input", "3x32x32", "--num-classes",
                                  "10", "--backend", "torch", "--optimize", "-o",
                                  str(tmp_path / "t")])
    assert r.exit_code == 0, r.output
    saved = netir.Graph.load(tmp_path / "t" / "graph.json")
    assert saved == optimize(build("resnet18", input_size=(32, 32), num_classes=10))[0]
    assert not any(n.op == "batch_norm" for n in saved)
    weights = load_weights(tmp_path / "t" / "weights.safetensors")
    assert "bn1" not in weights and "bias" in weights["layer1.0.conv1"]
    for flag, name in (("--optimize", "o.dot"), (None, "p.dot")):
        args = ["render", "resnet18", "--level", "layer", "-o", str(tmp_path / name)]
        r = CliRunner().invoke(main, args + ([flag] if flag else []))
        assert r.exit_code == 0, r.output
    optimized, plain = (tmp_path / "o.dot").read_text(), (tmp_path / "p.dot").read_text()
    assert "batch norm" in plain and "batch norm" not in optimized
    assert optimized.count("conv 3×3") == plain.count("conv 3×3") > 0
