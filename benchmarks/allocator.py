"""One allocator setting for every timed process, so allocation history does not move
the ratios.

glibc returns freed blocks above a dynamic threshold to the OS and maps large ones
afresh; how often that happens depends on what the process allocated before, and each
re-mapped page costs a fault on first touch. Fixing the thresholds (the mmap threshold
at glibc's maximum, 32 MiB, and a trim threshold of 1 GiB) keeps freed activations in
the heap on both sides of every pair. The benchmark re-executes itself once with these
variables set; its child processes inherit them.
"""

from __future__ import annotations

import os
import sys

SETTINGS = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(2**30)}


def fix_allocator() -> None:
    """Re-execute this script with :data:`SETTINGS` in the environment unless they are."""
    if all(os.environ.get(k) == v for k, v in SETTINGS.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **SETTINGS})


def describe() -> str:
    return ", ".join(f"{k}={v}" for k, v in SETTINGS.items())
