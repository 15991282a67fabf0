"""The key proof of the importer: ``from_torch(to_torch(g))`` gives back ``g``.

Same ops, attributes, names and layouts (byte-identical JSON) and bit-identical
weights, for the catalog networks (tests/catalog.py's sample; every one under
NETIR_DEEP=1, the rest marked slow).
"""

from __future__ import annotations

import pytest
import torch

from netir import build, from_torch, list_architectures
from netir.emitters.pytorch import to_torch
from netir.emitters.pytorch.emit import export_weights, no_initial_weights
from tests.catalog import DEEP, catalog_sample

_SAMPLE = set(catalog_sample())
_NAMES = [n if n in _SAMPLE else pytest.param(n, marks=pytest.mark.slow)
          for n in list_architectures() if DEEP or n in _SAMPLE]


@pytest.mark.parametrize("name", _NAMES)
def test_catalog_network_round_trips(name):
    graph = build(name)
    with no_initial_weights():  # the tensors hold whatever memory they got: compared bitwise
        model = to_torch(graph)
    example = torch.zeros((1, *graph.inputs[0].shape))
    imported, weights = from_torch(model, example, name=graph.name)
    assert imported.to_json() == graph.to_json()
    emitted = export_weights(model)
    assert sorted(weights) == sorted(emitted)
    for node, params in emitted.items():
        assert sorted(weights[node]) == sorted(params), node
        for p, value in params.items():
            got = weights[node][p]
            assert (got.dtype, got.shape) == (value.dtype, value.shape), (node, p)
            assert got.tobytes() == value.tobytes(), (node, p)
