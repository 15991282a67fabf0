"""The guarded framework import: TensorFlow's start-up notices are dropped, every other
byte written to fd 2 during the import still reaches stderr, errors and crashes included."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from netir.quiet_import import is_noise

# the lines TensorFlow 2.21 prints with oneDNN on, copied from a run with
# TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
ABSL_NOTICE = (b"WARNING: All log messages before absl::InitializeLog() is called are written "
               b"to STDERR\n")
ONEDNN = (b"I0000 00:00:1796607611.835533    7495 port.cc:153] oneDNN custom operations are on. "
          b"You may see slightly different numerical results due to floating-point round-off "
          b"errors from different computation orders. To turn them off, set the environment "
          b"variable `TF_ENABLE_ONEDNN_OPTS=0`.\n")
WARNING = (b"W0000 00:00:1796608539.278643   24883 port.cc:148] TF_ENABLE_ONEDNN_OPTS is not "
           b"set to either '0', 'false', '1', or 'true'. Using the default setting: false\n")
ERROR = b"E0000 00:00:1796607611.835533    7495 op_kernel.cc:1830] OP_REQUIRES failed: bad input\n"
FATAL = (b"F1207 01:40:12.123456    7495 cpu_feature_guard.cc:110] The TensorFlow library was "
         b"compiled to use AVX instructions, but these aren't available on your machine.\n")


@pytest.mark.parametrize(("line", "hidden_from"), [
    (ABSL_NOTICE, 1), (ONEDNN, 1), (WARNING, None), (ERROR, None), (FATAL, None),
    (b"Traceback (most recent call last):\n", None), (b"I0000 is not a log line\n", None),
    (b"  warnings.warn(\"I0000 00:00:1.5 1 port.cc:153] quoted\")\n", None),
])
def test_a_line_is_hidden_from_the_level_that_asks_for_it(line, hidden_from):
    for level in range(5):
        assert is_noise(line, level) == (hidden_from is not None and level >= hidden_from)


def import_fake_framework(tmp_path, body: str, level: int = 2) -> subprocess.CompletedProcess:
    """Run ``import_quietly("fakeframework", level)`` on a module made of ``body``."""
    (tmp_path / "fakeframework.py").write_text(textwrap.dedent(body))
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    code = ("import os; from netir.quiet_import import import_quietly; "
            f"import_quietly('fakeframework', {level}); os.write(2, b'after the import\\n')")
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          env={**os.environ, "PYTHONPATH": path}, timeout=120)


WRITES = f"""
    import os, sys, warnings
    os.write(2, {ABSL_NOTICE!r})
    os.write(2, {ONEDNN!r})
    os.write(2, {WARNING!r})
    os.write(2, {ERROR!r})
    sys.stderr.write("written by Python\\n")
    warnings.warn("a Python warning during the import")
    """


def test_notices_are_dropped_and_every_other_line_is_passed_on(tmp_path):
    out = import_fake_framework(tmp_path, WRITES)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines(keepends=True)
    assert lines[:3] == [WARNING, ERROR, b"written by Python\n"]
    assert b"UserWarning: a Python warning during the import" in lines[3]
    assert lines[-1] == b"after the import\n"
    assert ABSL_NOTICE not in out.stderr and ONEDNN not in out.stderr


def test_a_level_of_zero_passes_every_line(tmp_path):
    out = import_fake_framework(tmp_path, WRITES, level=0)
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith(ABSL_NOTICE + ONEDNN + WARNING + ERROR)


def test_an_exception_in_the_import_shows_in_full(tmp_path):
    out = import_fake_framework(tmp_path, WRITES + 'raise RuntimeError("no kernel for this CPU")\n')
    assert out.returncode == 1
    assert out.stderr.startswith(WARNING + ERROR + b"written by Python\n")
    assert b"Traceback (most recent call last):" in out.stderr
    assert b'fakeframework.py", line 9, in <module>' in out.stderr
    assert out.stderr.endswith(b"RuntimeError: no kernel for this CPU\n")
    assert b"after the import" not in out.stderr


def test_a_crash_in_the_import_still_shows_its_last_words(tmp_path):
    # TensorFlow on a CPU without the instructions it was built for logs FATAL, aborts
    out = import_fake_framework(tmp_path, f"""
        import os
        os.write(2, {ONEDNN!r})
        os.write(2, {FATAL!r})
        os.abort()
        """)
    assert out.returncode == -6  # SIGABRT
    assert out.stderr == FATAL
