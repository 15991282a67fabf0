"""Bulk graph operations pause the garbage collector and always restore its state."""

import gc

import pytest

import netir
from netir.ir.bulk import collector_paused
from netir.ir.errors import SerializationError


def test_collector_is_paused_inside_and_restored_after_success_and_error():
    seen = []

    @collector_paused()
    def work(fail: bool):
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")
        return 7

    assert gc.isenabled()
    assert work(False) == 7
    assert gc.isenabled()
    with pytest.raises(ValueError):
        work(True)
    assert gc.isenabled() and seen == [False, False]
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        collector_paused()(lambda: None)()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_failed_load_and_successful_round_trip_leave_the_collector_on():
    g = netir.Graph("g")
    g.relu(g.input((3,)))
    assert netir.Graph.from_json(g.to_json()) == g
    assert gc.isenabled()
    with pytest.raises(SerializationError):
        netir.Graph.from_json('{"format": "netir.graph", "version": 1, "name": 3}')
    assert gc.isenabled()


def test_recursive_use_restores_the_state_it_found():
    @collector_paused()
    def nested(depth: int):
        assert not gc.isenabled()
        if depth:
            nested(depth - 1)
        assert not gc.isenabled()  # an inner exit must not re-enable it under us

    nested(3)
    assert gc.isenabled()
