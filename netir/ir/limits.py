"""What an emitted model may ask of the machine: memory and Python recursion depth.

Emitters call :func:`check_memory` before they allocate anything, so a graph whose
parameters and activations cannot fit is refused with a :class:`ResourceError` naming
the largest node, instead of reaching a framework's allocator (which may crash, or
work for minutes first). Frameworks walk module trees and layer graphs recursively;
:func:`ensure_recursion_limit` raises Python's limit to what a deep graph needs, up to
``MAX_RECURSION``, beyond which the graph is refused naming the limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from math import prod

from netir.ir.errors import ResourceError

BYTES_PER_ELEMENT = 4  # float32
MAX_RECURSION = 200_000


def gib(n: int) -> str:
    """``n`` bytes as ``"1.50 GiB"``, as the guards report sizes."""
    return f"{n / 2**30:.2f} GiB"


def _meminfo() -> dict[str, int]:
    out = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("MemAvailable", "MemTotal"):
                    out[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if "MemTotal" not in out:
        try:
            out["MemTotal"] = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            out["MemAvailable"] = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, AttributeError):
            pass
    return out


def _cgroup_limit() -> int | None:
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            limit = f.read().strip()
        return None if limit == "max" else int(limit)
    except (OSError, ValueError):
        return None


_LIMIT: list[int] = []  # the innermost memory_limit(), if any


@contextmanager
def memory_limit(nbytes: int) -> Iterator[None]:
    """Inside, :func:`available_memory` is at most ``nbytes``: a test (or a host that
    shares its memory) makes the guard refuse what would not fit there, without
    allocating it. Nests; the innermost limit holds."""
    _LIMIT.append(int(nbytes))
    try:
        yield
    finally:
        _LIMIT.pop()


def available_memory() -> int | None:
    """Bytes a model may count on: what is free now, but at least half the machine's
    memory (others' use comes and goes; a model that needs more than that is refused
    whatever the moment), never more than a cgroup limit or a :func:`memory_limit`.
    None where unknown."""
    info = _meminfo()
    if "MemTotal" not in info:
        return _LIMIT[-1] if _LIMIT else None
    found = max(info.get("MemAvailable", 0), info["MemTotal"] // 2)
    limit = _cgroup_limit()
    found = found if limit is None else min(found, limit)
    return min(found, _LIMIT[-1]) if _LIMIT else found


def release_memory() -> None:
    """Give what this process freed back to the machine: collect cycles, then trim the C
    heap (glibc keeps freed blocks below its mmap threshold, which grows to 32 MiB, for
    reuse; a framework's freed model stays resident until trimmed). A no-op beyond
    collecting where the C library is not glibc."""
    import ctypes
    import gc

    gc.collect()
    with suppress(OSError, AttributeError):  # AttributeError: no malloc_trim
        ctypes.CDLL(None).malloc_trim(0)


def workspace_bytes(graph, node) -> int:
    """What lowering ``node`` allocates beyond its parameters and output, as its op
    declares (:attr:`~netir.ir.registry.OpSpec.workspace`; 0 when it declares none)."""
    rule = node.spec.workspace
    return 0 if rule is None else int(rule(node.attrs, graph.input_shapes(node), node.shape))


def node_bytes(graph, node, batch: int = 1) -> int:
    """Parameters and buffers of one node, plus twice its output, in bytes (float32),
    plus the workspace its lowering allocates (:func:`workspace_bytes`).

    The output counts twice: a framework holds a layer's input and output at once,
    and emitters build constant maps the size of an output (an exact average pool's
    per-cell divisors, in 8-byte integers, for one channel).
    """
    trainable, buffers = graph.node_params(node)
    return (BYTES_PER_ELEMENT * (trainable + buffers + 2 * batch * prod(node.shape))
            + workspace_bytes(graph, node))


#: Copies of a parameter drawing it holds at its peak: the draw and the scaled result.
DRAW_COPIES = 2


def weight_bytes(graph, node) -> int:
    """What drawing ``node``'s random weights allocates: each parameter and buffer in
    float32 (the drawn dtype), :data:`DRAW_COPIES` times."""
    return DRAW_COPIES * BYTES_PER_ELEMENT * sum(graph.node_params(node))


def check_weights_memory(graph, available: int | None = None) -> None:
    """ResourceError, before anything is drawn, when the weights of ``graph`` would
    need more memory (:func:`weight_bytes`) than ``available`` (default
    :func:`available_memory`), naming the node whose weights are largest."""
    available = available_memory() if available is None else available
    if available is None or not len(graph):
        return
    need = sum(weight_bytes(graph, n) for n in graph.nodes)
    if need <= available:
        return
    largest = max(graph.nodes, key=lambda n: weight_bytes(graph, n))
    raise ResourceError(f"drawing its weights needs about {gib(need)}, more than the "
                        f"{gib(available)} available", f"{largest.name} alone needs "
                        f"{gib(weight_bytes(graph, largest))} "
                        f"({sum(graph.node_params(largest)):,} parameters and buffers)",
                        node=largest.name, op=largest.op)


def estimate_bytes(graph, batch: int = 1) -> int:
    """An upper estimate of what running ``graph`` needs: every parameter and buffer,
    plus every node's output at ``batch`` (as if none were freed), in float32."""
    return sum(node_bytes(graph, n, batch) for n in graph.nodes)


def check_memory(graph, batch: int = 1, available: int | None = None) -> None:
    """ResourceError when ``graph`` at ``batch`` would need more memory than is
    available, naming the node that needs most and the sizes."""
    available = available_memory() if available is None else available
    if available is None or not len(graph):
        return
    need = estimate_bytes(graph, batch)
    if need <= available:
        return
    largest = max(graph.nodes, key=lambda n: node_bytes(graph, n, batch))
    work = workspace_bytes(graph, largest)
    raise ResourceError(f"the model needs about {gib(need)} for its parameters, "
                        f"activations and lowering workspace at batch {batch}, more than "
                        f"the {gib(available)} available", f"{largest.name} alone needs "
                        f"{gib(node_bytes(graph, largest, batch))} (output "
                        f"{largest.shape}" + (f", workspace {gib(work)}" if work else "")
                        + ")", node=largest.name, op=largest.op)


def ensure_recursion_limit(frames: int, what: str) -> None:
    """Raise Python's recursion limit to leave ``frames`` (plus a margin) for a
    framework's recursive walks; ResourceError naming the limit beyond MAX_RECURSION.
    The limit is never lowered."""
    need = frames + 1000
    if need > MAX_RECURSION:
        raise ResourceError(f"{what} needs about {need:,} nested Python calls, beyond "
                            f"netir's limit of {MAX_RECURSION:,}", f"{frames:,} levels",
                            node="<graph>", op="emit")
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)
