"""A progress bar for long runs over the catalog: network name, elapsed time, ETA.

Drawn with ``rich`` on a terminal; silent when the stream is not a terminal (logs, CI,
pipes) or ``rich`` is not installed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Bar:
    """Call ``working(name)`` when an item starts and ``done(name)`` when it ends."""

    def __init__(self, progress=None, task=None) -> None:
        self._progress, self._task = progress, task

    def working(self, name: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, name=name)

    def done(self, name: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, name=name)


@contextmanager
def progress_bar(total: int, label: str, stream: TextIO | None = None) -> Iterator[Bar]:
    """A :class:`Bar` over ``total`` items, drawn on ``stream`` (stderr) if a terminal."""
    stream = stream or sys.stderr
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:
        yield Bar()
        return
    if not stream.isatty():
        yield Bar()
        return
    columns = (TextColumn(f"{label} [bold]{{task.fields[name]:<16}}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream)) as p:
        yield Bar(p, p.add_task(label, total=total, name=""))
