"""The check sees what it must: one early node off by 1e-3 fails it, deep in a ResNet-152,
and so does a backend that normalises with batch statistics at inference."""

import numpy as np
import pytest

from netir.architectures import build
from netir.emitters import registry
from netir.emitters.compare import CATALOG_TOLERANCE, compare
from netir.emitters.pytorch.backend import TorchBackend

PERTURBED = "layer1.0.conv2"


class _Perturbed(TorchBackend):
    """PyTorch, but one node's weight is 1e-3 (relative) off."""

    name = "perturbed"

    def import_weights(self, model, weights) -> None:
        off = {n: dict(ps) for n, ps in weights.items()}
        off[PERTURBED]["weight"] = off[PERTURBED]["weight"] * np.float32(1 + 1e-3)
        super().import_weights(model, off)


class _BatchStats(TorchBackend):
    """PyTorch with batch norm left in training mode at inference (a classic bug)."""

    name = "batchstats"

    def run(self, model, inputs):
        import torch

        model.train()
        with torch.no_grad():
            out = model(*(torch.from_numpy(np.asarray(x)) for x in inputs))
        outs = list(out) if isinstance(out, tuple) else [out]
        return [t.numpy() for t in outs]


@pytest.fixture
def faulty(monkeypatch):
    for backend in (_Perturbed(), _BatchStats()):
        monkeypatch.setitem(registry._BACKENDS, backend.name, backend)


def test_one_early_node_off_by_1e3_fails_the_check(faulty):
    # ResNet-152 at 32×32: the full depth, small maps to keep the test quick
    report = compare(build("resnet152", input_size=32), backends=["perturbed"])
    (off,) = report.results
    assert not report.passed and not off.passed
    assert off.first_divergent == PERTURBED and off.worst_node == PERTURBED
    # the node's error is the 1e-3 put into its weight, times its output (its relative
    # error is judged against the larger of its output and its input)
    node = next(n for n in report.nodes if n.name == PERTURBED)
    assert node.local["perturbed"] == pytest.approx(1e-3 * node.scale, rel=0.05)
    assert 1e-4 < off.worst_rel <= 1.001e-3
    # every other node computes correctly from what it is given
    assert all(n.relative("perturbed") <= CATALOG_TOLERANCE
               for n in report.nodes if n.name != PERTURBED)


def test_batch_statistics_at_inference_fail_the_check(faulty):
    # a check calibrates on its own inputs plus fresh samples, so batch statistics of
    # the check's batch alone differ from the running ones
    report = compare(build("resnet18", input_size=32), backends=["batchstats"])
    assert not report.passed
    assert report.result("batchstats").first_divergent == "bn1"
