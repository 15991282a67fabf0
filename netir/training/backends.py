"""Which backends train: asked of the backend registry (:mod:`netir.emitters.registry`).

A backend that trains declares it on its :class:`~netir.emitters.backend.Backend`: the
class attribute ``trainer``, ``"module:Class"`` naming the class that trains one of its
emitted models (:mod:`netir.training.trainers`: a train-mode forward, gradients, an SGD
step, the weights, in the neutral layout). A backend without one (the NumPy reference,
ONNX) computes inference only. A plugin backend that trains declares its own.

Nothing here imports a framework: a backend's module is imported when its declaration
is read, its trainer's framework when the trainer is built.
"""

from __future__ import annotations

import importlib

from netir.emitters.registry import available, get_backend, list_backends
from netir.ir.errors import NetIRError

#: The backend every other is compared with in training agreement: PyTorch, whose
#: layout and conventions are netir's neutral ones.
REFERENCE = "torch"

def declared_trainer(name: str) -> str | None:
    """What backend ``name`` declares as its trainer (``"module:Class"``), or None when
    it does not train or is not registered or cannot run here."""
    if name not in list_backends() or not available(name):
        return None
    return get_backend(name).trainer


def training_backends() -> list[str]:
    """Every registered backend that trains here: :data:`REFERENCE` first, then the
    others by name."""
    names = [b for b in list_backends() if declared_trainer(b)]
    return sorted(names, key=lambda b: (b != REFERENCE, b))


def trainer_class(name: str, where: str = "<train>") -> type:
    """The trainer class backend ``name`` declares; NetIRError (node ``where``) naming
    the backends that train when it declares none."""
    spec = declared_trainer(name)
    if spec is None:
        raise NetIRError(f"no trainer for this backend; known: {sorted(training_backends())}",
                         str(name), node=where, op="train")
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)
