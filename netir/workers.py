"""Catalog work in worker processes: every CPU busy, the memory shared out, the largest
networks alone.

:func:`run_all` calls ``fn(name, memory=..., alone=..., **kwargs)`` for each name in
fresh worker processes and yields ``(name, result)`` as each finishes. With ``jobs``
workers each may count on ``1/jobs`` of the memory the machine can spare; a network
whose estimated ``size`` is more than that share, or whose ``fn`` raises ResourceError
within it, runs afterwards alone, with all of it (``alone=True``: the one call that may
fall back, for instance to a reduced width). A worker whose resident memory has grown
past :data:`RECYCLE_BYTES` is replaced, so the memory the frameworks keep after the
models they ran is returned to the machine.

The CPUs are shared out the same way: each of ``jobs`` workers gets ``CPUs // jobs``
threads, a network run alone gets them all. The limit is set in the environment a worker
is started with (:data:`THREAD_VARIABLES`), since OpenBLAS, OpenMP and TensorFlow read
it once, when they load. Without it every worker's NumPy, torch, TensorFlow and ONNX
Runtime each start a thread per CPU, and on two CPUs two workers ran a check up to 15×
slower than one: the BLAS threads of one process spin while the other's run.

Each worker is a one-process ``ProcessPoolExecutor`` of its own, replaced when it grows:
the executor's ``max_tasks_per_child`` does not exist before Python 3.11 and can leave a
pool without workers (CPython gh-115634), which hung the gallery.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from netir.ir.errors import ResourceError
from netir.ir.limits import available_memory, release_memory
from netir.progress import Bar

RECYCLE_BYTES = 3 * 2**30
#: The variables that bound a worker's threads: OpenMP (torch), OpenBLAS and MKL (NumPy),
#: TensorFlow's two pools and ``NETIR_THREADS`` (netir's ONNX Runtime sessions).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "NETIR_THREADS")


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def resident_bytes() -> int:
    """This process's resident memory now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def thread_limit() -> int:
    """The threads this process may use: ``NETIR_THREADS`` when a worker pool set it,
    else 0 (the libraries' own choice, a thread per CPU)."""
    try:
        return max(0, int(os.environ.get("NETIR_THREADS", "0")))
    except ValueError:
        return 0


#: Set in a worker's environment besides the thread limits: NumPy asks for no huge
#: pages. With the kernel's default ``defrag=madvise``, every fresh array NumPy marks
#: for huge pages waits while the kernel compacts memory: converting VGG-16's weights
#: to float64 took 2.7 s instead of 0.55 s on this project's machine.
WORKER_ENVIRONMENT = {"NUMPY_MADVISE_HUGEPAGE": "0"}


@contextmanager
def _worker_environment(count: int) -> Iterator[None]:
    """While a worker is started: its environment limits it to ``count`` threads (and
    holds :data:`WORKER_ENVIRONMENT`)."""
    saved = {v: os.environ.get(v) for v in (*THREAD_VARIABLES, *WORKER_ENVIRONMENT)}
    os.environ.update({v: str(count) for v in THREAD_VARIABLES})
    os.environ.update(WORKER_ENVIRONMENT)
    try:
        yield
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value


def call_in_worker(fn: Callable[..., Any], name: str, memory: int | None, alone: bool,
                    kwargs: dict[str, Any]) -> tuple[bool, Any, int]:
    """In a worker: (done, result, resident bytes after); not done when ``fn`` needed
    more than ``memory`` while sharing the machine."""
    try:
        result = fn(name, memory=memory, alone=alone, **kwargs)
    except ResourceError:
        if alone:
            raise
        return False, None, _resident_after_release()
    return True, result, _resident_after_release()


