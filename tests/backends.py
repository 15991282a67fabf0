"""The backends a per-backend test runs: every registered one.

Tests parametrize over :func:`backends` (``netir.emitters.registry.list_backends()``),
never over a hand-written list, so a new backend or a plugin's is tested the day it
registers. A backend whose framework is not installed here is skipped, saying so.
"""

from __future__ import annotations

import pytest

from netir.emitters.registry import available, list_backends


def backends(*, exclude: tuple[str, ...] = ()) -> list:
    """``pytest.param`` per registered backend (less ``exclude``), each skipped with a
    reason where its framework is not installed."""
    return [pytest.param(b, id=b, marks=pytest.mark.skipif(
        not available(b), reason=f"{b}'s framework is not installed"))
        for b in list_backends() if b not in exclude]


def usable_backends() -> list[str]:
    """The registered backends that can run here (for a test that runs them together,
    as ``compare`` does)."""
    return [b for b in list_backends() if available(b)]
