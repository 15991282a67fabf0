"""The typed builder: a stub current with the registry, and no op hiding a Graph method."""

import ast

import pytest

import netir
from netir.ir.registry import OpSpec, list_ops, register_op
from netir.ir.stubs import STUB, graph_stub


def test_graph_stub_is_current():
    assert STUB.read_text() == graph_stub(), "run: python -m netir.ir.stubs"


def test_stub_declares_every_op_and_graph_method():
    tree = ast.parse(graph_stub())
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    methods = {f.name for f in cls.body if isinstance(f, ast.FunctionDef)}
    assert set(list_ops()) <= methods
    assert {"output", "summary", "count_params", "scope", "add_node"} <= methods
    conv = next(f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "conv2d")
    assert [a.arg for a in conv.args.posonlyargs] == ["self", "x"]
    assert [a.arg for a in conv.args.args] == ["out_channels", "kernel"]
    assert "padding" in [a.arg for a in conv.args.kwonlyargs]


def test_no_builtin_op_hides_a_graph_attribute():
    assert not [op for op in list_ops() if hasattr(netir.Graph, op)]


@pytest.mark.parametrize("name", ["output", "summary", "depth", "scope", "_private"])
def test_an_op_named_like_a_graph_method_is_refused(name):
    with pytest.raises(netir.NetIRError, match="name of a Graph attribute"):
        register_op(OpSpec(name=name, category="activation", doc="clash"))
    assert name not in list_ops()
