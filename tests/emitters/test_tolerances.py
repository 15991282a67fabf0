"""The check sees what it must: one early node off by 1e-3 fails it, deep in a ResNet-152,
and so does a backend that normalises with batch statistics at inference."""

import numpy as np
import pytest

from netir.architectures import build
from netir.emitters import compare as compare_module
from netir.emitters.compare import CATALOG_TOLERANCE, compare

PERTURBED = "layer1.0.conv2"


def _perturbed_torch(graph, weights, inputs, outputs):
    """PyTorch, but one node's weight is 1e-3 (relative) off."""
    off = {n: dict(ps) for n, ps in weights.items()}
    off[PERTURBED]["weight"] = off[PERTURBED]["weight"] * np.float32(1 + 1e-3)
    return compare_module._run_torch(graph, off, inputs, outputs)


def _batch_stats_torch(graph, weights, inputs, outputs):
    """PyTorch with batch norm left in training mode at inference (a classic bug)."""
    import torch

    from netir.emitters import pytorch

    model = pytorch.to_torch(graph, outputs)
    pytorch.import_weights(model, weights)
    model.train()
    with torch.no_grad():
        out = model(*(torch.from_numpy(x) for x in inputs))
    outs = list(out) if isinstance(out, tuple) else [out]
    return [t.numpy() for t in outs], pytorch.count_params(model)


@pytest.fixture
def faulty(monkeypatch):
    monkeypatch.setitem(compare_module._RUNS, "perturbed", _perturbed_torch)
    monkeypatch.setitem(compare_module._RUNS, "batchstats", _batch_stats_torch)


def test_one_early_node_off_by_1e3_fails_the_check(faulty):
    # ResNet-152 at 32×32: the full depth, small maps to keep the test quick
    report = compare(build("resnet152", input_size=32), backends=["perturbed"])
    (off,) = report.results
    assert not report.passed and not off.passed
    assert off.first_divergent == PERTURBED and off.worst_node == PERTURBED
    assert off.worst_rel == pytest.approx(1e-3, rel=0.2)
    # every other node computes correctly from what it is given
    assert all(n.relative("perturbed") <= CATALOG_TOLERANCE
               for n in report.nodes if n.name != PERTURBED)


def test_batch_statistics_at_inference_fail_the_check(faulty):
    # a check calibrates on its own inputs plus fresh samples, so batch statistics of
    # the check's batch alone differ from the running ones
    report = compare(build("resnet18", input_size=32), backends=["batchstats"])
    assert not report.passed
    assert report.result("batchstats").first_divergent == "bn1"
