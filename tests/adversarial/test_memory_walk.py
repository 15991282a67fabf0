"""Every op, lowered at a huge size on every backend, is refused with a ResourceError
naming a node before anything is allocated: never a MemoryError from NumPy or a framework.

Each op's per-op numeric case (tests/emitters/test_ops_numeric.py, which covers every
registered op) is rebuilt with every input axis scaled by one factor, until the graph
needs at least 64 GiB; the few whose attributes pin a size (a reshape's target, a token
grid) are written here at that size. The guard is told only 4 GiB are available, so an
unguarded allocation of the real size fails on any machine, where the refusal costs
nothing."""

import copy

import pytest

import netir
from netir.emitters.calibration import make_weights
from netir.emitters.registry import list_backends
from netir.ir.errors import NetIRError, ResourceError
from netir.ir.limits import estimate_bytes, memory_limit, weight_bytes
from netir.ir.registry import list_ops
from netir.ir.serialize import graph_from_document, graph_to_document
from tests.emitters.test_ops_numeric import CASES

HUGE = 2**36            # bytes a walked graph needs at least
LIMIT = 2**32           # what the guard is told is available
MAX_AXIS = 2**31 - 1    # the IR's largest axis
#: weights a walked graph holds at least: per-channel ones (a vector of the largest axis)
#: reach it
HUGE_WEIGHTS = 2**33


def _total_weights(graph: netir.Graph) -> int:
    return sum(weight_bytes(graph, n) for n in graph.nodes)


def _scaled(graph: netir.Graph, need=estimate_bytes, huge: int = HUGE) -> netir.Graph | None:
    """``graph`` with every input axis longer than 1 multiplied by one factor, the
    smallest power of two for which ``need`` of it is at least ``huge`` bytes; None when its
    attributes pin a size or the axes would pass the IR's largest."""
    doc = graph_to_document(graph)
    for entry in doc["nodes"]:
        entry.pop("shape", None)
    k = 2
    while True:
        scaled = copy.deepcopy(doc)
        for entry in scaled["nodes"]:
            if entry["op"] == "input":
                entry["attrs"]["shape"] = [s * k if s > 1 else 1
                                           for s in entry["attrs"]["shape"]]
                if max(entry["attrs"]["shape"]) > MAX_AXIS:
                    return None
        try:
            built = graph_from_document(scaled)
        except NetIRError:
            return None
        if need(built) >= huge:
            return built
        k *= 2


def _written() -> dict[str, netir.Graph]:
    """The ops whose every numeric case pins a size, at a huge one."""
    t = 2**17
    g1 = netir.Graph("from_tokens")
    g1.from_tokens(g1.input((t * t // 64, 64), layout="TC"), t // 8, t // 8)
    g2 = netir.Graph("reshape")
    g2.reshape(g2.input((64, t, t // 4)), (t * 16, t), layout="TC")
    g3 = netir.Graph("sigmoid")
    g3.sigmoid(g3.input((64, t, t // 4)))
    return {"from_tokens": g1, "reshape": g2, "sigmoid": g3}


def _written_weights() -> dict[str, netir.Graph]:
    """The weighted ops whose numeric cases pin the weights' size, at a huge one."""
    p = netir.Graph("parameter")
    p.parameter(p.input((3, 4)), (2**16, 2**16), layout="TC")  # 16 GiB
    a = netir.Graph("prelu")
    a.prelu(a.input((MAX_AXIS, 1)), MAX_AXIS)  # 8 GiB
    return {"parameter": p, "prelu": a}


def _walk(need=estimate_bytes, huge: int = HUGE,
          written=_written) -> dict[str, netir.Graph]:
    """One huge graph per op: ``written``'s, then the first numeric case of each other
    op that scales."""
    found = written()
    for _, graph in sorted(CASES.items()):
        ops = {n.op for n in graph.nodes} - {"input"} - set(found)
        if ops and (big := _scaled(graph, need, huge)) is not None:
            found.update(dict.fromkeys(ops, big))
    return found


WALK = _walk()
#: per op that declares weights, a graph whose weights alone need HUGE bytes
WEIGHT_WALK = _walk(_total_weights, HUGE_WEIGHTS, _written_weights)
#: the ops whose numeric cases hold weights
WEIGHTED = {n.op for g in CASES.values() for n in g.nodes if sum(g.node_params(n))}


def test_the_walk_covers_every_registered_op():
    assert set(WALK) | {"input"} == set(list_ops())
    assert all(estimate_bytes(g) >= HUGE for g in WALK.values())


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("op", sorted(WALK))
def test_every_op_at_a_huge_size_is_refused_before_it_is_allocated(backend, op, installed):
    graph = WALK[op]
    with memory_limit(LIMIT), pytest.raises(ResourceError) as err:
        installed.emit(graph)
    assert err.value.node in graph and "available" in str(err.value)


def test_the_weight_walk_covers_every_weighted_op():
    assert set(WEIGHT_WALK) - {"flatten"} == WEIGHTED and len(WEIGHTED) >= 10
    assert all(_total_weights(WEIGHT_WALK[op]) >= HUGE_WEIGHTS for op in WEIGHTED)


@pytest.mark.parametrize("draw", ["random", "calibrated"])
@pytest.mark.parametrize("op", sorted(WEIGHTED))
def test_huge_weights_are_refused_before_they_are_drawn(op, draw):
    graph = WEIGHT_WALK[op]
    with memory_limit(LIMIT), pytest.raises(ResourceError) as err:
        make_weights(graph, draw, 0)
    assert err.value.node in graph and "weights" in str(err.value)
