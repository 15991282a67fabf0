"""What every adversarial test asserts: the outcome is a value or a NetIRError, within
a time limit, and never a partial file."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from netir.ir.errors import NetIRError


class Hang(AssertionError):
    """The call ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail with :class:`Hang` when the block runs longer than ``seconds`` (main thread)."""

    def fire(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(fn: Callable[[], Any], seconds: float = 20.0) -> Any:
    """``fn()``'s value, or the NetIRError it raised. Any other exception, or a hang,
    fails the test with the offending exception chained."""
    with time_limit(seconds):
        try:
            return fn()
        except NetIRError as e:
            assert str(e).strip(), "a NetIRError with an empty message"
            return e


def no_partial_files(root: Path) -> list[Path]:
    """Temporary leftovers under ``root`` (netir's temporaries start with '.' and end
    with '.tmp'); empty when every write was atomic."""
    return [p for p in root.rglob(".*") if p.name.endswith(".tmp")]
