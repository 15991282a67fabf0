"""Patterns that made the importer raise a raw exception now import, or are refused
with an UnsupportedModelError naming the node and what the IR lacks."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch

from netir import from_torch
from netir.emitters.registry import get_backend
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
