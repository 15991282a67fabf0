"""What an emitted model returns: a node nothing reads is refused with its name, never
returned as an extra output; outputs declared with ``g.output`` are returned, in order,
by every registered backend."""

import numpy as np
import pytest

import netir
from netir.emitters.registry import list_backends
from netir.emitters.weights import random_weights
from netir.ir.errors import GraphError

BACKENDS = list_backends()


def _gated(declare: bool) -> netir.Graph:
    g = netir.Graph("gated")
    x = g.input((4,))
    y = g.dense(x, 3, name="fc")
    gate = g.sigmoid(g.dense(x, 3, name="gate_fc"), name="gate")  # never multiplied in
    if declare:
        g.output(y, gate)
    return g


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unused_node_is_refused_naming_it(backend, installed):
    with pytest.raises(GraphError, match="g.output") as err:
        installed.emit(_gated(declare=False))
    assert "gate" in str(err.value) and "fc" in str(err.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_declared_outputs_are_returned_in_order(backend, installed):
    g = _gated(declare=True)
    chosen = installed
    weights = random_weights(g, seed=1)
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    fc, gate = chosen.run(chosen.emit_loaded(g, None, weights), [x])
    w, b = weights["fc"]["weight"], weights["fc"]["bias"]
    np.testing.assert_allclose(fc, x @ w.T + b, rtol=1e-5, atol=1e-6)
    assert gate.shape == (2, 3) and np.all((gate > 0) & (gate < 1))


def test_compare_refuses_an_unused_node_before_any_work():
    with pytest.raises(GraphError, match="gate"):
        netir.compare(_gated(declare=False), backends=["reference"])
