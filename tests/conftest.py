"""Shared test configuration: Hypothesis profiles and the torchvision reference."""

from __future__ import annotations

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

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / \
    "torchvision.json"


@pytest.fixture(scope="session")
def torchvision_reference() -> dict:
    """``../shared/reference/torchvision.json``: state_dict keys, counts, MACs."""
    return json.loads(REFERENCE.read_text())["models"]
