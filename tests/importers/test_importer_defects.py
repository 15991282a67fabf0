"""Patterns that made the importer raise a raw exception now import, or are refused
with an UnsupportedModelError naming the node and what the IR lacks."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

from netir import from_torch
from netir.emitters.registry import get_backend, list_backends
from netir.ir.errors import UnsupportedModelError
from tests.importers import defect_modules as dm

_FILE = inspect.getsourcefile(dm)


def _line(marker: str) -> int:
    lines = inspect.getsource(dm).splitlines()
    found = [i + 1 for i, line in enumerate(lines) if line.endswith(f"# refused: {marker}")]
    assert len(found) == 1, marker
    return found[0]


def _refused(module, x) -> list:
    with pytest.raises(UnsupportedModelError) as info:
        from_torch(module, x)
    return info.value.problems


def _torch_output(graph, weights, x):
    b = get_backend("torch")
    got, = b.run(b.emit_loaded(graph, None, weights), [x.numpy()])
    return got


def test_a_cache_filled_while_traced_is_left_as_it_was():
    torch.manual_seed(0)
    module = dm.CachedBias().eval()
    x = torch.randn(2, 3, 5, 5)
    first = from_torch(module, x)
    assert module.cache == {}  # no traced value left behind
    graph, weights = from_torch(module, x)  # a second import traces afresh
    assert graph.to_json() == first[0].to_json()
    with torch.no_grad():
        want = module(x).numpy()
    np.testing.assert_allclose(_torch_output(graph, weights, x), want, rtol=1e-5, atol=1e-6)


def test_an_argument_left_out_keeps_its_default():
    torch.manual_seed(0)
    module = dm.OptionalMask().eval()
    x = torch.randn(2, 6)
    graph, weights = from_torch(module, x)
    assert [n.op for n in graph.nodes] == ["input", "dense"]
    with torch.no_grad():
        want = module(x).numpy()
    np.testing.assert_allclose(_torch_output(graph, weights, x), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("module, x, marker, path, lacks", [
    (dm.SoftmaxOfParameter(), torch.zeros(1, 3, 4, 4), "softmax", "",
     "the learned tensor 'weights' is used other than"),
    (dm.LinearOfBuffer(), torch.zeros(1, 4), "mlp", "mlp",
     "the learned tensor 'table' is used other than"),
    (dm.SpaceToDepth(), torch.zeros(1, 3, 4, 4), "view", "",
     "a tensor of rank 5 besides the batch"),
])
def test_a_value_the_ir_has_no_tensor_for_is_refused_by_name(module, x, marker, path, lacks):
    problems = _refused(module, x)
    first = problems[0]
    assert first.path == path
    assert lacks in first.lacks, first
    assert f'File "{_FILE}", line {_line(marker)}' in first.source


def test_a_tuple_made_from_an_unsupported_value_is_not_a_traced_constant():
    problems = _refused(dm.SplitAfterUnsupported(), torch.zeros(1, 4, 3, 3))
    assert [p.target for p in problems] == ["torch.cumsum", "torch.tensor_split"]
    assert all("no IR op" in p.lacks for p in problems)
    assert not any("FakeTensor" in p.lacks for p in problems)


@pytest.mark.parametrize("backend", list_backends())
def test_what_fx_cannot_trace_torch_export_captures(backend):
    torch.manual_seed(0)
    module = dm.SizeBranches().eval()
    module.bn.running_mean.uniform_(-0.5, 0.5)
    module.bn.running_var.uniform_(0.5, 1.5)
    x = torch.randn(1, 3, 6, 6)
    with pytest.raises(torch.fx.proxy.TraceError):
        torch.fx.symbolic_trace(module)
    graph, weights = from_torch(module, x)
    ops = {n.name: n.op for n in graph.nodes}
    # names from nn_module_stack, learned tensors from the graph signature, norms whole
    assert (ops["conv"], ops["bn"], ops["norm"], ops["fc"]) == (
        "conv2d", "batch_norm", "layer_norm", "dense")
    for node, state in (("bn", module.bn), ("fc", module.fc)):
        for p, tensor in state.state_dict().items():
            if p in weights[node]:
                np.testing.assert_array_equal(weights[node][p], tensor.numpy())
    with torch.no_grad():
        want = module(x).numpy()
    b = get_backend(backend)
    got, = b.run(b.emit_loaded(graph, None, weights), [x.numpy()])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_what_neither_fx_nor_torch_export_captures_is_refused_naming_both():
    problem, = _refused(dm.ValueBranch(), torch.zeros(1, 3, 4, 4))
    assert "fx cannot trace it" in problem.lacks
    assert "torch.export cannot export it" in problem.lacks
