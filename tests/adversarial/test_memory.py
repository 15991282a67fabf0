"""The memory guard counts what lowerings and weight draws allocate: a graph whose
lowering workspace or weights would not fit is a ResourceError naming the node, before
any allocation, never a MemoryError from NumPy or a framework. The limit is set small
with ``memory_limit`` so that nothing large is allocated for real."""

import pytest

import netir
from netir.emitters.calibration import make_weights
from netir.emitters.registry import list_backends
from netir.emitters.weights import random_weights
from netir.ir.errors import ResourceError
from netir.ir.limits import (
    available_memory,
    check_memory,
    estimate_bytes,
    memory_limit,
    workspace_bytes,
)

LIMIT = 2**30


def _adaptive(rows: int = 10**6, out: int = 999) -> netir.Graph:
    g = netir.Graph("tall_pool")
    g.adaptive_avg_pool2d(g.input((1, rows, 1)), (out, 1), name="pool")
    return g


def test_memory_limit_caps_what_is_available_and_nests():
    with memory_limit(5 * 2**20):
        assert available_memory() == 5 * 2**20
        with memory_limit(2**20):
            assert available_memory() == 2**20
        assert available_memory() == 5 * 2**20
    assert available_memory() is None or available_memory() > 5 * 2**20


def test_an_adaptive_pools_averaging_matrices_are_counted():
    g = _adaptive()
    # two float64 (out, in) matrices, one per spatial axis, as the Keras and ONNX
    # lowerings build them: 999 × 10^6 and 1 × 1
    assert workspace_bytes(g, g["pool"]) == 8 * (999 * 10**6 + 1)
    assert estimate_bytes(g) > 8 * 999 * 10**6 > 100 * 4 * (10**6 + 999)


@pytest.mark.parametrize("backend", list_backends())
def test_a_huge_lowering_workspace_is_refused_by_every_backend(backend, installed):
    with memory_limit(LIMIT), pytest.raises(ResourceError) as err:
        installed.emit(_adaptive())
    assert err.value.node == "pool" and "workspace" in str(err.value)


def test_a_workspace_within_the_limit_is_not_refused():
    with memory_limit(LIMIT):
        check_memory(_adaptive(rows=10**4, out=99))  # 8 MB of matrices


def _wide() -> netir.Graph:
    g = netir.Graph("wide")
    g.dense(g.input((4,)), 10**9, name="fc")  # 5·10^9 parameters: 40 GB to draw
    return g


@pytest.mark.parametrize("draw", [random_weights,
                                  lambda g, seed: make_weights(g, "calibrated", seed),
                                  lambda g, seed: make_weights(g, "random", seed)],
                         ids=["random_weights", "calibrated", "random"])
def test_weights_too_large_to_draw_are_refused_naming_the_node(draw):
    with memory_limit(LIMIT), pytest.raises(ResourceError) as err:
        draw(_wide(), 0)
    assert err.value.node == "fc" and "fc alone needs" in str(err.value)


def test_weights_within_the_limit_are_drawn():
    g = netir.Graph("small")
    g.dense(g.input((4,)), 1000, name="fc")
    with memory_limit(LIMIT):
        assert random_weights(g)["fc"]["weight"].shape == (1000, 4)
