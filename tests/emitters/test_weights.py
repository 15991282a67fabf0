"""Neutral weights: layouts handled once, round trips bit-exact, errors strict."""

import numpy as np
import pytest

import netir
from netir import NetIRError
from netir.emitters.keras3 import to_keras
from netir.emitters.pytorch import to_torch
from netir.emitters.weights import (
    export_weights,
    import_weights,
    load_weights,
    random_weights,
    save_weights,
    transfer_weights,
)


def _graph():
    g = netir.Graph("mixed")
    x = g.input((3, 9, 9))
    x = g.conv2d(x, 4, 3, stride=2, padding="same", name="conv")
    x = g.batch_norm(x, name="bn")
    x = g.conv2d(x, 4, 3, groups=2, name="grouped")
    y = g.relu(x)
    g.dense(g.batch_norm(g.dense(g.flatten(y), 5, name="fc1"), name="bn1d"), 3, name="fc2")
    return g


def _equal(a, b):
    assert sorted(a) == sorted(b)
    for node in a:
        assert sorted(a[node]) == sorted(b[node])
        for p in a[node]:
            assert a[node][p].dtype == b[node][p].dtype
            np.testing.assert_array_equal(a[node][p], b[node][p])


def test_torch_keras_torch_round_trip_is_bit_exact():
    g = _graph()
    t1, k, t2 = to_torch(g), to_keras(g), to_torch(g)
    import_weights(t1, random_weights(g, seed=5))
    start = export_weights(t1)
    transfer_weights(t1, k)
    middle = export_weights(k)
    transfer_weights(k, t2)
    _equal(start, middle)
    _equal(start, export_weights(t2))


def test_neutral_layout_is_pytorch_layout():
    g = _graph()
    w = export_weights(to_keras(g))
    assert w["conv"]["weight"].shape == (4, 3, 3, 3)          # OIHW
    assert w["grouped"]["weight"].shape == (4, 2, 3, 3)       # in / groups
    assert w["fc1"]["weight"].shape == (5, 4 * 3 * 3)         # (out, in = C·H·W)
    assert sorted(w["bn"]) == ["bias", "running_mean", "running_var", "weight"]
    trainable, buffers = g.param_shapes("bn")
    assert {k: v.shape for k, v in w["bn"].items()} == {**trainable, **buffers}


def test_safetensors_round_trip(tmp_path):
    g = _graph()
    weights = random_weights(g, seed=1)
    save_weights(weights, tmp_path / "w.safetensors")
    _equal(weights, load_weights(tmp_path / "w.safetensors"))
    save_weights(weights, tmp_path / "w2.safetensors")
    assert (tmp_path / "w.safetensors").read_bytes() == (tmp_path / "w2.safetensors").read_bytes()


def test_random_weights_have_nontrivial_batch_norm_statistics():
    w = random_weights(_graph())
    assert np.abs(w["bn"]["running_mean"]).max() > 0.01
    assert np.abs(w["bn"]["running_var"] - 1).max() > 0.05


@pytest.mark.parametrize("make", [to_torch, to_keras])
def test_import_is_strict(make):
    g = _graph()
    model = make(g)
    w = random_weights(g)
    bad_shape = {**w, "fc2": {**w["fc2"], "weight": np.zeros((3, 7), np.float32)}}
    with pytest.raises(NetIRError, match="fc2"):
        import_weights(model, bad_shape)
    missing = {k: v for k, v in w.items() if k != "bn"}
    with pytest.raises(NetIRError, match="bn"):
        import_weights(model, missing)
    with pytest.raises(NetIRError, match="ghost"):
        import_weights(model, {**w, "ghost": {"weight": np.zeros(1, np.float32)}})


def test_unknown_model_type():
    with pytest.raises(NetIRError, match="no registered backend owns this model") as err:
        export_weights(object())
    assert "object" in str(err.value) and "torch" in str(err.value)


@pytest.fixture
def channel_scale(monkeypatch):
    """A plugin op with one declared per-channel parameter and a lowering per backend,
    and nothing else: weights must move between backends from the declaration alone."""
    import keras
    import torch

    from netir.emitters.registry import get_backend
    from netir.ir import registry as op_registry
    from netir.ir.params import WEIGHT, Param, channels, uniform
    from netir.ir.registry import OpSpec

    spec = OpSpec(name="test_channel_scale", category="norm", ranks=(3,),
                  doc="x * w per channel.",
                  parameters=(Param("weight", WEIGHT, "C", uniform(0.5, 1.5), channels),))
    monkeypatch.setitem(op_registry._REGISTRY, spec.name, spec)

    class TorchScale(torch.nn.Module):
        def __init__(self, c):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(c))

        def forward(self, x):
            return x * self.weight.view(1, -1, 1, 1)

    class KerasScale(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    torch_backend, keras_backend = get_backend("torch"), get_backend("keras")
    torch_backend.lowerings.register(spec.name)(
        lambda plan, inputs: TorchScale(plan.output.features))
    keras_backend.lowerings.register(spec.name)(
        lambda plan, inputs: KerasScale(name=plan.name)(inputs[0]))
    yield spec
    for backend in (torch_backend, keras_backend):
        backend.lowerings.pop(spec.name)


def test_a_new_op_moves_weights_from_its_declarations_alone(channel_scale):
    from netir.emitters.registry import get_backend

    g = netir.Graph("scaled")
    x = g.conv2d(g.input((2, 5, 5)), 3, 3, name="conv")
    g.flatten(g.test_channel_scale(x, name="scale"))
    tm, km = to_torch(g), to_keras(g)
    w = random_weights(g, seed=2)
    assert w["scale"]["weight"].shape == (3,) and w["scale"]["weight"].min() >= 0.5
    import_weights(tm, w)
    transfer_weights(tm, km)
    _equal(export_weights(km), w)
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 5)).astype(np.float32)
    (t,), (k,) = get_backend("torch").run(tm, [x]), get_backend("keras").run(km, [x])
    np.testing.assert_allclose(t, k, rtol=1e-5, atol=1e-5)
