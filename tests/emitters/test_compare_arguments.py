"""Every argument of compare and check is checked before any work: a hostile value is an
ArgumentError naming the argument and the value, never a NumPy or framework error."""

import math

import pytest

from netir import Graph
from netir.catalog_checks import check
from netir.emitters.compare import compare
from netir.ir.errors import ArgumentError, NetIRError


def _tiny() -> Graph:
    g = Graph("tiny")
    g.relu(g.dense(g.input((3,)), 2))
    return g


HOSTILE = {
    "batch": [0, -1, 1.5, True, None, 10**30, "2", math.nan],
    "seed": [-1, 1.5, True, None, 2**64, "0"],
    "tolerance": [0, -1e-4, 1.5, True, None, math.inf, math.nan, "1e-4", 10**400],
    "backends": ["reference", [], ["reference", "reference"], [1], 3, True],
    "outputs": ["relu", [], ["relu", "relu"], [None], 1.5, True],
    "weights": ["trained", None, 1, True, ""],
    "memory": [-1, 1.5, True, "1", 2**64],
    "input_shape": [(0, 8, 8), (-1,), (1.5, 8, 8), (True,), (), "3,8,8", 7, (1,) * 9],
}


@pytest.mark.parametrize(("argument", "value"),
                         [(a, v) for a, vs in HOSTILE.items() for v in vs],
                         ids=lambda v: repr(v)[:30])
def test_compare_refuses_a_hostile_argument_naming_it(argument, value):
    graph = "lenet5" if argument == "input_shape" else _tiny()
    with pytest.raises(ArgumentError) as err:
        compare(graph, **{argument: value})
    assert argument in str(err.value)
    assert isinstance(err.value, NetIRError) and isinstance(err.value, ValueError)


@pytest.mark.parametrize("graph", [None, 3, ["lenet5"], b"lenet5"], ids=repr)
def test_compare_refuses_what_is_not_a_graph(graph):
    with pytest.raises(ArgumentError, match="graph"):
        compare(graph)


CHECK_HOSTILE = {
    "networks": ["lenet5", None, 3, [None], [3], _tiny()],
    "input_shape": [(0, 8, 8), (3, 8), "3,8,8", (1.5, 8, 8)],
    "tolerance": [0, -1, True, None, math.nan],
    "backends": ["torch", [], [1]],
    "weights": ["trained", None],
    "progress": [1, "print"],
    "memory": [-1, True, 1.5],
    "reduce": [None, 1, "yes"],
    "max_params": [0, -1, True, 1.5, "9"],
}


@pytest.mark.parametrize(("argument", "value"),
                         [(a, v) for a, vs in CHECK_HOSTILE.items() for v in vs],
                         ids=lambda v: repr(v)[:30])
def test_check_refuses_a_hostile_argument_naming_it(argument, value):
    arguments = {"networks": ["lenet5"], **{argument: value}}
    with pytest.raises(ArgumentError) as err:
        check(**arguments)
    assert argument in str(err.value)


def test_valid_arguments_still_compare_and_report_the_headline():
    rep = compare(_tiny(), batch=1, seed=3, tolerance=1e-5, backends=["reference"],
                  outputs=["relu"], weights="random")
    assert rep.passed
    assert rep.max_rel == max(r.worst_rel for r in rep.results)
    assert 0.0 <= rep.max_rel <= 1e-5
    first = str(rep).splitlines()[0]
    assert first.startswith("tiny: PASS") and f"max rel {rep.max_rel:.1e}" in first
