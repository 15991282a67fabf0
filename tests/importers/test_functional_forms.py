"""timm's functional forms import to the IR's existing ops and compute their module's own
forward on every backend; the learned tensors they use are the nodes' weights, named
for the module that holds them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from netir import from_torch
from netir.emitters.registry import get_backend, list_backends
from tests.importers.functional_modules import FUNCTIONAL


def _imported(name):
    factory, shape = FUNCTIONAL[name]
    torch.manual_seed(0)
    module = factory().eval()
    for m in module.modules():  # non-trivial statistics and affine parameters
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.LayerNorm, torch.nn.GroupNorm)):
            torch.nn.init.uniform_(m.weight, 0.5, 1.5)
            torch.nn.init.uniform_(m.bias, -0.5, 0.5)
    x = torch.randn(shape)
    graph, weights = from_torch(module, x, name=name)
    return module, x, graph, weights


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_form_computes_its_forward(name, backend):
    module, x, graph, weights = _imported(name)
    with torch.no_grad():
        want = module(x).numpy()
    b = get_backend(backend)
    got, = b.run(b.emit_loaded(graph, None, weights), [x.numpy()])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _ops(graph):
    return {n.name: n.op for n in graph.nodes}


def test_functional_norms_are_named_for_their_module_with_its_tensors():
    module, _, graph, weights = _imported("batch_norm_act")
    ops = _ops(graph)
    # the module's activation child is a node, so the norm is a node of its scope
    assert ops["bn.batch_norm"] == "batch_norm" and ops["bn.act"] == "relu"
    state = module.state_dict()
    for p in ("weight", "bias", "running_mean", "running_var"):
        np.testing.assert_array_equal(weights["bn.batch_norm"][p], state[f"bn.{p}"].numpy())
    module, _, graph, weights = _imported("norms")
    ops = _ops(graph)
    assert (ops["norm2d"], ops["gn"], ops["norm"]) == ("layer_norm", "group_norm", "layer_norm")
    assert "permute" not in ops.values()  # permute -> F.layer_norm -> permute back
    np.testing.assert_array_equal(weights["gn"]["weight"], module.gn.weight.detach().numpy())


def test_functional_linear_and_conv_take_the_modules_weights():
    module, _, graph, weights = _imported("std_linear_conv")
    ops = _ops(graph)
    assert ops["head"] == "dense" and "conv2d" in ops.values()
    np.testing.assert_array_equal(weights["head"]["weight"], module.head.weight.detach().numpy())


@pytest.mark.parametrize("name", ["block_fused", "block_spelled_out"])
def test_qkv_split_by_a_batch_moving_permute_is_three_selects(name):
    _, _, graph, _ = _imported(name)
    ops = [n.op for n in graph.nodes]
    assert ops.count("select") == 3 and "layer_scale" in ops
    assert ("scaled_dot_product_attention" in ops) == (name == "block_fused")
    assert ops.count("dense") == 2


def test_casts_to_the_same_dtype_are_no_ops():
    _, _, graph, _ = _imported("casts")
    assert sorted(n.op for n in graph.nodes) == ["add", "conv2d", "input", "mul", "mul"]
