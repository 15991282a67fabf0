"""Hostile and careless use of the builder: every outcome is a graph the IR stands
behind, or a NetIRError naming what was wrong."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netir
from netir.ir.attrs import MAX_INT
from netir.ir.errors import (
    ArchitectureError,
    AttributeValueError,
    GraphError,
    NetIRError,
    ShapeError,
    UnknownOpError,
)
from netir.ir.graph import Graph
from netir.ir.registry import get_op, list_ops
from tests.adversarial.guards import outcome


def _graph():
    g = Graph("g")
    return g, g.input((4, 6, 6), name="x")


def test_add_node_refuses_a_non_string_op():
    g, _ = _graph()
    with pytest.raises(UnknownOpError, match="named by a string"):
        g.add_node(123)


def test_a_tensor_where_a_list_belongs_is_refused():
    g, x = _graph()
    with pytest.raises(GraphError, match="list of Tensors"):
        g.add_node("relu", x)


@pytest.mark.parametrize("attrs", ["abc", [("rate", 0.5)], 3, {1: 2}])
def test_attrs_must_be_a_mapping_of_names(attrs):
    g, x = _graph()
    with pytest.raises(AttributeValueError, match="mapping"):
        g.add_node("dropout", [x], attrs=attrs)


def test_a_tensor_of_another_graph_is_refused():
    g, _ = _graph()
    other = Graph("other")
    y = other.input((4, 6, 6))
    with pytest.raises(GraphError, match="another graph.*'other'"):
        g.relu(y)


@pytest.mark.parametrize("overrides, match", [
    ({"foo": 1}, "foo"),
    ({"input_size": "abc"}, "input_size"),
    ({"input_size": (32, 32, 32)}, "input_size"),
    ({"num_classes": 0}, "units"),
    ({"num_classes": True}, "bool"),
    ({"in_channels": 2.5}, "shape"),
])
def test_build_refuses_bad_overrides(overrides, match):
    with pytest.raises(NetIRError, match=match):
        netir.build("lenet5", **overrides)


def test_build_names_an_unknown_override():
    with pytest.raises(ArchitectureError, match="foo"):
        netir.build("resnet18", foo=1)


def test_output_with_nothing_is_refused():
    g, _ = _graph()
    with pytest.raises(GraphError, match="at least one output"):
        g.output()


def test_the_nx_view_is_read_only_and_detached():
    g, x = _graph()
    y = g.relu(x, name="y")
    view = g.nx
    with pytest.raises(GraphError, match="read-only"):
        view.remove_node("y")
    with pytest.raises(GraphError, match="read-only"):
        view.add_edge("y", "x")
    view.nodes["y"]["node"] = None  # data dicts are copies: the Graph is untouched
    assert g["y"].op == "relu" and y.shape == (4, 6, 6)
    z = g.relu(y, name="z")
    assert "z" in g.nx and "z" not in view and z.name == "z"


# -- names ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["forward", "training", "to", "eval", "state_dict", "cuda",
                                  "type", "parameters", "__init__", "graph", "meta", "code",
                                  "_code", "None", "class", "lambda", "0", "block1-0",
                                  "trunk_output.block1.block1-0.f.a.0"])
def test_names_of_every_kind_are_accepted(name):
    g, x = _graph()
    assert g.relu(x, name=name).name == name


@pytest.mark.parametrize("first, second", [("a.b", "a"), ("a", "a.b"), ("a.b.c", "a.b"),
                                           ("a.b", "a.b.c")])
def test_a_name_is_a_leaf_or_a_scope_never_both(first, second):
    g, x = _graph()
    g.relu(x, name=first)
    with pytest.raises(GraphError, match="layer or a scope"):
        g.relu(x, name=second)


def test_automatic_names_avoid_scopes():
    g, x = _graph()
    g.relu(x, name="relu.inner")
    assert g.relu(x).name == "relu_1"


@pytest.mark.parametrize("name", ['<a> { injected [label="X"] } digraph <b>', "a b", "a..b",
                                  ".a", "a.", "", "a/b", "a\nb", 'a"b', "é"])
def test_graph_and_node_names_outside_the_rule_are_refused(name):
    with pytest.raises(GraphError, match="graph names"):
        Graph(name)
    g, x = _graph()
    with pytest.raises(GraphError, match="node names"):
        g.relu(x, name=name)


_RULE = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")


@settings(max_examples=150)
@given(st.one_of(st.text(max_size=20), st.integers(), st.none(), st.binary(max_size=5),
                 st.lists(st.text(max_size=3), max_size=2)))
def test_fuzzed_node_names_follow_the_rule_or_are_refused(name):
    g, x = _graph()
    result = outcome(lambda: g.relu(x, name=name))
    if isinstance(result, NetIRError):
        assert isinstance(result, GraphError)
    elif name is None:
        assert result.name == "relu"
    else:
        assert _RULE.fullmatch(name) and result.name == name


# -- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [np.float32(0.25), np.float64(0.25), 0.25, np.array(0.25)])
def test_numpy_and_python_reals_are_accepted_alike(value):
    g, x = _graph()
    assert g.dropout(x, value).node.attrs["rate"] == 0.25


@pytest.mark.parametrize("value", [np.int64(3), np.int32(3), np.uint8(3), 3, np.array(3)])
def test_numpy_and_python_integers_are_accepted_alike(value):
    g, x = _graph()
    node = g.conv2d(x, value, kernel=value).node
    assert node.attrs["out_channels"] == 3 and node.attrs["kernel"] == (3, 3)
    assert type(node.attrs["out_channels"]) is int


def test_a_torch_zero_d_tensor_is_a_scalar():
    torch = pytest.importorskip("torch")
    g, x = _graph()
    assert g.dropout(x, torch.tensor(0.5)).node.attrs["rate"] == 0.5
    assert g.conv2d(x, torch.tensor(2)).node.attrs["out_channels"] == 2
    with pytest.raises(AttributeValueError):
        g.conv2d(x, torch.tensor([2]))


@pytest.mark.parametrize("eps", [math.inf, -math.inf, math.nan, 10**400, True, "1e-5",
                                 np.float64("inf"), 1 + 2j, np.bool_(True)])
def test_non_finite_or_non_numeric_reals_are_refused(eps):
    g, x = _graph()
    with pytest.raises(AttributeValueError, match="'eps'"):
        g.batch_norm(x, eps=eps)


@pytest.mark.parametrize("units", [0, -1, MAX_INT + 1, 2**40, 10**5000, True, 2.0, "3",
                                   np.bool_(True), None],
                         ids=["0", "-1", "max+1", "2^40", "5000 digits", "True", "2.0", "'3'",
                              "np.bool_", "None"])
def test_out_of_range_integers_are_refused(units):
    g = Graph("g")
    x = g.input((4,))
    with pytest.raises(AttributeValueError, match="'units'"):
        g.dense(x, units)


def test_lrn_size_is_bounded_by_the_channels():
    g, x = _graph()
    assert g.local_response_norm(x, 7).shape == (4, 6, 6)
    with pytest.raises(ShapeError, match="2·channels - 1"):
        g.local_response_norm(x, 8)


# -- every op, every attribute, drawn from the registry ----------------------------------------
_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), st.integers(2**31 - 2, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4),
    st.sampled_from(["same", "valid", np.float32(0.5), np.int64(2), np.array([1, 2]),
                     ((1, 0), (0, 1)), ((1, 2, 3),), (1, "a"), {"a": 1}, 10**400]),
    st.lists(st.integers(-1, 4), max_size=4).map(tuple),
)


def _input_for(op: str, g: Graph):
    spec = get_op(op)
    lo, _ = spec.arity_range
    shape = (4, 6, 6) if 3 in spec.ranks else (4,)
    return [g.input(shape, name=f"in{i}") for i in range(lo)]


@pytest.mark.parametrize("op", list_ops())
@settings(max_examples=40)
@given(data=st.data())
def test_fuzzed_attributes_give_a_valid_node_or_a_netir_error(op, data):
    spec = get_op(op)
    names = [a.name for a in spec.attrs]
    if not names:
        attrs = data.draw(st.dictionaries(st.text(max_size=3), _JUNK, max_size=2))
    else:
        attrs = data.draw(st.dictionaries(st.sampled_from(names), _JUNK, max_size=len(names)))
    g = Graph("g")
    inputs = _input_for(op, g)
    result = outcome(lambda: g.add_node(op, inputs, name="n", attrs=attrs))
    if isinstance(result, NetIRError):
        assert result.node == "n" and result.op == op
        return
    node = g["n"]
    assert all(math.isfinite(v) for v in node.attrs.values() if isinstance(v, float))
    assert all(0 <= v <= MAX_INT for v in node.attrs.values()
               if isinstance(v, int) and not isinstance(v, bool))
    assert Graph.from_json(g.to_json()) == g


@pytest.mark.parametrize("call", [
    lambda: get_op(["relu"]), lambda: netir.build(123), lambda: netir.build(["lenet5"]),
    lambda: netir.list_architectures(5), lambda: Graph("g").scope(3).__enter__(),
    lambda: Graph("g")[{"a": 1}], lambda: Graph(None),
])
def test_wrong_types_at_the_entry_points_are_netir_errors(call):
    assert isinstance(outcome(call), NetIRError)
