"""Graph building: names, scopes, counts and every validation error's message."""

import numpy as np
import pytest

import netir
from netir import (
    ArityError,
    AttributeValueError,
    GraphError,
    NetIRError,
    ShapeError,
    UnknownOpError,
)
from netir.emitters.registry import list_backends


def lenet(input_size=32):
    g = netir.Graph("lenet5")
    x = g.input((1, input_size, input_size))
    x = g.tanh(g.conv2d(x, 6, kernel=5, name="c1"))
    x = g.avg_pool2d(x, 2, name="s2")
    x = g.tanh(g.conv2d(x, 16, kernel=5, name="c3"))
    x = g.avg_pool2d(x, 2, name="s4")
    x = g.tanh(g.conv2d(x, 120, kernel=5, name="c5"))
    x = g.tanh(g.dense(g.flatten(x), 84, name="f6"))
    g.dense(x, 10, name="output")
    return g


def test_lenet5_counts():
    g = lenet()
    assert g.count_params() == (61_706, 0)
    assert g.count_macs() == 416_520
    assert g["output"].shape == (10,)


def test_seed_tutorial_lenet_is_rejected_at_c5():
    with pytest.raises(ShapeError) as e:
        lenet(28)
    msg = str(e.value)
    assert msg.startswith("c5 (conv2d): ")
    assert "4×4" in msg and "5×5" in msg and "16×4×4" in msg


def test_scopes_nest_and_auto_names_are_deterministic():
    g = netir.Graph("t")
    x = g.input((3, 8, 8))
    with g.scope("layer1"), g.scope("0"):
        a = g.conv2d(x, 4, name="conv1")
        b = g.relu(a)
        c = g.relu(b)
    assert [a.name, b.name, c.name] == ["layer1.0.conv1", "layer1.0.relu", "layer1.0.relu_1"]
    assert g[a.name].scope == "layer1.0"


def test_edges_carry_ports_and_keep_order():
    g = netir.Graph("t")
    x = g.input((2, 4, 4))
    y = g.conv2d(x, 3, 1)
    z = g.concat(y, x)
    w = g.concat(x, x)
    assert g[z.name].inputs == (y.name, x.name)
    assert g.nx.edges[x.name, z.name]["ports"] == (1,)
    assert g.nx.edges[x.name, w.name]["ports"] == (0, 1)
    assert w.shape == (4, 4, 4)
    g.lint()


def test_outputs_default_to_sinks_and_can_be_set():
    g = netir.Graph("t")
    x = g.input((2, 4, 4))
    a, b = g.relu(x), g.tanh(x)
    assert [n.name for n in g.outputs] == [a.name, b.name]
    g.output(b)
    assert [n.name for n in g.outputs] == [b.name]


@pytest.mark.parametrize(("build", "error", "parts"), [
    (lambda g, x: g.add_node("conv4d", [x]), UnknownOpError, ["conv4d", "did you mean"]),
    (lambda g, x: g.conv2d(x, "six"), AttributeValueError, ["out_channels", "'six'"]),
    (lambda g, x: g.conv2d(x, 4, stride=0), AttributeValueError, ["stride", ">= 1"]),
    (lambda g, x: g.conv2d(x, 4, padding="full"), AttributeValueError, ["'full'"]),
    (lambda g, x: g.batch_norm(x, eps=0), AttributeValueError, ["eps", "0.0"]),
    (lambda g, x: g.dropout(x, 1.0), AttributeValueError, ["rate", "1.0"]),
    (lambda g, x: g.conv2d(x, 4, kernal=3), AttributeValueError, ["kernal", "kernel"]),
    (lambda g, x: g.add(x), ArityError, ["at least 2", "1 input"]),
    (lambda g, x: g.relu(x, x), ArityError, ["takes 1", "2 input"]),
    (lambda g, x: g.add(x, g.conv2d(x, 5, 1)), ShapeError, ["(4, 8, 8)", "(5, 8, 8)"]),
    (lambda g, x: g.concat(x, g.max_pool2d(x, 2)), ShapeError, ["(4, 8, 8)", "(4, 4, 4)"]),
    (lambda g, x: g.conv2d(x, 4, 9), ShapeError, ["9×9", "8×8"]),
    (lambda g, x: g.conv2d(x, 6, groups=3), ShapeError, ["groups=3", "in_channels=4"]),
    (lambda g, x: g.conv2d(x, 6, groups=4), ShapeError, ["out_channels=6"]),
    (lambda g, x: g.from_tokens(x, 2, 2), ShapeError, ["rank 2", "(4, 8, 8)"]),
    (lambda g, x: g.max_pool2d(x, 2, padding=2), ShapeError, ["smaller than the kernel"]),
    (lambda g, x: g.softmax(g.flatten(x), axis=1), ShapeError, ["axis=1"]),
])
def test_validation_errors_name_node_op_and_values(build, error, parts):
    g = netir.Graph("t")
    x = g.input((4, 8, 8), name="x")
    with pytest.raises(error) as e:
        build(g, x)
    msg = str(e.value)
    assert isinstance(e.value, NetIRError)
    assert " (" in msg and "Got: " in msg, msg
    for p in parts:
        assert p in msg, msg


