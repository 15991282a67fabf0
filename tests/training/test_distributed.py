"""Scale-out on the engines users already run: the emitted torch model under
DistributedDataParallel (2 CPU processes, gloo, 127.0.0.1) and the emitted Keras model
under tf.distribute.MirroredStrategy (2 logical CPU devices), each in a fresh process.

LeNet-5 has no batch norm, so splitting a global batch across replicas changes nothing:
with batch norm each replica would normalise with its own half-batch statistics
(per-rank semantics) unless converted to SyncBatchNorm.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.training.distributed_workers import GLOBAL_BATCH, LR, data, lenet

ROOT = Path(__file__).resolve().parents[2]


def _run(kind: str, out: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "tests.training.distributed_workers", kind,
                             str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def _single_process_torch():
    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

    graph = lenet()
    model = to_torch(graph).double().train()
    import_weights(model, random_weights(graph, seed=1))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    for x, y in zip(*data(graph)):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.from_numpy(x)),
                                          torch.from_numpy(y)).backward()
        opt.step()
    return model.state_dict()


def test_ddp_ranks_stay_identical_and_match_one_process(tmp_path):
    _run("ddp", tmp_path)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    single = _single_process_torch()
    start = lenet()
    assert GLOBAL_BATCH % 2 == 0 and set(ranks[0]) == set(single)
    for key, value in single.items():
        torch.testing.assert_close(ranks[1][key], ranks[0][key], rtol=0, atol=0)
        torch.testing.assert_close(ranks[0][key], value, rtol=1e-12, atol=1e-12)
    from netir.emitters.weights import random_weights

    initial = random_weights(start, seed=1)
    moved = max(float(np.abs(single[f"{n}.{p}"].numpy() - v).max())
                for n, ps in initial.items() for p, v in ps.items())
    assert moved > 1e-3  # training happened


@pytest.mark.slow
def test_keras_mirrored_strategy_matches_one_device(tmp_path):
    _run("mirrored", tmp_path)
    saved = np.load(tmp_path / "keras.npz")
    keys = sorted(k.partition("/")[2] for k in saved.files if k.startswith("mirrored/"))
    assert keys == sorted(k.partition("/")[2] for k in saved.files if k.startswith("single/"))
    for key in keys:
        np.testing.assert_allclose(saved[f"mirrored/{key}"], saved[f"single/{key}"],
                                   rtol=1e-10, atol=1e-12, err_msg=key)
    # and both learned the same thing as the single-process torch run
    single = _single_process_torch()
    for key in keys:
        node, param = key.split("/")
        np.testing.assert_allclose(saved[f"mirrored/{key}"], single[f"{node}.{param}"].numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=key)
