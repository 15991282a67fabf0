"""Training asks the backend registry which backends train: what each declares."""

import pytest

import netir
from netir.emitters import registry
from netir.emitters.registry import get_backend, list_backends, register_backend
from netir.ir.errors import NetIRError
from netir.training.backends import REFERENCE, trainer_class, training_backends

pytest.importorskip("torch")


@pytest.fixture
def own_registry(monkeypatch):
    """The registry as it is, restored after the test."""
    monkeypatch.setattr(registry, "_BACKENDS", dict(registry._BACKENDS))


def test_the_backends_that_train_are_the_registered_ones_that_declare_a_trainer():
    names = training_backends()
    assert names[0] == REFERENCE
    assert set(names) <= set(list_backends())
    assert "reference" not in names  # the NumPy reference computes inference only
    for name in names:
        assert trainer_class(name).name == name  # each trainer says whose it is


def test_a_backend_that_does_not_train_is_refused_naming_those_that_do():
    for name in ("reference", "no-such-backend"):
        with pytest.raises(NetIRError, match="no trainer for this backend") as err:
            trainer_class(name, "net")
        assert err.value.node == "net" and name in str(err.value)
        assert repr(sorted(training_backends())) in str(err.value)


def test_a_registered_backend_that_declares_a_trainer_trains(own_registry):
    """A new backend (here the torch backend under another name) is listed, and
    trained by the agreement by default, the day it registers."""
    from netir.training.agreement import training_agreement
    from netir.training.trainers import TorchTrainer

    class Declared(type(get_backend("torch"))):
        name = "declared"
        trainer = "netir.training.trainers:TorchTrainer"

    class Silent(type(get_backend("torch"))):  # says it does not train
        name = "silent"
        trainer = None

    register_backend(Declared())
    register_backend(Silent())
    assert "declared" in training_backends() and "silent" not in training_backends()
    assert trainer_class("declared") is TorchTrainer
    g = netir.Graph("tiny")
    g.dense(g.input((3,)), 2, name="fc")
    reports = training_agreement(g, steps=1, batch=2)
    expected = [b for b in training_backends() if b != REFERENCE]
    assert len(reports) == len(expected)
    # torch against torch: the same computation, bit for bit
    (same,) = [r for r, b in zip(reports, expected) if b == "declared"]
    assert same.forward == same.gradients == same.weights == 0.0


def test_a_backend_whose_framework_is_missing_does_not_train_here(monkeypatch):
    monkeypatch.setattr(registry, "available", lambda name: name != "keras")
    from netir.training import backends

    monkeypatch.setattr(backends, "available", registry.available)
    assert "keras" not in training_backends() and REFERENCE in training_backends()
