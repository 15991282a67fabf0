"""netir.workers.run_all: every network once, the big ones alone, workers replaced."""

import os

import pytest

from netir import workers
from netir.ir.errors import ResourceError
from netir.workers import run_all


def where(name, memory=None, alone=True, big=()):
    """A task for the workers: where and how it ran. Names in ``big`` need more than a
    share of the machine."""
    if name in big and not alone:
        raise ResourceError("too large to share the machine", name, node=name, op="test")
    return {"pid": os.getpid(), "memory": memory, "alone": alone}


def test_every_name_runs_once_in_worker_processes():
    names = [f"n{i}" for i in range(7)]
    got = dict(run_all(where, names, jobs=2))
    assert sorted(got) == names
    assert all(r["pid"] != os.getpid() and not r["alone"] for r in got.values())
    assert all(r["memory"] and r["memory"] > 0 for r in got.values())  # each its share
    assert len({r["pid"] for r in got.values()}) <= 2  # workers that stay small are kept


def test_a_network_too_large_to_share_runs_again_alone_with_all_the_memory():
    got = dict(run_all(where, ["a", "b", "c"], jobs=2, big=("b",)))
    assert got["b"]["alone"] and got["b"]["memory"] is None
    assert not got["a"]["alone"] and not got["c"]["alone"]


def test_a_network_expected_to_be_too_large_is_left_for_last_and_run_alone():
    order = [name for name, _ in run_all(where, ["huge", "a", "b"], jobs=2,
                                         size=lambda n: 2**62 if n == "huge" else 1)]
    assert order[-1] == "huge" and sorted(order) == ["a", "b", "huge"]


def test_workers_that_grow_are_replaced_and_every_task_still_finishes(monkeypatch):
    # Every worker past the threshold is replaced: more tasks than workers times the
    # executor's max_tasks_per_child once hung the pool with no worker left.
    monkeypatch.setattr(workers, "RECYCLE_BYTES", 0)
    names = [f"n{i}" for i in range(8)]
    got = dict(run_all(where, names, jobs=2))
    assert sorted(got) == names
    assert len({r["pid"] for r in got.values()}) == len(names)


def test_one_job_runs_in_this_process_alone():
    got = dict(run_all(where, ["a", "b"], jobs=1, big=("a",)))
    assert {r["pid"] for r in got.values()} == {os.getpid()}
    assert got["a"]["alone"] and got["a"]["memory"] is None


def test_an_error_in_a_worker_reaches_the_caller():
    with pytest.raises(ZeroDivisionError):
        dict(run_all(divide, ["1", "0"], jobs=2))


def divide(name, memory=None, alone=True):
    return 1 / int(name)


def threads_seen(name, memory=None, alone=True, big=()):
    """A task that reports the thread limits its worker was started with."""
    if name in big and not alone:
        raise ResourceError("too large to share the machine", name, node=name, op="test")
    return {v: os.environ.get(v) for v in (*workers.THREAD_VARIABLES,
                                            *workers.WORKER_ENVIRONMENT)}


def test_workers_share_the_cpus_and_a_network_alone_gets_them_all(monkeypatch):
    monkeypatch.setattr(workers, "cpu_count", lambda: 4)
    for variable in (*workers.THREAD_VARIABLES, *workers.WORKER_ENVIRONMENT):
        monkeypatch.delenv(variable, raising=False)
    got = dict(run_all(threads_seen, ["a", "b", "c"], jobs=2, big=("c",)))
    assert all(got[n] == dict.fromkeys(workers.THREAD_VARIABLES, "2")
               | workers.WORKER_ENVIRONMENT for n in "ab")
    assert got["c"] == dict.fromkeys(workers.THREAD_VARIABLES, "4") | workers.WORKER_ENVIRONMENT
    # the parent's own environment is as it was
    assert not any(v in os.environ for v in (*workers.THREAD_VARIABLES,
                                             *workers.WORKER_ENVIRONMENT))
    monkeypatch.setenv("NETIR_THREADS", "3")
    assert workers.thread_limit() == 3
    monkeypatch.setenv("NETIR_THREADS", "many")
    assert workers.thread_limit() == 0


_TAKEN: list[str] = []


def taken(name, memory=None, alone=True):
    """A task that reports the tasks its worker process has taken so far."""
    _TAKEN.append(name)
    return list(_TAKEN)


def test_the_costliest_networks_start_first():
    costs = {"a": 1.0, "b": 4.0, "c": 3.0, "d": 2.0, "e": 0.5}
    got = dict(run_all(taken, list(costs), jobs=2, cost=costs.get))
    assert sorted(got) == sorted(costs)
    assert {n for n, seen in got.items() if seen == [n]} == {"b", "c"}  # each worker's first
    later = {n: seen.index(n) for n, seen in got.items()}
    assert later["e"] >= 1 and later["a"] >= 1 and later["d"] >= 1
