"""What the IR cannot express is refused all at once, with where it comes from; a
module applied twice is refused naming both call sites; a shape the IR infers
differently from torch is an importer defect naming the node."""

from __future__ import annotations

import inspect

import pytest
import torch
from torch import nn

from netir import from_torch
from netir.importers.pytorch.table import TABLE
from netir.ir.errors import NetIRError, ShapeError, UnsupportedModelError
from tests.importers import refused_modules
from tests.importers.refused_modules import AppliedTwice, ReluTwice, ThreeUnsupported

_FILE = inspect.getsourcefile(refused_modules)


def _line(marker: str) -> int:
    """The line number in refused_modules.py of the line marked ``# refused: <marker>``."""
    lines = inspect.getsource(refused_modules).splitlines()
    found = [i + 1 for i, line in enumerate(lines) if line.endswith(f"# refused: {marker}")]
    assert len(found) == 1, marker
    return found[0]


def test_every_unsupported_node_is_listed_at_once():
    with pytest.raises(UnsupportedModelError) as info:
        from_torch(ThreeUnsupported(), torch.zeros(1, 3, 8, 8))
    err = info.value
    assert isinstance(err, NetIRError)
    assert [(p.target, p.path) for p in err.problems] == [
        ("torch.cumsum", ""), ("Tensor.flip", ""),
        ("torch.nn.modules.pixelshuffle.PixelShuffle", "shuffle")]
    for problem, marker in zip(err.problems, ("torch.cumsum", "Tensor.flip", "PixelShuffle")):
        assert f'File "{_FILE}", line {_line(marker)}' in problem.source, problem
        assert "no IR op" in problem.lacks
    message = str(err)
    assert message.startswith("ThreeUnsupported (from_torch): 3 node(s) the IR cannot express")
    for marker in ("torch.cumsum", "Tensor.flip", "PixelShuffle"):
        assert marker in message and f"line {_line(marker)}" in message


def test_a_module_applied_twice_is_refused_naming_both_call_sites():
    with pytest.raises(UnsupportedModelError) as info:
        from_torch(AppliedTwice(), torch.zeros(1, 3, 8, 8))
    problem, = info.value.problems
    assert problem.path == "body"
    assert "shared weights" in problem.lacks and "'body' is applied 2 times" in problem.lacks
    for marker in ("first call", "second call"):
        assert f'File "{_FILE}", line {_line(marker)}' in problem.lacks


def test_a_module_without_weights_may_be_applied_twice():
    graph, _ = from_torch(ReluTwice(), torch.zeros(1, 3, 8, 8))
    assert [(n.name, n.op) for n in graph.nodes] == [
        ("x", "input"), ("act", "relu"), ("conv", "conv2d"), ("act_1", "relu")]


def test_an_ir_shape_unlike_the_traced_one_is_an_importer_defect(monkeypatch):
    # a broken entry: ReLU imported as a 2x2 max pool halves the map torch keeps whole
    monkeypatch.setitem(TABLE.modules, nn.ReLU, lambda ctx, m, x: ctx.add(
        "max_pool2d", [x], {"kernel": (2, 2), "stride": (2, 2)}))
    with pytest.raises(ShapeError) as info:
        from_torch(ReluTwice(), torch.zeros(1, 3, 8, 8))
    err = info.value
    assert err.node == "act"
    assert "importer defect" in str(err)
    assert "(3, 4, 4)" in str(err) and "(3, 8, 8)" in str(err)
