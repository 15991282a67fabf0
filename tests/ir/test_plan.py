"""The node plan: facts every backend reads, computed once by the IR (netir/ir/plan.py).
Expected values are worked out by hand from PyTorch's window rules."""

import pytest

import netir
from netir.ir.plan import batch_first, graph_plan, plan_of


def test_ceil_mode_pool_plans_the_overhang_on_the_after_side():
    # 8 cells, window 3, stride 2, ceil: windows start at 0, 2, 4, 6; the last one
    # covers 6..8, one cell past the input, so one cell of after-padding is needed.
    g = netir.Graph("p")
    g.max_pool2d(g.input((3, 8, 8)), 3, stride=2, ceil_mode=True, name="pool")
    w = plan_of(g, "pool").window
    assert g["pool"].shape == (3, 4, 4)
    assert w.padding == ((0, 0), (0, 0)) and w.exact == ((0, 1), (0, 1))
    assert w.effective == (3, 3) and w.symmetric


def test_same_padding_with_dilation_plans_the_effective_window():
    # 9 cells, kernel 3 dilated by 2 -> 5 cells; 'same' at stride 2 -> 5 outputs,
    # total padding (5-1)*2 + 5 - 9 = 4, split 2 / 2.
    g = netir.Graph("p")
    g.conv2d(g.input((3, 9, 9)), 4, 3, stride=2, padding="same", dilation=2, name="c")
    plan = plan_of(g, "c")
    assert plan.window.effective == (5, 5)
    assert plan.window.padding == ((2, 2), (2, 2)) == plan.window.exact
    assert dict(plan.params) == {"weight": (4, 3, 3, 3), "bias": (4,)}
    assert dict(plan.buffers) == {}


def test_asymmetric_same_padding_is_not_symmetric():
    # 224 cells, kernel 3, stride 2: 112 outputs need 111*2 + 3 - 224 = 1 cell, after.
    g = netir.Graph("p")
    g.conv2d(g.input((3, 224, 224)), 8, 3, stride=2, padding="same", name="c")
    w = plan_of(g, "c").window
    assert w.padding == ((0, 1), (0, 1)) and not w.symmetric


@pytest.mark.parametrize(("shape", "layout", "feature", "places"), [
    ((3, 8, 8), "CHW", 1, (2, 3)),
    ((4, 10), "CL", 1, (2,)),
    ((6, 5), "TC", 2, (1,)),
    ((2, 3, 4, 5), "CDHW", 1, (2, 3, 4)),
    ((7,), "C", 1, ()),
])
def test_feature_and_position_axes_are_batch_first(shape, layout, feature, places):
    g = netir.Graph("p")
    g.relu(g.input(shape, layout=layout), name="r")
    plan = plan_of(g, "r")
    assert (plan.feature_axis, plan.positions) == (feature, places)
    assert plan.output.layout == layout and plan.inputs[0] == shape


def test_consumers_are_every_reader_in_graph_order():
    g = netir.Graph("p")
    x = g.input((4,))
    a = g.relu(x, name="a")
    g.add(g.tanh(a, name="b"), g.sigmoid(a, name="c"), name="d")
    plans = graph_plan(g)
    assert plans["a"].consumers == ("b", "c")
    assert plans["input"].consumers == ("a",) and plans["d"].consumers == ()
    assert list(plans) == [n.name for n in g.nodes]


def test_a_plan_follows_the_graph_as_it_grows():
    g = netir.Graph("p")
    x = g.relu(g.input((4,)), name="a")
    assert plan_of(g, "a").consumers == ()
    g.tanh(x, name="b")
    assert plan_of(g, "a").consumers == ("b",)


def test_axis_attributes_shift_past_the_batch():
    assert batch_first(0, "axis", 0) == 1
    assert batch_first((0, 2), "axis", 0) == (1, 3)
    assert batch_first(None, "axis", 2) == 3          # None: the feature axis
    assert batch_first((1, 0), "permutation", 0) == (0, 2, 1)


def test_rank_one_and_transposed_windows_plan_one_entry_per_axis():
    # conv1d stores bare ints and one (left, right) pair; 10 + 1 + 2 - 3 + 1 = 11 outputs
    g = netir.Graph("p")
    g.conv1d(g.input((3, 10)), 4, 3, padding=(1, 2), name="c")
    g.conv_transpose2d(g.input((3, 5, 5), name="m"), 4, 3, stride=2, padding=1, name="t")
    w = plan_of(g, "c").window
    assert (w.kernel, w.stride, w.padding, w.exact) == ((3,), (1,), ((1, 2),), ((1, 2),))
    assert plan_of(g, "t").window.padding == ((1, 1), (1, 1))
