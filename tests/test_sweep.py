"""netir.cluster: the local pool's per-network runs on a dask.distributed cluster give
the same results; without the extra, ``--cluster`` is a usage error naming it."""

import os
import sys
import time

import pytest
from click.testing import CliRunner

from netir.catalog_checks import check_one
from netir.cli import main
from netir.cluster import connect, run_on_cluster
from netir.ir.errors import ResourceError
from netir.workers import THREAD_VARIABLES, run_all

SMALL = ["lenet5", "squeezenet1_1", "shufflenet_v2_x0_5"]


@pytest.fixture(scope="module")
def client():
    with connect("local", 2) as c:
        yield c


def without_times(value):
    """A report's dict without its wall times (the one field two runs may differ in)."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def test_a_check_on_two_cluster_workers_equals_the_local_pools(client):
    options = {"backends": ["reference"], "weights": "calibrated"}
    local = dict(run_all(check_one, SMALL, jobs=2, **options))
    on_cluster = dict(run_on_cluster(client, check_one, SMALL, **options))
    assert sorted(on_cluster) == sorted(SMALL)
    for name in SMALL:
        assert on_cluster[name].network == name and on_cluster[name].passed
        assert without_times(on_cluster[name].as_dict()) == without_times(local[name].as_dict())


def where(name, memory=None, alone=True, big=()):
    """A task: where and how it ran. Names in ``big`` need more than a worker's share."""
    if name in big and not alone:
        raise ResourceError("too large to share the machine", name, node=name, op="test")
    return {"pid": os.getpid(), "memory": memory, "alone": alone,
            "threads": {v: os.environ.get(v) for v in THREAD_VARIABLES}}


def test_each_name_runs_once_in_a_worker_and_one_too_large_runs_again_alone(client):
    limits = {w["memory_limit"] for w in client.scheduler_info()["workers"].values()}
    threads = str(max(1, len(os.sched_getaffinity(0)) // 2))
    got = list(run_on_cluster(client, where, ["a", "b", "c", "d"], big=("c",)))
    assert sorted(n for n, _ in got) == ["a", "b", "c", "d"]
    assert got[-1][0] == "c"  # refused while sharing, run after the others
    results = dict(got)
    assert all(r["pid"] != os.getpid() for r in results.values())
    assert len({r["pid"] for r in results.values()}) <= 2
    assert [n for n, r in results.items() if r["alone"]] == ["c"]
    assert all(r["memory"] == min(limits) for r in results.values())
    assert all(r["threads"] == dict.fromkeys(THREAD_VARIABLES, threads)
               for r in results.values())


def test_one_expected_to_be_too_large_is_left_for_last(client):
    order = [n for n, _ in run_on_cluster(client, where, ["huge", "a", "b"],
                                          size=lambda n: 2**62 if n == "huge" else 1)]
    assert order[-1] == "huge" and sorted(order) == ["a", "b", "huge"]


def started(name, memory=None, alone=True):
    """A task that takes a while: when it started."""
    began = time.monotonic()
    time.sleep(0.5)
    return began


def test_the_costliest_start_first(client):
    cost = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
    began = dict(run_on_cluster(client, started, list(cost), cost=cost.__getitem__))
    assert set(sorted(began, key=began.get)[:2]) == {"c", "d"}


def test_an_error_in_a_task_reaches_the_caller(client):
    with pytest.raises(ZeroDivisionError):
        dict(run_on_cluster(client, divide, ["1", "0"]))


def divide(name, memory=None, alone=True):
    return 1 / int(name)


def test_check_on_a_local_cluster_prints_the_local_pools_table():
    args = ["check", "lenet5", "--backends", "reference"]
    local = CliRunner().invoke(main, args)
    on_cluster = CliRunner().invoke(main, [*args, "--cluster", "local", "--jobs", "1"])
    assert local.exit_code == on_cluster.exit_code == 0, on_cluster.output
    assert "1 passed, 0 failed" in on_cluster.output
    assert on_cluster.output.splitlines()[2].split()[:8] == local.output.splitlines()[2].split()[:8]


def test_without_the_extra_cluster_is_a_one_line_usage_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    result = CliRunner().invoke(main, ["check", "lenet5", "--cluster", "local"])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "pip install 'netir[distributed]'" in errors[0]
    assert "--cluster" in errors[0]


@pytest.mark.parametrize("args", [["--cluster", "somehost"],
                                  ["--cluster", "tcp://127.0.0.1:1", "--jobs", "2"]])
def test_a_bad_cluster_argument_is_a_usage_error(args):
    result = CliRunner().invoke(main, ["check", "lenet5", *args])
    assert result.exit_code == 2
    assert sum(line.startswith("Error") for line in result.output.splitlines()) == 1
