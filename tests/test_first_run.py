"""A newcomer's first run is quiet: no TensorFlow or absl start-up lines on the console,
whatever the CPU (oneDNN, on by default on Intel CPUs, prints lines of its own)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

# C++ log lines (I0000 00:00:..., W..., E...), absl's notice, TF's CPU and oneDNN notices
TF_LOG = re.compile(r"^[IWEF]\d{4} |absl|cpu_feature_guard|oneDNN|TensorFlow binary", re.M)
# oneDNN as an Intel CPU has it by default, and as an AMD CPU has it
ONEDNN = pytest.mark.parametrize("onednn", ["1", "0"])


def run_netir(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python("-m", "netir", *args, **env)


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    return subprocess.run([sys.executable, *args], capture_output=True,
                          text=True, env={**clean, **env}, timeout=300)


@ONEDNN
def test_compare_prints_no_tensorflow_log_lines(onednn):
    out = run_netir("compare", "lenet5", TF_ENABLE_ONEDNN_OPTS=onednn)
    assert out.returncode == 0, out.stderr
    assert "PASS" in out.stdout
    assert TF_LOG.findall(out.stderr) == []
    assert TF_LOG.findall(out.stdout) == []


def test_worker_processes_print_no_tensorflow_log_lines():
    # two networks on two jobs: each is checked in a worker process of its own
    out = run_netir("check", "lenet5", "lenet5", "--backends", "keras", "--jobs", "2",
                    TF_ENABLE_ONEDNN_OPTS="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(" pass\n") == 2
    assert TF_LOG.findall(out.stderr) == []
    assert TF_LOG.findall(out.stdout) == []


def test_a_log_level_the_user_set_is_kept():
    code = ("import os, absl.logging, netir.emitters.keras3; "
            "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], absl.logging.get_verbosity())")
    quiet = run_python("-c", code, TF_ENABLE_ONEDNN_OPTS="1")
    assert quiet.stdout.split() == ["2", "-2"], quiet.stderr  # absl.logging.ERROR
    assert quiet.stderr == ""
    loud = run_python("-c", code, TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="0")
    assert loud.stdout.split() == ["0", "-1"], loud.stderr  # absl.logging.INFO, untouched
    assert "absl::InitializeLog()" in loud.stderr
    assert "port.cc:153] oneDNN custom operations are on" in loud.stderr
