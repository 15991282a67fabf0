"""Logical layouts: each tensor knows which axis holds its features."""

import json

import pytest

import netir
from netir.ir.errors import AttributeValueError, SerializationError, ShapeError
from netir.ir.layout import TensorType, default_layout, feature_axis, features_last


def test_inputs_take_the_default_layout_of_their_rank_unless_stated():
    g = netir.Graph("g")
    assert [g.input(s).layout for s in [(4,), (4, 9), (4, 5, 6), (2, 3, 4, 5)]] == [
        "C", "CL", "CHW", "CDHW"]
    tokens = g.input((7, 16), layout="TC")
    assert (tokens.layout, feature_axis(tokens.layout)) == ("TC", 1)


def test_a_layout_of_another_rank_is_refused_naming_the_node():
    g = netir.Graph("g")
    with pytest.raises(AttributeValueError, match=r"^x \(input\): .*'layout'.*Got: 'TC'"):
        g.input((3, 8, 8), layout="TC", name="x")


def test_ops_carry_the_layout_through_and_flatten_ends_in_features():
    g = netir.Graph("g")
    t = g.input((7, 16), layout="TC")
    assert g.relu(t).layout == "TC"
    assert g.softmax(t, axis=1).layout == "TC"
    assert g.flatten(t).layout == "C"
    assert g.concat(t, t, axis=0).shape == (14, 16)
    assert g.concat(t, t).shape == (7, 32)  # default: the feature axis, last for tokens
    s = g.input((16, 7))
    assert g.concat(s, s).shape == (32, 7)  # features first for a sequence


def test_tensors_of_one_shape_but_other_layouts_do_not_merge():
    g = netir.Graph("g")
    tokens, seq = g.input((8, 8), layout="TC"), g.input((8, 8))
    with pytest.raises(ShapeError, match=r"^add \(add\): add needs inputs of one layout"):
        g.add(tokens, seq, name="add")


def test_ops_refuse_layouts_they_do_not_take():
    g = netir.Graph("g")
    with pytest.raises(ShapeError, match=r"\(batch_norm\): takes inputs of layout .*TC"):
        g.batch_norm(g.input((8, 4), layout="TC"))


def test_rules_receive_shapes_that_know_their_layout():
    shape = TensorType((7, 16), "TC")
    assert shape == (7, 16) and shape.features == 16 and shape.feature_axis == 1
    assert features_last("CHW") == (1, 2, 0) and features_last("TC") == (0, 1)
    assert default_layout(2) == "CL"


def test_layouts_are_stored_checked_and_round_trip():
    g = netir.Graph("g")
    g.relu(g.input((5, 3), layout="TC"))
    doc = json.loads(g.to_json())
    assert doc["version"] == 2 and [n["layout"] for n in doc["nodes"]] == ["TC", "TC"]
    assert netir.Graph.from_json(g.to_json())["relu"].layout == "TC"
    doc["nodes"][1]["layout"] = "CL"
    with pytest.raises(SerializationError, match="stored layout differs"):
        netir.Graph.from_json(json.dumps(doc))


def test_a_version_1_document_loads_unchanged_with_default_layouts():
    v1 = {"format": "netir.graph", "version": 1, "name": "old", "outputs": ["f"],
          "nodes": [{"name": "x", "op": "input", "inputs": [], "attrs": {"shape": [2, 4, 4]},
                     "shape": [2, 4, 4]},
                    {"name": "f", "op": "flatten", "inputs": ["x"], "attrs": {},
                     "shape": [32]}]}
    g = netir.Graph.from_json(json.dumps(v1))
    assert [(n.shape, n.layout) for n in g.nodes] == [((2, 4, 4), "CHW"), ((32,), "C")]


def test_the_summary_names_layouts_other_than_the_default():
    g = netir.Graph("g")
    g.relu(g.input((5, 3), layout="TC"), name="r")
    g.relu(g.input((5, 3)), name="s")
    rows = {line.split()[0]: line for line in g.summary(print_fn=None).splitlines()}
    assert "5×3 TC" in rows["r"] and "TC" not in rows["s"]


@pytest.mark.parametrize(("shape", "layout", "axes", "out"), [
    ((2, 3, 4, 5), "CDHW", (1,), ((2, 4, 5), "CHW")),
    ((4, 3, 5), "CHW", (2,), ((4, 3), "CL")),
    ((4, 3, 5), "CHW", (1, 2), ((4,), "C")),
    ((4, 3, 5), "CHW", (0, 1), ((5,), "C")),  # a plain vector of the W values
    ((6, 4), "TC", (0,), ((4,), "C")),
    ((6, 4), "TC", (1,), ((6,), "C")),
])
def test_reductions_keep_the_letters_of_the_axes_left(shape, layout, axes, out):
    g = netir.Graph("g")
    x = g.input(shape, layout=layout)
    y = g.mean(x, axes)
    assert (y.shape, y.layout) == out
    assert g.mean(x, axes, keepdims=True).layout == layout


def test_a_reduction_that_leaves_positions_without_features_is_refused():
    g = netir.Graph("g")
    with pytest.raises(ShapeError, match=r"^m \(sum\): .*rank 2 with axes HW of CHW"):
        g.sum(g.input((3, 4, 5)), 0, name="m")


def test_global_pools_keep_the_features_of_every_layout_with_positions():
    g = netir.Graph("g")
    assert g.global_avg_pool(g.input((6, 4), layout="TC")).shape == (4,)
    assert g.global_max_pool(g.input((3, 2, 4, 5))).shape == (3,)
    with pytest.raises(ShapeError, match=r"takes inputs of rank 2 or 3 or 4"):
        g.global_avg_pool(g.input((6,)))


def test_channel_ops_refuse_tokens_naming_the_layout():
    g = netir.Graph("g")
    t = g.input((6, 4), layout="TC")
    for op in ("group_norm", "channel_shuffle", "instance_norm"):
        with pytest.raises(ShapeError, match=rf"\({op}\): takes inputs of layout .*TC"):
            g.add_node(op, [t], attrs={"num_groups": 2} if op == "group_norm"
                       else {"groups": 2} if op == "channel_shuffle" else {})
