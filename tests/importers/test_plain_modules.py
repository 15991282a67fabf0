"""Hand-written PyTorch modules import and compute their own forward on every backend."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from netir import from_torch
from netir.emitters.registry import get_backend, list_backends
from tests.importers.plain_modules import PLAIN


def _imported(name):
    factory, shape = PLAIN[name]
    torch.manual_seed(0)
    module = factory().eval()
    for m in module.modules():  # non-trivial running statistics
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
    x = torch.randn(shape)
    graph, weights = from_torch(module, x, name=name)
    return module, x, graph, weights


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("name", sorted(PLAIN))
def test_imported_module_computes_its_forward(name, backend):
    module, x, graph, weights = _imported(name)
    with torch.no_grad():
        want = module(x).numpy()
    b = get_backend(backend)
    model = b.emit_loaded(graph, None, weights)
    got, = b.run(model, [x.numpy()])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _ops(graph):
    return [n.op for n in graph.nodes]


def test_rewrites_give_the_ir_ops():
    ops = {name: _ops(_imported(name)[2]) for name in PLAIN}
    # permute -> LayerNorm -> Linear -> GELU -> Linear -> permute back: no permute left
    assert ops["convnext_block"] == ["input", "conv2d", "layer_norm", "dense", "gelu", "dense",
                                     "add"]
    assert "channel_shuffle" in ops["shuffle"] and "reshape" not in ops["shuffle"]
    assert ops["mean_pool_head"].count("global_avg_pool") == 1
    assert ops["tiny_vit"][:3] == ["input", "conv2d", "to_tokens"]
    assert {"parameter", "multi_head_attention", "select"} <= set(ops["tiny_vit"])
    # the in-place `out += x` is the add the last relu reads
    graph = _imported("residual")[2]
    last = graph.nodes[-1]
    assert last.op == "relu" and graph[last.inputs[0]].op == "add"


def test_names_are_module_paths_and_weights_the_state_dict():
    module, _, graph, weights = _imported("small_cnn")
    names = [n.name for n in graph.nodes]
    assert names[:4] == ["input", "0", "1", "2"]
    state = module.state_dict()
    for node, params in weights.items():
        for p, value in params.items():
            assert np.array_equal(value, state[f"{node}.{p}"].numpy()), (node, p)
    assert {f"{n}.{p}" for n, ps in weights.items() for p in ps} == \
        {k for k in state if not k.endswith("num_batches_tracked")}


def test_a_video_network_imports_as_the_3d_ops():
    _, _, graph, weights = _imported("video")
    ops = _ops(graph)
    assert ops.count("conv3d") == 4 and ops.count("max_pool3d") == 2
    assert graph["block"].op == "conv3d"  # the nn.Conv3d subclass is one conv3d
    assert {"batch_norm", "avg_pool3d", "adaptive_avg_pool3d"} <= set(ops)
    assert weights["stem.0"]["weight"].shape == (8, 3, 3, 5, 5)  # OIDHW, torch's own
    assert graph["stem.0"].attrs["padding"] == ((1, 1), (2, 2), (2, 2))


def test_a_subclass_with_its_own_forward_is_traced_into():
    _, _, graph, _ = _imported("subclasses")
    assert _ops(graph)[-2:] == ["conv2d", "mul"] and graph["1"].op == "conv2d"
