"""Parameter declarations on the op specs: counts, roles, layouts and initializers."""

import numpy as np
import pytest

import netir
from netir.emitters.weights import random_weights
from netir.ir.params import COUNTER, ROLES, Param, he_normal, normal, uniform
from netir.ir.registry import CATEGORIES, get_op, list_ops


@pytest.mark.parametrize("op", list_ops())
def test_declarations_are_well_formed(op):
    spec = get_op(op)
    assert spec.category in CATEGORIES
    names = [p.name for p in spec.parameters]
    assert len(names) == len(set(names))
    for p in spec.parameters:
        assert isinstance(p, Param) and p.role in ROLES
        assert len(set(p.layout)) == len(p.layout)


def _graph():
    g = netir.Graph("g")
    x = g.input((3, 12, 10))
    x = g.conv2d(x, 64, (3, 2), groups=1, name="conv")
    x = g.batch_norm(x, name="bn")
    g.dense(g.flatten(x), 300, bias=False, name="fc")
    return g


def test_param_shapes_follow_the_declarations_and_their_layouts():
    g = _graph()
    assert g.param_shapes("conv") == ({"weight": (64, 3, 3, 2), "bias": (64,)}, {})
    assert g.param_shapes("fc") == ({"weight": (300, 64 * 10 * 9)}, {})  # bias=False
    assert g.param_shapes("bn") == ({"weight": (64,), "bias": (64,)},
                                    {"running_mean": (64,), "running_var": (64,)})
    for node in g.nodes:
        trainable, buffers = g.param_shapes(node)
        declared = {p.name: p for p in node.spec.parameters}
        for name, shape in {**trainable, **buffers}.items():
            assert len(declared[name].layout) == len(shape)
    counters = [p.name for p in get_op("batch_norm").parameters if p.role == COUNTER]
    assert counters == ["num_batches_tracked"]


def test_random_weights_draw_from_each_declared_initializer():
    g = _graph()
    w = random_weights(g, seed=4)
    assert sorted(w["bn"]) == ["bias", "running_mean", "running_var", "weight"]  # no counter
    assert all(v.dtype == np.float32 for ps in w.values() for v in ps.values())
    np.testing.assert_allclose(w["conv"]["weight"].std(), np.sqrt(2 / (3 * 3 * 2)), rtol=0.05)
    np.testing.assert_allclose(w["fc"]["weight"].std(), np.sqrt(2 / (64 * 10 * 9)), rtol=0.05)
    assert abs(w["conv"]["bias"].std() - 0.1) < 0.03
    for name in ("weight", "running_var"):
        assert w["bn"][name].min() >= 0.5 and w["bn"][name].max() < 1.5
    assert np.array_equal(random_weights(g, seed=4)["conv"]["weight"], w["conv"]["weight"])


def test_initializers_describe_themselves_and_are_float32():
    rng = np.random.default_rng(0)
    assert str(he_normal((1,))) == "He normal over axes (1,)"
    assert str(uniform(0.5, 1.5)) == "uniform[0.5, 1.5)"
    assert normal(0.2).draw(rng, (3, 2)).dtype == np.float32
    with pytest.raises(netir.NetIRError, match="role"):
        Param("w", "weights", "C", normal(1.0), lambda a, i: (1,))
