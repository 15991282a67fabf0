"""The per-network runs of :func:`netir.workers.run_all` on a dask.distributed cluster
(the ``distributed`` extra): ``local`` starts a LocalCluster on this machine, an address
such as ``tcp://HOST:PORT`` uses a running scheduler.

dask places the work; nothing here schedules it. Each name is one task, the call a local
worker makes (``netir.workers.call_in_worker``: ``fn(name, memory=..., alone=...,
**kwargs)``), submitted at its ``cost`` as priority, so the costliest start first; the
names come back as ``(name, result)`` in the order they finish, as from ``run_all``.

Memory: each network may count on its worker's memory limit (the cluster's setting; a
LocalCluster shares the machine's memory out among its workers). A network expected to
need more, or whose ``fn`` raises ResourceError within it, runs again after the others,
one at a time, ``alone=True`` (the one call that may fall back to a reduced width), still
within its worker's limit. Workers are not replaced when they grow, as local ones are:
dask's nanny restarts a worker that passes 95 % of its limit. A LocalCluster's workers
neither pause nor spill at lower marks (the memory is the frameworks', not dask's, so a
paused worker would wait for ever) and start with ``CPUs // workers`` threads, the
thread limits of :mod:`netir.workers`.

A remote cluster's workers need netir and the frameworks installed; the function and its
arguments travel pickled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from netir.ir.errors import ArgumentError, ResourceError
from netir.progress import Bar
from netir.workers import THREAD_VARIABLES, WORKER_ENVIRONMENT, call_in_worker, cpu_count, run_all

LOCAL = "local"
#: A LocalCluster's scheduler serves no dashboard, and its HTTP routes (health, metrics)
#: on a free port of this machine only: the default, 8787, may be another cluster's.
_NO_DASHBOARD = {"dashboard": False, "dashboard_address": "127.0.0.1:0"}
EXTRA_HINT = "pip install 'netir[distributed]'"


def _distributed():
    """The ``distributed`` package, or ArgumentError naming the extra that installs it."""
    try:
        import distributed
    except ImportError:
        raise ArgumentError(f"a cluster needs dask.distributed: {EXTRA_HINT}") from None
    return distributed


def check_cluster(address: str) -> str:
    """``address`` once it is ``local`` or a scheduler address (``tcp://HOST:PORT``)
    and dask.distributed is installed; else ArgumentError saying which is wrong."""
    if address != LOCAL and "://" not in address:
        raise ArgumentError(f"cluster {address!r}: name 'local' or a scheduler address "
                            "such as tcp://HOST:8786")
    _distributed()
    return address


@contextmanager
def connect(address: str, workers: int | None = None) -> Iterator[Any]:
    """A dask Client: of a LocalCluster of ``workers`` processes (default: the CPUs),
    one thread each, when ``address`` is ``local``; else of the scheduler at
    ``address``. The LocalCluster is shut down on leaving."""
    distributed = _distributed()
    if address != LOCAL:
        with distributed.Client(address) as client:
            yield client
        return
    import dask

    count = workers or cpu_count()
    threads = str(max(1, cpu_count() // count))
    settings = {"distributed.nanny.pre-spawn-environ":
                dict.fromkeys(THREAD_VARIABLES, threads) | WORKER_ENVIRONMENT,
                "distributed.worker.memory.target": False,
                "distributed.worker.memory.spill": False,
                "distributed.worker.memory.pause": False}
    with dask.config.set(settings), \
            distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", scheduler_kwargs=_NO_DASHBOARD) \
            as cluster, \
            distributed.Client(cluster) as client:
        yield client


@contextmanager
def runner(cluster: str | None, jobs: int | None = None) -> Iterator[Callable[..., Any]]:
    """A function called as :func:`netir.workers.run_all` is, ``fn, names, **options``:
    ``run_all`` with ``jobs`` workers when ``cluster`` is None, else
    :func:`run_on_cluster` on the cluster :func:`connect` opens (``jobs``: a
    LocalCluster's workers)."""
    if cluster is None:
        yield partial(run_all, jobs=jobs)
        return
    with connect(cluster, jobs) as client:
        yield partial(run_on_cluster, client)


def worker_memory(client: Any) -> int | None:
    """The smallest memory limit of the cluster's workers (None: none has one)."""
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
    return min(limits) if limits and min(limits) > 0 else None


def run_on_cluster(client: Any, fn: Callable[..., Any], names: list[str], *,
                   size: Callable[[str], int] | None = None,
                   cost: Callable[[str], float] | None = None, bar: Bar | None = None,
                   op: str = "run", **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, fn(name, memory=..., alone=..., **kwargs))`` for every name, in the
    order they finish, computed on ``client``'s cluster (see the module's docstring).
    ResourceError naming the network when the workers running it were killed."""
    bar = bar or Bar()
    names = list(names)
    work = {n: cost(n) for n in names} if cost is not None else dict.fromkeys(names, 0.0)
    names.sort(key=lambda n: -work[n])  # submitted costliest first: the first to arrive
    memory = worker_memory(client)      # start at once, before the others' priorities
    too_big = [n for n in names if memory is not None and size is not None and size(n) > memory]
    refused = []
    shared = [n for n in names if n not in too_big]
    for name, (done, result) in _submit(client, fn, shared, memory, False, work, bar, op,
                                        kwargs):
        if done:
            bar.done(name)
            yield name, result
        else:
            refused.append(name)
    for name in too_big + refused:  # one at a time: nothing else of ours runs beside it
        for _, (_, result) in _submit(client, fn, [name], memory, True, work, bar, op,
                                      kwargs):
            bar.done(name)
            yield name, result


def _submit(client: Any, fn: Callable[..., Any], names: list[str], memory: int | None,
            alone: bool, work: dict[str, float], bar: Bar, op: str,
            kwargs: dict[str, Any]) -> Iterator[tuple[str, tuple[bool, Any]]]:
    """Submit one task per name; yield ``(name, (done, result))`` as each finishes."""
    distributed = _distributed()
    futures = {}
    for name in names:
        bar.working(name)
        future = client.submit(call_in_worker, fn, name, memory, alone, kwargs,
                               key=f"{op}-{name}-{uuid.uuid4().hex[:8]}", pure=False,
                               priority=work[name])
        futures[future] = name
    try:
        for future in distributed.as_completed(futures):
            name = futures[future]
            try:
                done, result, _ = future.result()
            except distributed.KilledWorker:
                raise ResourceError("the workers running it were killed (out of memory?); "
                                    "retry with a larger worker memory limit or without "
                                    "--cluster", name, node=name, op=op) from None
            future.release()
            yield name, (done, result)
    finally:
        client.cancel(list(futures))
