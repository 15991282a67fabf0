"""Which catalog networks the heavy per-network tests run.

Counts, keys and shapes are cheap and cover every network always. Running a network
(in every backend, through ONNX, optimised, drawn) is not: by default those tests take
:func:`catalog_sample`, every network under ``NETIR_DEEP=1``.
"""

from __future__ import annotations

import os

from netir.architectures import build, get_architecture, list_architectures

DEEP = os.environ.get("NETIR_DEEP") == "1"


def _ops(name: str) -> frozenset[str]:
    return frozenset(node.op for node in build(name).nodes)


def catalog_sample(deep: bool = DEEP) -> list[str]:
    """Every catalog network when ``deep``; otherwise, per family, its cheapest member
    (fewest MACs, then lineage order) and any member that uses an op the family's chosen
    members do not (VGG's batch-norm variant, AlexNet-2012's local response norm).
    Lineage order."""
    names = list_architectures()
    if deep:
        return names
    chosen: list[str] = []
    covered: dict[str, frozenset[str]] = {}
    for name in sorted(names, key=lambda n: get_architecture(n).macs):
        family, ops = get_architecture(name).family, _ops(name)
        if family not in covered or not ops <= covered[family]:
            chosen.append(name)
            covered[family] = covered.get(family, frozenset()) | ops
    return [n for n in names if n in chosen]
