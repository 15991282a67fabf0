"""A backend from an entry-point plugin works everywhere a built-in one does.

``plugin/`` holds a toy NumPy backend and its distribution metadata; the fixture puts
it on ``sys.path``, which installs its ``netir.backends`` entry point for the session.
"""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.emitters import registry
from netir.emitters.registry import backend_of, get_backend, list_backends, register_backend
from netir.emitters.weights import (
    export_weights,
    import_weights,
    load_weights,
    random_weights,
    transfer_weights,
)

PLUGIN = Path(__file__).parent / "plugin"


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGIN))
    monkeypatch.setattr(registry, "_BACKENDS", dict(registry._BACKENDS))
    monkeypatch.setattr(registry, "_plugins_loaded", False)
    return get_backend("toy")


def _graph():
    g = netir.Graph("mlp")
    x = g.input((6,), name="x")
    h = g.relu(g.dense(x, 8, name="fc1"), name="r")
    g.dense(g.add(h, g.dense(x, 8, bias=False, name="skip"), name="sum"), 3, name="fc2")
    return g


def _same_weights(a, b):
    assert sorted(a) == sorted(b)
    for node in a:
        assert sorted(a[node]) == sorted(b[node])
        for p in a[node]:
            np.testing.assert_array_equal(a[node][p], b[node][p])


def test_entry_point_registers_the_backend(toy):
    import toy_netir_backend

    assert "toy" in list_backends()
    assert toy is toy_netir_backend.BACKEND
    assert netir.emit(_graph(), "toy").__class__ is toy_netir_backend.ToyModel


def test_plugin_model_takes_weights_from_torch_and_computes_the_same(toy):
    g = _graph()
    torch_backend = get_backend("torch")
    tm = netir.emit(g, "torch")
    import_weights(tm, random_weights(g, seed=3))
    model = netir.emit(g, "toy")
    assert backend_of(model) is toy and backend_of(tm) is torch_backend
    transfer_weights(tm, model)
    _same_weights(export_weights(model), export_weights(tm))
    x = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    (ours,), (theirs,) = toy.run(model, [x]), torch_backend.run(tm, [x])
    assert ours.shape == (4, 3)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    assert toy.count(model) == g.count_params() == torch_backend.count(tm)
    with pytest.raises(netir.NetIRError, match="fc2"):
        import_weights(model, {**random_weights(g), "fc2": {"weight": np.zeros((3, 7))}})


def test_cli_offers_and_uses_the_plugin_backend(toy, tmp_path):
    r = CliRunner().invoke(main, ["emit", "--help"])
    assert "toy" in r.output and "torch" in r.output
    _graph().save(tmp_path / "mlp.json")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["emit", str(tmp_path / "mlp.json"), "--backend", "toy",
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.json", "model.toy.json",
                                                     "weights.safetensors"]
    loaded = toy.load(out)
    _same_weights(load_weights(out / "weights.safetensors"), export_weights(loaded))
    r = CliRunner().invoke(main, ["emit", "lenet5", "--backend", "nope", "-o", str(out)])
    assert r.exit_code == 2 and "toy" in r.output


def test_missing_lowering_names_the_plugin_backend(toy):
    g = netir.Graph("g")
    g.tanh(g.input((3,)), name="t")
    with pytest.raises(netir.UnsupportedOpError, match="t \\(tanh\\).*'toy'"):
        netir.emit(g, "toy")


def test_the_latest_registered_owner_wins_dispatch(toy):
    class Shadow(type(toy)):
        name = "shadow"

    shadow = register_backend(Shadow())
    model = netir.emit(_graph(), "toy")
    assert backend_of(model) is shadow
    with pytest.raises(netir.NetIRError, match="already registered"):
        register_backend(Shadow())
    with pytest.raises(netir.NetIRError, match="must be a netir.emitters.backend.Backend"):
        register_backend(object())
