"""The Keras source model trains as netir's Keras model does: one float64 train-mode step
(batch statistics, the moving averages' update, gradients) on the same weights, in a
process of its own (float64 is Keras' process-wide floatx)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("keras")

SCRIPT = Path(__file__).parent / "keras_training_step.py"


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v3_small"])
def test_float64_training_step_matches_to_keras(name):
    done = subprocess.run([sys.executable, str(SCRIPT), name], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    count, gap, drift, moved = done.stdout.split()[-4:]
    assert int(count) > 40  # every trainable variable compared
    assert int(moved) > 0  # the step moved the batch norms' statistics
    assert float(gap) <= 1e-10, gap
    assert float(drift) <= 1e-12, drift
