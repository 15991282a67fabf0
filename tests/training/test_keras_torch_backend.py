"""Keras on its torch backend trains like PyTorch: the same properties as
``test_agreement.py``, in a fresh process with KERAS_BACKEND=torch (a Keras backend is
chosen once per process).

Checked in float32 at 1e-5: on its non-TensorFlow backends Keras 3 promotes float64 to
float32 (``BIT64_TO_BIT32_DTYPE`` in its dtype rules), so a float64 Keras model on the
torch backend computes dense layers and means in float32 (measured: 2e-7 from PyTorch's
float64 in LeNet-5's forward). float32 against float32 is what it can promise.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CODE = textwrap.dedent("""
    import math

    import keras
    import netir
    from hypothesis import given, settings
    from netir.testing.strategies import graphs
    from netir.training.agreement import training_agreement
    from tests.training.test_agreement import _bn_graph

    FIELDS = ("forward", "gradients", "running_stats", "weights", "inference")

    def check(graph):
        (report,) = training_agreement(graph, steps=2, batch=8, dtype="float32")
        assert max(getattr(report, f) for f in FIELDS) <= 1e-5, report
        seen.append(report.worst_value())

    assert keras.backend.backend() == "torch"
    seen = []

    def conditioned(graph):
        # every normalisation averages over at least 8 values (training_agreement's rule
        # for batch norm): a group of 2 values normalises to about +-1 and turns float32
        # rounding of 1e-7 into 1e-4, which no two float32 implementations agree on
        for node in graph.nodes:
            inputs = graph.input_shapes(node)
            per_sample = math.prod(inputs[0]) if inputs else 0
            features = inputs[0].features if inputs else 1
            counts = {"group_norm": per_sample // node.attrs.get("num_groups", 1),
                      "instance_norm": per_sample // features, "layer_norm": features}
            if node.op in counts and counts[node.op] < 8:
                return False
        return True

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None)
    @given(graphs(max_nodes=6, max_inputs=1, chain=True).filter(
        lambda g: g.count_params()[0] > 0 and conditioned(g)))
    def random_graphs(graph):
        check(graph)

    random_graphs()
    for graph in (_bn_graph(), netir.build("lenet5")):
        check(graph)
    print("CHECKED", len(seen), max(seen))
""")


@pytest.mark.slow
def test_keras_on_torch_backend_trains_alike():
    examples = 6
    env = {**os.environ, "KERAS_BACKEND": "torch", "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", CODE.replace("EXAMPLES", str(examples))],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    checked, count, worst = out.stdout.split()[-3:]
    assert checked == "CHECKED" and int(count) == examples + 2
    assert 0 < float(worst) <= 1e-5