def _resident_after_release() -> int:
    """Resident bytes once what the last network freed is given back
    (:func:`~netir.ir.limits.release_memory`), so a worker is replaced for what it holds,
    not what it held: replacing one costs a fresh start, ~10 s of importing frameworks.

    What survives is then frozen (``gc.freeze``): the frameworks' half a million objects
    are no longer scanned by every later collection, each of which took 0.33 s (a
    check collects after each backend: 127 s over the catalog). They are still freed by
    reference counting; only a cycle among them would stay, in a worker that is
    replaced when it grows."""
    import gc

    release_memory()
    gc.freeze()
    return resident_bytes()


def run_all(fn: Callable[..., Any], names: list[str], *, jobs: int | None = None,
            size: Callable[[str], int] | None = None,
            cost: Callable[[str], float] | None = None, bar: Bar | None = None,
            op: str = "run", **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, fn(name, memory=..., alone=..., **kwargs))`` for every name, in the
    order they finish; ``fn`` must be importable by name (workers are spawned). ``jobs``
    defaults to the CPUs available; with one job ``fn`` runs in this process, alone.
    ``size(name)``: the bytes a network is expected to need; ``cost(name)``: its
    expected work, in any unit: the workers take the costliest first, so that the last
    to finish are short ones and no CPU waits long on the others (the names keep their
    order without it). ResourceError naming the network when its worker is killed (the
    machine ran out of memory)."""
    bar = bar or Bar()
    names = list(names)
    jobs = max(1, min(jobs or cpu_count(), len(names) or 1))
    if jobs == 1:
        for name in names:
            bar.working(name)
            yield name, fn(name, memory=None, alone=True, **kwargs)
            bar.done(name)
        return
    if cost is not None:
        work = {n: cost(n) for n in names}
        names.sort(key=lambda n: -work[n])  # stable: equal costs keep their order
    share = (available_memory() or 0) // jobs or None
    too_big = [n for n in names if share is not None and size is not None and size(n) > share]
    refused = []  # needed more than its share: run again alone
    for name, (done, result) in _run_on_workers(fn, [n for n in names if n not in too_big],
                                                jobs, share, False, bar, op, kwargs):
        if done:
            bar.done(name)
            yield name, result
        else:
            refused.append(name)
    for name, (_, result) in _run_on_workers(fn, too_big + refused, 1, None, True, bar, op,
                                             kwargs):
        bar.done(name)
        yield name, result


def _run_on_workers(fn: Callable[..., Any], names: list[str], jobs: int, memory: int | None,
                    alone: bool, bar: Bar, op: str,
                    kwargs: dict[str, Any]) -> Iterator[tuple[str, tuple[bool, Any]]]:
    """Run ``fn`` on each name in ``jobs`` worker processes (one-process executors, each
    started with ``CPUs // jobs`` threads and replaced after a network ``alone`` or when
    it grows past :data:`RECYCLE_BYTES`); yield ``(name, (done, result))`` as each
    finishes, ``done`` False when it needed more than ``memory`` while sharing."""
    pending = list(names)
    threads = max(1, cpu_count() // jobs)
    workers: list[ProcessPoolExecutor | None] = [None] * jobs
    running: dict[Future, tuple[int, str]] = {}
    context = get_context("spawn")
    try:
        while pending or running:
            busy = {slot for slot, _ in running.values()}
            for slot in range(jobs):
                if not pending or slot in busy:
                    continue
                name = pending.pop(0)
                bar.working(name)
                with _worker_environment(threads):  # a new worker starts at its first submit
                    if workers[slot] is None:
                        workers[slot] = ProcessPoolExecutor(1, mp_context=context)
                    future = workers[slot].submit(call_in_worker, fn, name, memory, alone, kwargs)
                running[future] = (slot, name)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                slot, name = running.pop(future)
                try:
                    done, result, resident = future.result()
                except BrokenProcessPool:
                    raise ResourceError("the process running it was killed (out of "
                                        "memory?); retry with --jobs 1", name, node=name,
                                        op=op) from None
                if alone or resident > RECYCLE_BYTES:
                    workers[slot].shutdown(wait=True)
                    workers[slot] = None
                yield name, (done, result)
    finally:
        for worker in workers:
            if worker is not None:
                worker.shutdown(wait=False, cancel_futures=True)
