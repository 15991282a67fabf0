"""Timing helpers for the benchmarks: medians, interleaved pairs, collector passes."""

from __future__ import annotations

import gc
import statistics
import time


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls; garbage is collected before each (outside the
    timing), so one call does not pay for the previous call's garbage."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def interleaved_times(fns: dict, repeat: int, warmup: int = 1) -> tuple[dict, dict]:
    """Times of each function over ``repeat`` rounds, the order alternating between rounds
    (ABBA...) so neither side always runs first; and the minor page faults per call."""
    import resource

    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {k: [] for k in fns}
    faults = dict.fromkeys(fns, 0)
    for r in range(repeat):
        order = list(fns.items())
        for k, fn in (order if r % 2 == 0 else order[::-1]):
            f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
            faults[k] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f
    return times, {k: v / repeat for k, v in faults.items()}


def interleaved(fns: dict, repeat: int, warmup: int = 1) -> dict[str, float]:
    """Median time of each function over interleaved rounds (see interleaved_times)."""
    times, _ = interleaved_times(fns, repeat, warmup)
    return {k: statistics.median(v) for k, v in times.items()}


def full_collections(fn) -> tuple[int, float]:
    """(number, seconds) of the garbage collector's full passes while ``fn`` runs."""
    passes, start = [], {}

    def callback(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            start["t"] = time.perf_counter()
        else:
            passes.append(time.perf_counter() - start["t"])

    gc.collect()
    gc.callbacks.append(callback)
    try:
        fn()
    finally:
        gc.callbacks.remove(callback)
    return len(passes), sum(passes)