def test_node_name_in_error_is_the_qualified_name():
    g = netir.Graph("t")
    x = g.input((4, 8, 8))
    with g.scope("block"), pytest.raises(ShapeError, match=r"^block\.big \(conv2d\)"):
        g.conv2d(x, 4, 11, name="big")


def test_duplicate_names_and_foreign_inputs():
    g, h = netir.Graph("g"), netir.Graph("h")
    x = g.input((1, 4, 4), name="x")
    g.relu(x, name="r")
    with pytest.raises(GraphError, match="already exists"):
        g.relu(x, name="r")
    with pytest.raises(GraphError, match="another graph"):
        h.relu(x, name="r")
    with pytest.raises(GraphError, match="names are"):
        g.relu(x, name="bad name")


def test_failed_add_leaves_graph_unchanged():
    g = netir.Graph("t")
    x = g.input((1, 4, 4))
    before = g.to_json()
    with pytest.raises(ShapeError):
        g.conv2d(x, 4, 5, name="c")
    assert g.to_json() == before and "c" not in g


def test_nodes_are_immutable():
    g = netir.Graph("t")
    x = g.conv2d(g.input((1, 4, 4)), 2)
    with pytest.raises(TypeError):
        x.node.attrs["groups"] = 2
    with pytest.raises(AttributeError):
        x.node.op = "relu"


def test_summary_lists_every_node_and_totals():
    g = lenet()
    text = g.summary(print_fn=None)
    for node in g.nodes:
        assert node.name in text
    assert "61,706" in text and "416,520" in text and "FLOPs = 2 × MACs" in text


def test_a_rejected_call_does_not_use_up_an_automatic_name():
    g = netir.Graph("g")
    x = g.input((3, 4, 4))
    assert g.conv2d(x, 4, 3).name == "conv2d"
    with pytest.raises(netir.ShapeError):
        g.conv2d(x, 4, 9)
    with pytest.raises(netir.ArityError):
        g.conv2d(x, 4, 3, 1, 1, 1, 1, 1, 1)
    assert g.conv2d(x, 4, 3).name == "conv2d_1"
    with g.scope("s"):
        with pytest.raises(netir.AttributeValueError):
            g.relu(x, bogus=1)
        assert g.relu(x).name == "s.relu"


def _with_gate() -> netir.Graph:
    g = netir.Graph("gated")
    x = g.input((4,))
    g.dense(x, 3, name="fc")
    g.sigmoid(x, name="gate")  # read by nothing
    return g


def test_several_undeclared_sinks_are_dead_and_refused_by_name():
    g = _with_gate()
    assert [n.name for n in g.dead_nodes()] == ["fc", "gate"]
    with pytest.raises(GraphError, match=r"declare them with g\.output") as err:
        g.model_outputs()
    assert "fc, gate" in str(err.value)
    with pytest.raises(GraphError, match="no outputs are declared"):
        netir.emit(g, "reference")


@pytest.mark.parametrize("backend", list_backends())
def test_a_sink_left_out_of_the_declared_outputs_is_not_returned(backend, installed):
    """Declared outputs say what the model returns: the unused gate is listed as dead
    (optimize removes it) but every backend's model returns fc alone, never the gate too."""
    g = _with_gate()
    g.output("fc")
    assert [n.name for n in g.dead_nodes()] == ["gate"]
    assert [n.name for n in g.model_outputs()] == ["fc"]
    impl = installed
    out = impl.run(impl.emit(g), [np.ones((2, 4), np.float32)])
    assert [o.shape for o in out] == [(2, 3)]


def test_declared_or_single_outputs_have_no_dead_nodes():
    g = _with_gate()
    g.output("gate", "fc")
    assert g.dead_nodes() == [] and [n.name for n in g.model_outputs()] == ["gate", "fc"]
    single = netir.Graph("single")
    single.relu(single.input((4,)))
    assert single.dead_nodes() == [] and [n.name for n in single.model_outputs()] == ["relu"]


def test_a_loaded_multi_output_graph_keeps_its_outputs_declared():
    g = _with_gate()
    g.output("fc", "gate")
    back = netir.Graph.from_json(g.to_json())
    assert [n.name for n in back.model_outputs()] == ["fc", "gate"]
