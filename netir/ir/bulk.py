"""Bulk operations over whole graphs: pause the cyclic garbage collector meanwhile.

Loading, saving and drawing a graph allocate several containers per node and create no
reference cycles. CPython's collector still makes full passes over the growing heap
while they run; on a 100k-node graph those passes take about half the time and make
the cost grow faster than the node count. Pausing it (as msgpack advises for large
unpacking) keeps these operations linear. The collector's previous state is restored
on exit, also on error; nested uses are harmless.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block (``with collector_paused():``) or a function (``@collector_paused()``)
    with the cyclic garbage collector disabled; its previous state is restored on exit.

    Each use keeps its own saved state (a decorated function gets a fresh context per
    call), so recursive and threaded uses restore what they found. Building a very
    large graph in a loop benefits the same way::

        with collector_paused():
            for i in range(100_000):
                x = g.relu(x)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
