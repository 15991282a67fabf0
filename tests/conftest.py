"""Shared test configuration: Hypothesis profiles and the torchvision reference."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=5000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("NETIR_HYPOTHESIS_PROFILE", "ci"))

DATA = Path(__file__).resolve().parent / "data"


def load_torchvision_reference() -> dict:
    """``tests/data``'s torchvision figures joined per model.

    ``{name: {input_shape, kwargs, trainable_params, float_buffers, macs, output_shape,
    state_dict: {key: shape}}}``, written by ``scripts/make_torchvision_reference.py``.
    """
    summary = json.loads((DATA / "torchvision_summary.json").read_text())["models"]
    state_dicts = json.loads(gzip.decompress(
        (DATA / "torchvision_state_dicts.json.gz").read_bytes()))["models"]
    return {name: {**entry, "state_dict": state_dicts[name]} for name, entry in summary.items()}


@pytest.fixture
def installed(backend: str):
    """The backend a test is parametrized with (``backend``), the test skipped where that
    backend's framework is not installed: a core-only install. The README's test setup
    installs every extra, so nothing is skipped there."""
    from netir.emitters.registry import available, get_backend

    if not available(backend):
        pytest.skip(f"{backend}'s framework is not installed")
    return get_backend(backend)


@pytest.fixture(scope="session")
def torchvision_reference() -> dict:
    """Every torchvision classification model: state_dict keys and shapes, counts, MACs."""
    return load_torchvision_reference()
