"""A newcomer's first run is quiet: no TensorFlow or absl start-up lines on the console."""

from __future__ import annotations

import os
import re
import subprocess
import sys

# C++ log lines (I0000 00:00:..., W..., E...), absl's notice, TF's CPU and oneDNN notices
TF_LOG = re.compile(r"^[IWEF]\d{4} |absl|cpu_feature_guard|oneDNN|TensorFlow binary", re.M)


def run_netir(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-m", "netir", *args], capture_output=True,
                          text=True, env={**clean, **env}, timeout=300)


def test_compare_prints_no_tensorflow_log_lines():
    out = run_netir("compare", "lenet5")
    assert out.returncode == 0, out.stderr
    assert "PASS" in out.stdout
    assert TF_LOG.findall(out.stderr) == []


def test_a_log_level_the_user_set_is_kept():
    # the module alone, without importing keras (which it runs before)
    code = ("import os, runpy, absl.logging, netir.emitters; "
            "runpy.run_path(os.path.join(netir.emitters.__path__[0], 'keras3', 'quiet.py')); "
            "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], absl.logging.get_verbosity())")
    for user, expected in (({}, "2 -2"), ({"TF_CPP_MIN_LOG_LEVEL": "0"}, "0 -1")):
        clean = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**clean, **user}, check=True, timeout=300)
        assert out.stdout.split() == expected.split()
