"""Importing a framework with its start-up log lines filtered out of file descriptor 2.

TensorFlow's C++ logger writes some lines before it reads ``TF_CPP_MIN_LOG_LEVEL``: with
oneDNN on (the default on Intel CPUs, ``TF_ENABLE_ONEDNN_OPTS=1`` elsewhere) every
``import tensorflow`` prints, twice::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796607611.835533    7495 port.cc:153] oneDNN custom operations are on. ...

whatever the level. :func:`import_quietly` imports a module with file descriptor 2
(C++ and Python writes alike) sent through a filter that drops only the informational
lines the level asks to hide (:func:`is_noise`) and passes every other byte on as it
comes.

The filter is a separate process (this file run as a script, standard library only):
if the import aborts the interpreter, as TensorFlow does on a CPU without the
instructions it was built for, the filter still reads the fatal message to the end
and writes it out.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import subprocess
import sys
from types import ModuleType

#: A C++ (glog/absl) INFO line's prefix: severity letter, date, time, thread, file:line.
_INFO_LINE = re.compile(rb"I\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^ \]]+:\d+\] ")
#: absl's notice before its first log line when logging is not initialised yet.
_ABSL_NOTICE = b"WARNING: All log messages before absl::InitializeLog() is called"


def is_noise(line: bytes, level: int) -> bool:
    """Whether ``line`` is informational framework output that ``TF_CPP_MIN_LOG_LEVEL=
    level`` hides: from level 1 on, a C++ INFO line or absl's pre-initialisation notice.

    Level 0 hides nothing. WARNING, ERROR and FATAL lines (TensorFlow's warning that
    ``TF_ENABLE_ONEDNN_OPTS`` has a value it does not know, for one) and anything not
    in the C++ log format always pass.
    """
    return level >= 1 and (line.startswith(_ABSL_NOTICE) or _INFO_LINE.match(line) is not None)


def filter_stream(source, sink, level: int) -> None:
    """Copy ``source`` to ``sink`` line by line, less the lines :func:`is_noise` drops."""
    for line in iter(source.readline, b""):
        if not is_noise(line, level):
            sink.write(line)
            sink.flush()


def import_quietly(name: str, level: int) -> ModuleType:
    """``import name`` with the informational lines that ``level`` hides kept off fd 2.

    Already imported, at level 0, or where fd 2 cannot be redirected, a plain import.
    An exception raised by the import propagates unchanged, after everything written
    to fd 2 before it has been passed on.
    """
    if name in sys.modules or level <= 0:
        return importlib.import_module(name)
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):
        return importlib.import_module(name)
    try:
        script = [sys.executable, "-I", "-S", os.path.abspath(__file__), str(level)]
        sieve = subprocess.Popen(script, stdin=subprocess.PIPE, stdout=saved, stderr=saved,
                                 bufsize=0)
    except OSError:
        os.close(saved)
        return importlib.import_module(name)
    os.dup2(sieve.stdin.fileno(), 2)
    try:
        return importlib.import_module(name)
    finally:
        with contextlib.suppress(AttributeError, ValueError, OSError):
            sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        sieve.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            sieve.wait(timeout=5)  # only longer if a process the import started holds fd 2


if __name__ == "__main__":
    filter_stream(sys.stdin.buffer, sys.stdout.buffer, int(sys.argv[1]))
